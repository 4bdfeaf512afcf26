// Knowledge at hand: departments, partner hotlines (number, hours) and the IVR's information tables,
// searched on the server as the agent types.
import { t } from './i18n.js';

const $ = id => document.getElementById(id);

export class Knowledge {
  /** onDial(action, number): 'transfer' or 'conference' pressed on a directory entry (null: no buttons). */
  constructor(hub, onDial = null) {
    this.hub = hub;
    this.onDial = onDial;
    this.timer = 0;
    this.asked = 0;
    $('kb-query').oninput = () => { clearTimeout(this.timer); this.timer = setTimeout(() => this.search(), 200); };
  }

  async search() {
    const ask = ++this.asked;
    try {
      const entries = await this.hub.invoke('SearchKnowledge', $('kb-query').value);
      if (ask === this.asked) this.render(entries);
    } catch (error) {
      console.warn('knowledge search failed', error);
    }
  }

  render(entries) {
    $('kb-results').replaceChildren(...entries.map(e => {
      const li = document.createElement('li');
      li.dataset.kind = e.kind;
      const kind = Object.assign(document.createElement('span'), { className: 'kind', textContent: t(`kind.${e.kind}`) });
      const title = Object.assign(document.createElement('strong'), { textContent: e.title });
      li.append(kind, title);
      if (e.number) li.append(Object.assign(document.createElement('span'), { className: 'number', textContent: e.number }));
      if (e.hours) li.append(` · ${e.hours}`);
      if (e.number && this.onDial) {
        for (const action of ['transfer', 'conference']) {
          const b = Object.assign(document.createElement('button'), { type: 'button', className: `kb-${action}`, textContent: t(`kb.${action}`) });
          b.onclick = () => this.onDial(action, e.number);
          li.append(' ', b);
        }
      }
      if (e.text) li.append(Object.assign(document.createElement('div'), { textContent: e.text }));
      return li;
    }));
  }
}
