// Renders the supervisors' wall from what the hub pushes: the floor (seats, queues, alarms) and the
// figures. Text only (nothing is parsed as HTML). Times come as instants; the clocks (time in state,
// call duration, longest wait) tick here against the server's clock (skew measured from each push).
import { t } from './i18n.js';
import { clock } from './format.js';

const $ = id => document.getElementById(id);
let skew = 0; // server time − local time, ms

/** Seconds since an instant, on the server's clock. */
export const since = iso => (Date.now() + skew - Date.parse(iso)) / 1000;

export function noteServerTime(iso) { skew = Date.parse(iso) - Date.now(); }

const el = (tag, className, text) => {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
};

/** The filter's choices: every queue (its skills) and every skill seen on the floor. */
export function fillFilter(floor) {
  const select = $('seat-filter');
  const chosen = select.value;
  const skills = new Set(floor.seats.flatMap(s => (s.skills ? s.skills.split(',') : [])));
  const options = [new Option(t('wall.all'), '')];
  for (const q of floor.queues) options.push(new Option(`${t('wall.queue')}: ${q.name}`, 'q:' + q.skills));
  for (const s of [...skills].sort()) options.push(new Option(`${t('wall.skill')}: ${s}`, 's:' + s));
  select.replaceChildren(...options);
  select.value = options.some(o => o.value === chosen) ? chosen : '';
}

function passes(seat, filter) {
  if (!filter) return true;
  const have = seat.skills ? seat.skills.split(',') : [];
  const need = filter.slice(2).split(',').filter(Boolean);
  return need.every(n => have.includes(n));
}

// When this page first showed each seat's current state (local ms): the wall's own latency, kept on
// the tile (data-shown-at) for the tests and the load measurement.
const shownAt = new Map();

/** The seat map; actions(seat) gives the tile's buttons (their clicks are handled on the map: a push may replace a tile mid-click). */
export function renderSeats(floor, actions) {
  const now = Date.now();
  for (const seat of floor.seats) {
    const key = `${seat.state}|${seat.stateSince}`;
    if (shownAt.get(seat.extension)?.key !== key) shownAt.set(seat.extension, { key, at: now });
  }
  const filter = $('seat-filter').value;
  const tiles = floor.seats.filter(s => passes(s, filter)).map(seat => {
    const tile = el('div', 'seat');
    tile.dataset.seat = seat.extension;
    tile.dataset.state = seat.state;
    tile.dataset.shownAt = String(shownAt.get(seat.extension).at);
    const head = el('div', 'head');
    head.append(el('span', '', seat.extension), el('span', 'clock', clock(since(seat.stateSince))));
    head.lastChild.dataset.since = seat.stateSince;
    tile.append(head, el('div', 'line agent', seat.agentId ?? '—'));
    tile.append(el('div', 'line state', t('state.' + seat.state) + (seat.reason ? ` · ${seat.reason}` : '')));
    if (seat.callId) {
      const call = el('div', 'line call');
      if (seat.callKnown) {
        call.textContent = `${seat.caller ?? ''} · ${seat.queue ?? ''} · `;
        const d = el('span', 'clock', seat.callSince ? clock(since(seat.callSince)) : '');
        if (seat.callSince) d.dataset.since = seat.callSince;
        call.append(d);
      } else {
        call.textContent = t('wall.otherNode');
      }
      tile.append(call);
    }
    const acts = el('div', 'acts');
    for (const a of actions(seat)) {
      const b = el('button', a.on ? 'on' : '', a.label);
      b.type = 'button';
      b.dataset.action = a.action;
      acts.append(b);
    }
    tile.append(acts);
    return tile;
  });
  $('seat-map').replaceChildren(...tiles);
}

export function renderQueues(floor) {
  const rows = floor.queues.map(q => {
    const tr = el('tr', q.flagged ? 'flagged' : '');
    tr.dataset.queue = q.name;
    const cells = [q.name, q.waiting, q.oldestSince ? clock(since(q.oldestSince)) : '—', q.ready, q.busy, q.waiting ? clock(q.expectedWaitSeconds) : '—'];
    cells.forEach((c, i) => {
      const td = el('td', '', String(c));
      if (i === 2 && q.oldestSince) { td.className = 'clock'; td.dataset.since = q.oldestSince; }
      tr.append(td);
    });
    return tr;
  });
  $('queues').tBodies[0].replaceChildren(...rows);
}

export function renderAlarms(floor) {
  $('alarms').replaceChildren(...floor.alarms.map(a => {
    const span = el('span', 'alarm', a.kind === 'service-level'
      ? t('wall.alarmServiceLevel', a.detail)
      : t('wall.alarmLongWait', a.subject, a.detail));
    span.dataset.kind = a.kind;
    return span;
  }));
}

const pct = r => (r?.value == null ? '—' : `${(r.value * 100).toFixed(1)} %`);
const secs = v => (v == null ? '—' : clock(v));
const num = v => String(v ?? 0);

// Each row: its i18n key, its figure key (data-figure, for tests and eyes) and how it is shown.
const ROWS = [
  ['fig.offered', 'offered', f => num(f.offered)],
  ['fig.answered', 'answered', f => num(f.answered)],
  ['fig.within15', 'answeredWithin15s', f => num(f.answeredWithin15s)],
  ['fig.serviceLevel', 'serviceLevel15s', f => pct(f.serviceLevel15s), 'sl'],
  ['fig.abandonedIvr', 'abandonedInIvr', f => num(f.abandonedInIvr)],
  ['fig.abandonedQueue', 'abandonedInQueue', f => num(f.abandonedInQueue)],
  ['fig.abandonedRinging', 'abandonedWhileRinging', f => num(f.abandonedWhileRinging)],
  ['fig.asa', 'averageSpeedOfAnswerSeconds', f => secs(f.averageSpeedOfAnswerSeconds)],
  ['fig.aht', 'averageHandleTimeSeconds', f => secs(f.averageHandleTimeSeconds)],
  ['fig.connected', 'connectedRate', f => pct(f.connectedRate), 'cr'],
  ['fig.callbacksDue', 'callbacksDue', f => num(f.callbacksDue)],
  ['fig.survey', 'averageSurveyScore', f => (f.averageSurveyScore == null ? '—' : f.averageSurveyScore.toFixed(2))],
];

export function renderFigures(board) {
  const rows = ROWS.map(([key, name, show, target]) => {
    const tr = el('tr');
    tr.dataset.figure = name;
    tr.append(el('td', '', t(key)));
    for (const interval of board.intervals) {
      const td = el('td', '', show(interval.figures));
      td.dataset.interval = interval.name;
      const ratio = interval.figures[name]?.value;
      const goal = target === 'sl' ? board.serviceLevelTarget : target === 'cr' ? board.connectedRateTarget : null;
      if (goal != null && ratio != null && ratio < goal) td.classList.add('below');
      tr.append(td);
    }
    return tr;
  });
  $('figures').tBodies[0].replaceChildren(...rows);
}

/** Every second: the clocks tick without a push. */
export function tickClocks() {
  for (const c of document.querySelectorAll('[data-since]')) c.textContent = clock(since(c.dataset.since));
}
