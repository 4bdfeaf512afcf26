// The case typed during the call: prefilled with the caller's number, channel "phone" and the call id
// (the server takes all three from the agent's own call; the fields only show them), saved with the
// hub's SaveCase, which links the call record and its recording.
import { t } from './i18n.js';
import { cleanHubError } from './call.js';

const $ = id => document.getElementById(id);

export class CaseForm {
  constructor(hub) {
    this.hub = hub;
    this.callId = null;
    this.profile = null;
    $('case-form').onsubmit = e => { e.preventDefault(); this.save(); };
    for (const r of document.querySelectorAll('input[name="resolution"]')) r.onchange = () => this.resolutionChanged();
    document.addEventListener('desk:language', () => this.fillLists());
  }

  setProfile(profile) { this.profile = profile; this.fillLists(); }

  fillLists() {
    if (!this.profile) return;
    const keep = id => $(id).value;
    const [cat, dist, dept] = [keep('case-category'), keep('case-district'), keep('case-department')];
    fill($('case-category'), this.profile.categories.map(c => [c, t(`cat.${c}`)]));
    fill($('case-district'), [['', t('case.none')], ...this.profile.districts.map(d => [d.id, d.name])]);
    fill($('case-department'), this.profile.departments.map(d => [d.id, d.name]));
    if (cat) $('case-category').value = cat;
    if (dist) $('case-district').value = dist;
    if (dept) $('case-department').value = dept;
  }

  /** Opens a fresh form for callId (the phone shows once the pop's history has read it). */
  open(callId, phone) {
    if (this.callId === callId) { if (phone) $('case-phone').value = phone; return; }
    this.callId = callId;
    $('case-form').reset();
    $('case-channel').value = 'phone';
    $('case-call').value = callId;
    $('case-phone').value = phone ?? '';
    $('case-result').textContent = '';
    $('case-error').textContent = '';
    $('case-save').disabled = false;
    this.resolutionChanged();
    $('case-panel').hidden = false;
  }

  close() { this.callId = null; $('case-panel').hidden = true; }

  /** The form's fields as they stand (they go with a transfer to the next agent's pop). */
  draft() {
    if (!this.callId) return null;
    return {
      category: $('case-category').value, districtId: $('case-district').value, address: $('case-address').value,
      matter: $('case-matter').value, citizenName: $('case-name').value, answer: $('case-answer').value,
      confidential: String($('case-confidential').checked),
    };
  }

  /** Fills the form from a transferring agent's draft (fields it does not name stay as they are). */
  fill(draft) {
    if (!draft) return;
    const set = (id, value) => { if (value != null && value !== '') $(id).value = value; };
    set('case-category', draft.category); set('case-district', draft.districtId); set('case-address', draft.address);
    set('case-matter', draft.matter); set('case-name', draft.citizenName); set('case-answer', draft.answer);
    if (draft.confidential) $('case-confidential').checked = draft.confidential === 'true';
  }

  resolutionChanged() {
    const dispatch = $('case-dispatch').checked;
    $('case-department').disabled = !dispatch;
    $('case-answer-row').hidden = dispatch;
  }

  async save() {
    $('case-error').textContent = '';
    const dispatch = $('case-dispatch').checked;
    const form = {
      category: $('case-category').value,
      districtId: $('case-district').value ? Number($('case-district').value) : null,
      address: $('case-address').value,
      matter: $('case-matter').value,
      confidential: $('case-confidential').checked,
      resolution: dispatch ? 'dispatch' : 'direct',
      departmentId: dispatch ? Number($('case-department').value) : null,
      answer: dispatch ? null : $('case-answer').value,
      citizenName: $('case-name').value,
    };
    $('case-save').disabled = true;
    try {
      const saved = await this.hub.invoke('SaveCase', this.callId, form);
      $('case-result').textContent = t('case.saved', saved.number, saved.status);
      $('case-result').dataset.caseId = saved.id;
    } catch (error) {
      $('case-error').textContent = cleanHubError(error);
      $('case-save').disabled = false;
    }
  }
}

function fill(select, options) {
  select.replaceChildren(...options.map(([value, label]) => new Option(label, value)));
}
