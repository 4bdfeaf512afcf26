// Recordings: search calls, play one in the page (both channels, or the caller's left / the agent's right
// alone, split here with WebAudio from the stereo WAV the server streams with Range requests), download it,
// and (supervisors) read the access audit the server writes for every listen and download.
import { signIn, signOut, getJson, cell, time } from './staff.js';

const $ = (id) => document.getElementById(id);
let auth = null;
let graph = null; // { context, source, splitter, merger }

function localInput(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

async function search(event) {
  event?.preventDefault();
  $('search-error').textContent = '';
  const form = $('search-form');
  const params = new URLSearchParams();
  for (const name of ['caller', 'agent', 'queue', 'outcome', 'case']) {
    const v = form.elements[name].value.trim();
    if (v) params.set(name, v);
  }
  if (form.elements.from.value) params.set('from', new Date(form.elements.from.value).toISOString());
  if (form.elements.to.value) params.set('to', new Date(form.elements.to.value).toISOString());
  try {
    const calls = await getJson(`/api/recordings?${params}`, auth);
    const body = $('results').tBodies[0];
    body.replaceChildren();
    for (const c of calls) {
      const row = document.createElement('tr');
      row.dataset.callId = c.callId;
      cell(row, time(c.offeredAt));
      cell(row, c.caller);
      cell(row, c.queue);
      cell(row, c.agentId);
      cell(row, c.outcome);
      cell(row, c.caseNumber);
      cell(row, c.durationSeconds == null ? '' : `${c.durationSeconds} s`);
      const actions = cell(row, '');
      if (c.recordingExpiredAt) {
        actions.textContent = 'expired';
      } else if (c.hasRecording) {
        const play = document.createElement('button');
        play.type = 'button';
        play.textContent = 'Play';
        play.className = 'play';
        play.addEventListener('click', () => play_(c.callId, row));
        actions.appendChild(play);
      }
      body.appendChild(row);
    }
    if (calls.length === 0) $('search-error').textContent = 'No calls found.';
  } catch (e) {
    $('search-error').textContent = e.message;
  }
}

function channel() { return document.querySelector('input[name="channel"]:checked').value; }

function audioUrl(callId, extra = '') {
  return `/api/recordings/${encodeURIComponent(callId)}/audio?channel=${channel()}${extra}&access_token=${encodeURIComponent(auth)}`;
}

// Who hears what: both channels as recorded, or one channel on both ears.
function route() {
  if (!graph) return;
  const { context, source, splitter, merger } = graph;
  source.disconnect();
  splitter.disconnect();
  const which = channel();
  if (which === 'both') {
    source.connect(context.destination);
  } else {
    source.connect(splitter);
    const index = which === 'left' ? 0 : 1;
    splitter.connect(merger, index, 0);
    splitter.connect(merger, index, 1);
  }
}

function ensureGraph() {
  if (graph) return;
  const audio = $('audio');
  const context = new AudioContext();
  const source = context.createMediaElementSource(audio);
  const splitter = context.createChannelSplitter(2);
  const merger = context.createChannelMerger(2);
  merger.connect(context.destination);
  graph = { context, source, splitter, merger };
}

async function play_(callId, row) {
  $('player-error').textContent = '';
  document.querySelectorAll('#results tr.playing').forEach((r) => r.classList.remove('playing'));
  row.classList.add('playing');
  $('player').hidden = false;
  $('playing-call').textContent = callId;
  $('download').href = audioUrl(callId, '&download=true');
  $('trace-link').href = `trace.html?call=${encodeURIComponent(callId)}`;
  const audio = $('audio');
  audio.dataset.callId = callId;
  ensureGraph();
  route();
  await graph.context.resume();
  audio.src = audioUrl(callId);
  try {
    await audio.play();
  } catch (e) {
    $('player-error').textContent = `Cannot play: ${e.message}`;
  }
}

async function loadAudit() {
  try {
    const rows = await getJson('/api/recordings/audit?limit=50', auth);
    const body = $('audit-rows').tBodies[0];
    body.replaceChildren();
    for (const a of rows) {
      const row = document.createElement('tr');
      row.dataset.callId = a.callId;
      cell(row, time(a.at));
      cell(row, a.userName);
      cell(row, a.role);
      cell(row, a.action);
      cell(row, a.channel);
      cell(row, a.callId, { class: 'mono' });
      body.appendChild(row);
    }
    $('audit').hidden = false;
  } catch (e) {
    if (e.status !== 403) $('search-error').textContent = e.message; // agents have no audit to read
  }
}

async function start() {
  auth = await signIn($('login'));
  const now = new Date();
  $('search-form').elements.from.value = localInput(new Date(now.getTime() - 7 * 86400_000));
  $('search-form').elements.to.value = localInput(new Date(now.getTime() + 60_000));
  $('search').hidden = false;
  $('search-form').addEventListener('submit', search);
  $('channels').addEventListener('change', route);
  $('audio').addEventListener('error', () => { $('player-error').textContent = 'The recording could not be loaded (expired, or not yours to hear).'; });
  $('audio').addEventListener('playing', () => setTimeout(loadAudit, 300));
  $('audit-refresh').addEventListener('click', loadAudit);
  $('logout').addEventListener('click', () => { signOut(); location.reload(); });
  await search();
  await loadAudit();
}

start();
