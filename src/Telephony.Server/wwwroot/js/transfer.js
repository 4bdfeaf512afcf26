// The transfer panel: blind transfer (to an agent, a queue or a number), attended transfer (consult with the
// citizen on hold, then complete or go back), and three-party calls with a directory entry (conference, drop
// the third party, hand over and leave). Every button is one hub command; the server's dial plan decides what
// may be dialled and its refusal is shown as it is. The case being written goes with a transfer.
import { t } from './i18n.js';
import { cleanHubError } from './call.js';

const $ = id => document.getElementById(id);

export class TransferPanel {
  /** hub: the agents' hub; call: the CallPanel (its callId and phase); draft: () => the case form's fields. */
  constructor(hub, call, draft) {
    this.hub = hub;
    this.call = call;
    this.draft = draft;
    this.consulting = false;
    this.third = false;
    $('btn-xfer').onclick = () => this.transfer($('xfer-target').value);
    $('btn-consult').onclick = () => this.consult($('xfer-target').value);
    $('btn-complete').onclick = () => this.run('CompleteTransfer', [], () => { this.consulting = false; return t('xfer.done', $('xfer-target').value); });
    $('btn-cancel-xfer').onclick = () => this.run('CancelTransfer', [], () => { this.consulting = false; return ''; });
    $('btn-conference').onclick = () => this.conference($('xfer-target').value);
    $('btn-drop-third').onclick = () => this.run('DropPartner', [], () => { this.third = false; return ''; });
    $('btn-handover').onclick = () => this.run('HandOverToPartner', [], () => { this.third = false; return t('xfer.done', $('xfer-target').value); });
    document.addEventListener('desk:language', () => this.render());
  }

  /** Blind transfer to target (agent:…, queue:… or a number). */
  transfer(target) {
    $('xfer-target').value = target;
    return this.run('Transfer', [target, this.draft()], () => t(/^\d/.test(target) ? 'xfer.calling' : 'xfer.done', target));
  }

  consult(target) {
    $('xfer-target').value = target;
    return this.run('ConsultTransfer', [target, this.draft()], () => { this.consulting = true; return t('xfer.consulting', target); });
  }

  /** Brings a directory entry (110, a department's duty line, a hotline) into the call: all three hear each other. */
  conference(number) {
    $('xfer-target').value = number;
    return this.run('AddPartner', [number.replace(/^(number|tel):/, '')], () => { this.third = true; return t('xfer.calling', number); });
  }

  reset() { this.consulting = false; this.third = false; $('xfer-status').textContent = ''; this.render(); }

  render() {
    const talking = this.call.phase === 'talking';
    for (const id of ['xfer-target', 'btn-xfer', 'btn-consult', 'btn-conference']) $(id).disabled = !talking || this.consulting || this.third;
    for (const id of ['btn-complete', 'btn-cancel-xfer']) $(id).disabled = !talking || !this.consulting;
    for (const id of ['btn-drop-third', 'btn-handover']) $(id).disabled = !talking || !this.third;
  }

  async run(method, args, done) {
    $('call-error').textContent = '';
    $('xfer-status').textContent = '';
    try {
      await this.hub.invoke(method, this.call.callId, ...args);
      $('xfer-status').textContent = done();
    } catch (error) {
      $('call-error').textContent = cleanHubError(error);
    }
    this.render();
  }
}
