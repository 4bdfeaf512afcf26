// The calls the agent places: the callback list (missed-call returns and callbacks whose attempts failed, due first),
// taking one (or the next due) and seeing how its attempt ended; and a case's return visit (回访): dial the citizen of a
// case, then save their verdict with the case (its history names the call). The server picks the number (from the task
// or the case, never typed here) and rings the agent's own phone first; its refusal is shown as it is.
import { t } from './i18n.js';
import { cleanHubError } from './call.js';
import { when } from './format.js';

const $ = id => document.getElementById(id);

export class CallbacksPanel {
  constructor(hub) {
    this.hub = hub;
    this.following = 0; // the task whose attempt is being watched
    this.visit = null; // { caseId, callId } of the last return visit
    $('cb-refresh').onclick = () => this.refresh();
    $('cb-next').onclick = () => this.dial(null);
    $('rv-dial').onclick = () => this.returnVisit();
    $('rv-save').onclick = () => this.saveVerdict();
    document.addEventListener('desk:language', () => this.render());
    this.render();
  }

  /** The open tasks, oldest due first, each with its own "call back" button. */
  async refresh() {
    $('cb-error').textContent = '';
    try {
      this.tasks = await this.hub.invoke('ListCallbackTasks');
    } catch (error) {
      $('cb-error').textContent = cleanHubError(error);
      return;
    }
    const body = $('cb-list').tBodies[0];
    body.replaceChildren();
    if (this.tasks.length === 0) {
      const cell = body.insertRow().insertCell();
      cell.colSpan = 6;
      cell.textContent = t('cb.none');
    }
    for (const task of this.tasks) {
      const row = body.insertRow();
      row.dataset.task = task.id;
      for (const text of [task.number, t(`cb.kind.${task.kind}`), String(task.attempts), when(task.dueAt), task.lastOutcome ? t(`cb.outcome.${task.lastOutcome}`) : '—']) {
        row.insertCell().textContent = text;
      }
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'cb-dial';
      button.textContent = t('cb.dial');
      button.onclick = () => this.dial(task.id);
      row.insertCell().append(button);
    }
  }

  /** Takes task id (the oldest due when null): the seat's phone rings, then the citizen's. */
  async dial(id) {
    $('cb-error').textContent = '';
    try {
      const started = await this.hub.invoke('DialCallbackTask', id);
      $('cb-status').textContent = t('cb.calling', started.number, started.taskId);
      this.follow(started.taskId);
    } catch (error) {
      $('cb-error').textContent = cleanHubError(error);
    }
    await this.refresh();
  }

  /** Shows how the task's attempt ends (reached, no answer, busy, wrong number) once the server recorded it. */
  async follow(taskId) {
    if (!taskId) return;
    this.following = taskId;
    for (let i = 0; i < 600 && this.following === taskId; i++) {
      await new Promise(resolve => setTimeout(resolve, 1000));
      let task;
      try { task = await this.hub.invoke('GetCallbackTask', taskId); } catch { continue; }
      if (task.state !== 'dialling') {
        $('cb-status').textContent = t('cb.result', taskId, t(`cb.outcome.${task.lastOutcome ?? 'no-answer'}`), t(`cb.state.${task.state}`), task.attempts);
        $('cb-status').dataset.outcome = task.lastOutcome ?? '';
        this.following = 0;
        await this.refresh();
        return;
      }
    }
  }

  /** A task the ACD offered (its pop): its outcome shows here when the call is over. */
  offered(pop) {
    if (!pop.callbackTaskId) return;
    $('cb-status').textContent = t('cb.offered', pop.callerNumber, pop.callbackTaskId);
    this.follow(pop.callbackTaskId);
  }

  /** The return visit of the case typed in: the seat's phone rings, then the citizen's. */
  async returnVisit() {
    $('rv-error').textContent = '';
    $('rv-status').textContent = '';
    const caseId = Number.parseInt($('rv-case').value, 10);
    if (!Number.isSafeInteger(caseId) || caseId <= 0) { $('rv-error').textContent = t('rv.needCase'); return; }
    try {
      const started = await this.hub.invoke('ReturnVisit', caseId);
      this.visit = { caseId, callId: started.callId };
      $('rv-status').textContent = t('rv.calling', started.number, caseId);
    } catch (error) {
      $('rv-error').textContent = cleanHubError(error);
    }
    this.render();
  }

  /** The citizen's verdict on the return visit, saved with the case (closed, or reopened when dissatisfied). */
  async saveVerdict() {
    if (!this.visit) return;
    $('rv-error').textContent = '';
    try {
      const status = await this.hub.invoke('SaveReturnVisit', this.visit.caseId, this.visit.callId, $('rv-verdict').value, $('rv-note').value);
      $('rv-status').textContent = t('rv.saved', this.visit.caseId, t(`rv.status.${status}`));
      $('rv-status').dataset.status = status;
      this.visit = null;
      $('rv-note').value = '';
    } catch (error) {
      $('rv-error').textContent = cleanHubError(error);
    }
    this.render();
  }

  render() {
    $('rv-save').disabled = !this.visit;
    $('rv-verdict').disabled = !this.visit;
    $('rv-note').disabled = !this.visit;
  }
}
