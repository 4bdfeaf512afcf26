// The call panel: the screen-pop (shown, with the citizen's history, before the phone rings), then
// ringing, talking (timer, hang up, hold, mute, DTMF pad, recording pause with a reason) and ended.
import { t } from './i18n.js';
import { clock, timeSpanSeconds, day, when, fillRows } from './format.js';

const $ = id => document.getElementById(id);

export class CallPanel {
  constructor(hub, phone) {
    this.hub = hub;
    this.phone = phone;
    this.callId = null;
    this.phase = null;
    this.answeredAt = null;
    this.held = false; this.muted = false; this.recordingPaused = false;
    $('btn-answer').onclick = () => this.answer();
    $('btn-hangup').onclick = () => this.hangUp();
    $('btn-hold').onclick = () => this.act(() => this.phone().hold(this.callId, !this.held), () => { this.held = !this.held; });
    $('btn-mute').onclick = () => this.act(() => this.phone().mute(this.callId, !this.muted), () => { this.muted = !this.muted; });
    $('btn-record').onclick = () => this.act(
      () => (this.recordingPaused ? this.hub.invoke('ResumeRecording', this.callId) : this.hub.invoke('PauseRecording', this.callId, $('record-reason').value)),
      () => { this.recordingPaused = !this.recordingPaused; });
    const pad = $('dtmf-pad');
    for (const d of '123456789*0#') {
      const b = document.createElement('button');
      b.type = 'button'; b.textContent = d; b.dataset.digit = d;
      b.onclick = () => this.act(() => this.phone().digit(this.callId, d));
      pad.append(b);
    }
    setInterval(() => this.tick(), 250);
    document.addEventListener('desk:language', () => this.render());
  }

  get active() { return this.callId !== null; }

  /** A pop for callId: details at once, history when read; resolves when both are on screen. */
  async pop(pop) {
    this.reset(pop.callId, 'pop');
    $('pop-caller').textContent = pop.callerNumber;
    $('pop-dialed').textContent = pop.dialedNumber;
    $('pop-ivr').textContent = (pop.ivrPath ?? []).join(' › ');
    $('pop-keys').textContent = pop.ivrDigits || '—';
    $('pop-language').textContent = pop.language;
    $('pop-queue').textContent = pop.queue;
    $('pop-wait').textContent = clock(timeSpanSeconds(pop.waitTime));
    $('pop-from').textContent = pop.transferredFrom ?? '';
    for (const e of document.querySelectorAll('.pop-from')) e.hidden = !pop.transferredFrom;
    // A call the centre places (a queued caller's callback, a callback task): what it is, before the phone rings.
    $('pop-task').textContent = pop.purpose ? t('pop.purpose', t(`purpose.${pop.purpose}`), pop.callbackTaskId ?? '', pop.callbackAttempt ?? 1) : '';
    for (const e of document.querySelectorAll('.pop-task')) e.hidden = !pop.purpose;
    this.caseDraft = pop.caseDraft ?? null; // the transferring agent's case, for the form
    await this.loadHistory();
  }

  /** After a reconnect during a call the pop is gone: show what the seat holds and read the history again. */
  async resume(callId, phase) {
    if (this.callId === callId) { this.setPhase(phase); return; }
    this.reset(callId, phase);
    if (phase === 'talking') this.answeredAt = Date.now();
    await this.loadHistory();
  }

  async loadHistory() {
    const callId = this.callId;
    try {
      const h = await this.hub.invoke('GetCitizen', callId);
      if (this.callId !== callId) return;
      this.citizenPhone = h.phone;
      if (!$('pop-caller').textContent) $('pop-caller').textContent = h.phone;
      $('repeat-flag').hidden = !h.repeatCaller;
      fillRows($('history-cases').tBodies[0], h.cases.map(c => ({
        className: c.open ? 'open' : '',
        cells: [c.number, c.status, c.department ?? '—', day(c.dueAt), c.summary],
      })), t('history.none'));
      fillRows($('history-calls').tBodies[0], h.calls.map(c => ({
        cells: [when(c.offeredAt), c.outcome ?? '…', c.queue ?? '', c.agentId ?? '', c.talkSeconds == null ? '' : clock(c.talkSeconds)],
      })), t('history.none'));
    } catch (error) {
      this.error(error);
    }
  }

  ringing() { this.setPhase('ringing'); }

  talking() { this.answeredAt ??= Date.now(); this.setPhase('talking'); }

  ended() { this.setPhase('ended'); }

  clear() { this.callId = null; this.phase = null; $('call-panel').hidden = true; $('citizen-panel').hidden = true; }

  answer() {
    if (!this.active || this.phase !== 'ringing' || !this.phone().canAnswer) return;
    this.act(() => this.phone().answer(this.callId));
  }

  hangUp() {
    if (!this.active || this.phase !== 'talking') return;
    this.act(() => this.phone().hangUp(this.callId));
  }

  reset(callId, phase) {
    this.callId = callId; this.answeredAt = null; this.citizenPhone = null;
    this.held = false; this.muted = false; this.recordingPaused = false;
    for (const id of ['pop-caller', 'pop-dialed', 'pop-ivr', 'pop-keys', 'pop-language', 'pop-queue', 'pop-wait', 'pop-from', 'pop-task', 'call-error']) $(id).textContent = '';
    for (const e of document.querySelectorAll('.pop-from, .pop-task')) e.hidden = true;
    this.caseDraft = null;
    $('repeat-flag').hidden = true;
    $('history-cases').tBodies[0].replaceChildren();
    $('history-calls').tBodies[0].replaceChildren();
    $('call-panel').hidden = false;
    $('citizen-panel').hidden = false;
    this.setPhase(phase);
  }

  setPhase(phase) { this.phase = phase; this.render(); }

  render() {
    if (!this.phase) return;
    const badge = $('call-phase');
    badge.dataset.phase = this.phase;
    badge.textContent = t(`phase.${this.phase}`);
    const phone = this.phone();
    const talking = this.phase === 'talking';
    $('btn-answer').disabled = !(this.phase === 'ringing' && phone.canAnswer);
    for (const id of ['btn-hangup', 'btn-hold', 'btn-mute', 'btn-record', 'record-reason']) $(id).disabled = !talking;
    for (const b of $('dtmf-pad').children) b.disabled = !talking || !phone.canSendDigits;
    $('btn-hold').setAttribute('aria-pressed', String(this.held));
    $('btn-mute').setAttribute('aria-pressed', String(this.muted));
    $('btn-record').setAttribute('aria-pressed', String(this.recordingPaused));
    $('btn-record').textContent = t(this.recordingPaused ? 'resumeRecording' : 'pauseRecording');
    $('phone-hint').textContent = phone.canAnswer ? '' : `${t('hint.sipAnswer')} ${phone.canSendDigits ? '' : t('hint.sipDigits')}`;
    this.onRender?.();
  }

  tick() {
    $('call-timer').textContent = this.answeredAt && this.phase === 'talking' ? clock((Date.now() - this.answeredAt) / 1000) : '';
  }

  async act(action, then) {
    $('call-error').textContent = '';
    try {
      await action();
      then?.();
      this.render();
    } catch (error) {
      this.error(error);
    }
  }

  error(error) { $('call-error').textContent = cleanHubError(error); }
}

/** A HubException's own sentence, without SignalR's prefix. */
export function cleanHubError(error) {
  const m = /HubException: (.*)$/.exec(error?.message ?? '');
  return m ? m[1] : error?.message ?? String(error);
}
