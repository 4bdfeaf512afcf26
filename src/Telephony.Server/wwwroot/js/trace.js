// A call's own trace: its SIP ladder (every message of every leg, in time order) and each leg's RTP quality
// over time, drawn as plain SVG (no chart library). A running call is polled every 2 s until it ends.
import { signIn, getJson, cell } from './staff.js';

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';
const COLOURS = { caller: '#1d5fbf', agent: '#1f8a4c', supervisor: '#a4238f', partner: '#b3541e' };
const callId = new URLSearchParams(location.search).get('call') ?? '';

function el(name, attrs, parent, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  parent?.appendChild(node);
  return node;
}

/** "INVITE", "180 Ringing", "200 OK": what an arrow is labelled with. */
export function label(m) {
  if (m.isRequest) return m.method ?? m.firstLine;
  return m.firstLine.replace(/^SIP\/2\.0\s+/, '');
}

function details(entry) {
  const m = entry.message;
  return [m.firstLine, `Call-ID: ${m.callId ?? ''}`, `CSeq: ${m.cSeq ?? ''}`, `Via branch: ${m.viaBranch ?? ''}`,
    `From tag: ${m.fromTag ?? ''}`, `To tag: ${m.toTag ?? ''}`, m.contact ? `Contact: ${m.contact}` : '',
    m.reason ? `Reason: ${m.reason}` : '', `${entry.direction === 'in' ? 'from' : 'to'} ${entry.peer} (${entry.transport})`]
    .filter(Boolean).join('\n');
}

function drawLadder(view) {
  const svg = $('ladder-svg');
  svg.replaceChildren();
  const messages = view.messages;
  // Columns: the caller's side, us (the B2BUA) in the middle, then every other peer as it first appears.
  const callerPeer = messages.find((m) => m.dialog === 0)?.peer;
  const peers = [];
  for (const m of messages) if (m.peer !== callerPeer && !peers.includes(m.peer)) peers.push(m.peer);
  const columns = [callerPeer ?? 'caller', 'Telephony', ...peers];
  const width = Math.max(900, 220 * columns.length);
  const top = 40, step = 26;
  const height = top + step * messages.length + 20;
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  const x = (i) => 100 + i * ((width - 200) / Math.max(1, columns.length - 1));
  columns.forEach((name, i) => {
    el('text', { x: x(i), y: 16, 'text-anchor': 'middle', 'font-weight': 'bold' }, svg, name === 'Telephony' ? 'Telephony (B2BUA)' : name);
    el('line', { x1: x(i), y1: 24, x2: x(i), y2: height - 10, class: 'lifeline' }, svg);
  });
  const t0 = messages.length ? Date.parse(messages[0].at) : 0;
  messages.forEach((m, n) => {
    const y = top + n * step;
    const peer = columns.indexOf(m.peer === callerPeer ? columns[0] : m.peer);
    const [from, to] = m.direction === 'in' ? [peer, 1] : [1, peer];
    const group = el('g', { 'data-label': label(m.message) }, svg);
    el('title', {}, group, details(m));
    el('line', { x1: x(from), y1: y, x2: x(to), y2: y, class: `arrow ${m.direction}` }, group);
    const head = x(to) > x(from) ? -7 : 7;
    el('polygon', { points: `${x(to)},${y} ${x(to) + head},${y - 4} ${x(to) + head},${y + 4}`, fill: m.direction === 'in' ? '#a4238f' : '#1d5fbf' }, group);
    el('text', { x: (x(from) + x(to)) / 2, y: y - 4, 'text-anchor': 'middle' }, group, label(m.message));
    el('text', { x: 4, y: y + 4, fill: '#5b6678' }, group, `+${((Date.parse(m.at) - t0) / 1000).toFixed(3)} s`);
  });
  const body = $('ladder-table').tBodies[0];
  body.replaceChildren();
  messages.forEach((m, n) => {
    const row = document.createElement('tr');
    row.dataset.label = label(m.message);
    cell(row, String(n + 1));
    cell(row, new Date(m.at).toISOString().substring(11, 23));
    cell(row, m.dialog === 0 ? 'caller' : `leg ${m.dialog + 1}`);
    cell(row, m.direction === 'in' ? '→ in' : '← out');
    cell(row, `${m.peer} ${m.transport}`, { class: 'mono' });
    cell(row, m.message.firstLine, { class: 'mono' });
    cell(row, m.message.cSeq, { class: 'mono' });
    cell(row, m.message.viaBranch, { class: 'mono' });
    cell(row, m.message.fromTag, { class: 'mono' });
    cell(row, m.message.toTag, { class: 'mono' });
    cell(row, m.message.contact, { class: 'mono' });
    cell(row, m.message.reason);
    body.appendChild(row);
  });
  $('dropped').textContent = view.droppedMessages > 0
    ? `${view.droppedMessages} messages between the start of the call and the latest ones are not kept (per-call cap).` : '';
  $('ladder').hidden = false;
}

function chart(svg, samples, series, yMax, yLabel, yMin = 0) {
  svg.replaceChildren();
  const w = +svg.getAttribute('width'), h = +svg.getAttribute('height');
  const left = 50, right = 10, top = 10, bottom = 24;
  const times = samples.map((s) => Date.parse(s.at));
  const t0 = Math.min(...times), t1 = Math.max(t0 + 1000, ...times);
  const x = (t) => left + ((t - t0) / (t1 - t0)) * (w - left - right);
  const y = (v) => top + (1 - (v - yMin) / (yMax - yMin)) * (h - top - bottom);
  el('line', { x1: left, y1: y(yMin), x2: w - right, y2: y(yMin), class: 'axis' }, svg);
  el('line', { x1: left, y1: top, x2: left, y2: y(yMin), class: 'axis' }, svg);
  for (const v of [yMin, (yMin + yMax) / 2, yMax]) el('text', { x: left - 4, y: y(v) + 4, 'text-anchor': 'end' }, svg, String(Math.round(v * 10) / 10));
  el('text', { x: left + 4, y: top + 10 }, svg, yLabel);
  el('text', { x: w - right, y: h - 6, 'text-anchor': 'end' }, svg, `${((t1 - t0) / 1000).toFixed(0)} s`);
  for (const { leg, value, dash } of series) {
    const points = samples.filter((s) => s.leg === leg && value(s) != null).map((s) => `${x(Date.parse(s.at)).toFixed(1)},${y(Math.min(yMax, value(s))).toFixed(1)}`);
    if (points.length === 0) continue;
    el('polyline', { points: points.join(' '), fill: 'none', stroke: COLOURS[leg] ?? '#333', 'stroke-width': 2, 'stroke-dasharray': dash ?? '', 'data-leg': leg }, svg);
  }
}

function drawQuality(view) {
  const samples = view.quality;
  if (samples.length === 0) return;
  const legs = [...new Set(samples.map((s) => s.leg))];
  $('legend').replaceChildren(...legs.map((leg) => {
    const span = document.createElement('span');
    const swatch = document.createElement('i');
    swatch.style.background = COLOURS[leg] ?? '#333';
    span.append(swatch, leg);
    return span;
  }));
  chart($('mos-chart'), samples, legs.map((leg) => ({ leg, value: (s) => s.mos })), 4.5, 'MOS', 1);
  const jitterMax = Math.max(20, ...samples.map((s) => s.jitterMilliseconds));
  const lossMax = Math.max(5, ...samples.map((s) => s.lossPercent));
  const top = Math.max(jitterMax, lossMax);
  chart($('loss-chart'), samples, legs.flatMap((leg) => [
    { leg, value: (s) => s.lossPercent },
    { leg, value: (s) => s.jitterMilliseconds, dash: '5 3' },
  ]), top, 'loss % (solid), jitter ms (dashed)');
  $('quality').hidden = false;
}

async function load(auth) {
  try {
    const view = await getJson(`/api/calls/${encodeURIComponent(callId)}/trace`, auth);
    $('error').textContent = '';
    drawLadder(view);
    drawQuality(view);
    $('live').dataset.state = view.live ? 'online' : 'offline';
    $('live').textContent = view.live ? 'live' : 'ended';
    if (view.live) setTimeout(() => load(auth), 2000);
  } catch (e) {
    $('error').textContent = e.message;
  }
}

async function start() {
  $('call-id').textContent = callId;
  const auth = await signIn($('login'));
  await load(auth);
}

start();
