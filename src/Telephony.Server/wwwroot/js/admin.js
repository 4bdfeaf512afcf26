// Administration: agents (skills) and seats (SIP passwords) through the admin API (role admin). Every change is
// applied by the server on every node at once; this page only lists, fills the forms and sends PUT / DELETE.
import { signIn, signOut, getJson, cell } from './staff.js';

const $ = (id) => document.getElementById(id);
let auth = null;

function showError(message) { $('admin-error').textContent = message ?? ''; }

/** PUT or DELETE with the token; throws an Error with the problem's detail or title. */
async function send(method, url, body) {
  const response = await fetch(url, {
    method,
    headers: { Authorization: `Bearer ${auth}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new Error(problem.detail ?? problem.title ?? `HTTP ${response.status}`);
  }
}

function button(text, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.className = 'quiet';
  b.addEventListener('click', onClick);
  return b;
}

async function loadAgents() {
  const agents = await getJson('/api/admin/agents', auth);
  const body = $('agent-rows').tBodies[0];
  body.replaceChildren();
  for (const a of agents) {
    const row = document.createElement('tr');
    row.dataset.id = a.id;
    cell(row, a.id);
    cell(row, a.name);
    cell(row, a.skills.join(' '));
    const actions = cell(row, '');
    actions.append(
      button('Edit', () => {
        const form = $('agent-form');
        form.elements.id.value = a.id;
        form.elements.name.value = a.name;
        form.elements.skills.value = a.skills.join(' ');
      }),
      button('Remove', () => act(() => send('DELETE', `/api/admin/agents/${encodeURIComponent(a.id)}`), loadAgents)));
    body.appendChild(row);
  }
}

async function loadSeats() {
  const seats = await getJson('/api/admin/seats', auth);
  const body = $('seat-rows').tBodies[0];
  body.replaceChildren();
  for (const s of seats) {
    const row = document.createElement('tr');
    row.dataset.extension = s.extension;
    cell(row, s.extension);
    cell(row, s.demo ? 'demo (replace it)' : 'set');
    cell(row, '').append(button('Remove', () => act(() => send('DELETE', `/api/admin/seats/${encodeURIComponent(s.extension)}`), loadSeats)));
    body.appendChild(row);
  }
}

async function act(change, reload) {
  showError('');
  try {
    await change();
    await reload();
  } catch (e) {
    showError(e.message);
  }
}

function saveAgent(event) {
  event.preventDefault();
  const form = event.target;
  const id = form.elements.id.value.trim();
  const name = form.elements.name.value.trim() || undefined;
  const skills = form.elements.skills.value.split(/[\s,]+/).filter((s) => s);
  act(() => send('PUT', `/api/admin/agents/${encodeURIComponent(id)}`, { name, skills }), loadAgents).then(() => {
    if (!$('admin-error').textContent) form.reset();
  });
}

function saveSeat(event) {
  event.preventDefault();
  const form = event.target;
  const extension = form.elements.extension.value.trim();
  act(() => send('PUT', `/api/admin/seats/${encodeURIComponent(extension)}`, { password: form.elements.password.value }), loadSeats).then(() => {
    if (!$('admin-error').textContent) form.reset();
  });
}

async function start() {
  auth = await signIn($('login'));
  try {
    await Promise.all([loadAgents(), loadSeats()]);
    $('agents').hidden = false;
    $('seats').hidden = false;
  } catch (e) {
    if (e.status === 401) { signOut(); location.reload(); return; }
    showError(e.status === 403 ? 'Only an admin may change agents and seats.' : e.message);
  }
}

$('agent-form').addEventListener('submit', saveAgent);
$('seat-form').addEventListener('submit', saveSeat);
$('logout').addEventListener('click', () => { signOut(); location.reload(); });
start();
