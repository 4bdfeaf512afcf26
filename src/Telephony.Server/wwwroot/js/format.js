// Small formatting helpers shared by the panels.
export const pad = n => String(n).padStart(2, '0');

/** m:ss (or h:mm:ss) for a number of seconds. */
export function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  return (h ? `${h}:${pad(m)}` : `${m}`) + `:${pad(s % 60)}`;
}

/** A .NET TimeSpan as SignalR's JSON gives it ("00:01:05.1230000") in seconds. */
export function timeSpanSeconds(value) {
  if (typeof value === 'number') return value;
  const m = /^(?:(\d+)\.)?(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(value ?? '');
  return m ? (+(m[1] ?? 0)) * 86400 + (+m[2]) * 3600 + (+m[3]) * 60 + (+m[4]) : 0;
}

export const day = iso => (iso ? new Date(iso).toLocaleDateString() : '');
export const when = iso => (iso ? new Date(iso).toLocaleString() : '');

/** Replaces an element's children with table rows built from cells (text only: nothing is parsed as HTML). */
export function fillRows(tbody, rows, emptyText) {
  tbody.replaceChildren();
  if (rows.length === 0) {
    const tr = tbody.insertRow();
    const td = tr.insertCell();
    td.colSpan = 5;
    td.textContent = emptyText;
    return;
  }
  for (const { cells, className } of rows) {
    const tr = tbody.insertRow();
    if (className) tr.className = className;
    for (const c of cells) tr.insertCell().textContent = c ?? '';
  }
}
