// The agent desktop: sign-in, the seat's state (Ready / Not ready with a reason, time in state, the
// wrap-up countdown), the call panel, the case form and the knowledge panel, over the agents' hub.
// A lost connection or a server restart is repaired without the agent: the connection retries for
// ever and, once up, restores the seat login and the state the agent last chose (restoreSeat).
import { t, apply, setLanguage, setDefaultLanguage, currentLanguage } from './i18n.js';
import { session, requestToken, whoAmI } from './session.js';
import { DeskConnection } from './connection.js';
import { createPhone, phoneKinds } from './phone.js';
import './webphone.js'; // registers the browser phone before the desk starts
import { CallPanel, cleanHubError } from './call.js';
import { CaseForm } from './caseform.js';
import { Knowledge } from './knowledge.js';
import { TransferPanel } from './transfer.js';
import { CallbacksPanel } from './callbacks.js';
import { clock } from './format.js';

const $ = id => document.getElementById(id);

let connection = null;
let phone = null;
let profile = null;
let seat = null;
let stateSince = Date.now();
let callPanel, caseForm, knowledge, transfers, callbacks;
let firstUp = true;
let firstShown = false; // the callback list is read once the seat is first shown

// ------------------------------------------------------------------ sign-in

function showLogin(message = '') {
  $('login-view').hidden = false;
  $('desk-view').hidden = true;
  $('logout').hidden = true;
  $('login-error').textContent = message;
  fillAudioChoices();
  $('login-user').focus();
}

function fillAudioChoices() {
  const kinds = phoneKinds();
  $('login-audio').replaceChildren(...kinds.map(k => new Option(t(k.label), k.kind)));
  $('login-audio-row').hidden = kinds.length < 2;
}

$('login-form').onsubmit = async e => {
  e.preventDefault();
  $('login-error').textContent = '';
  $('login-submit').disabled = true;
  try {
    const token = await requestToken($('login-user').value.trim(), $('login-password').value);
    const me = await whoAmI(token);
    if (!me.agent && ['supervisor', 'admin'].includes(me.role)) {
      // Supervisors run the floor from their own page (supervisor.html), signed in with this token.
      sessionStorage.setItem('wall.session', token);
      location.assign('supervisor.html');
      return;
    }
    if (!me.agent) throw new Error(t('login.notAgent'));
    const chosen = $('login-seat').value.trim() || localStorage.getItem('desk.lastSeat') || me.agent;
    session.begin(token, chosen, $('login-audio').value || 'sip');
    $('login-password').value = '';
    await startDesk();
  } catch (error) {
    $('login-error').textContent = error.status === 401 ? t('login.failed') : cleanHubError(error);
  } finally {
    $('login-submit').disabled = false;
  }
};

$('logout').onclick = async () => {
  try { await connection?.invoke('Logout'); } catch { /* not logged in at a seat any more */ }
  await stopDesk();
  showLogin();
};

$('language').onclick = () => setLanguage(currentLanguage() === 'zh' ? 'en' : 'zh', true);

// ------------------------------------------------------------------ the desk

async function startDesk() {
  $('login-view').hidden = true;
  $('desk-view').hidden = false;
  $('logout').hidden = false;
  firstUp = true;
  firstShown = false;
  connection = new DeskConnection(() => session.token, {
    onUp: async () => { await phone?.onConnected?.(); await restoreSeat(); },
    onStatus: setConnectionStatus,
    onSignedOut: async () => { await stopDesk(); showLogin(t('login.failed')); },
  });
  phone = createPhone(session.audio, connection);
  callPanel ??= new CallPanel(connection, () => phone);
  callPanel.hub = connection;
  caseForm ??= new CaseForm(connection);
  caseForm.hub = connection;
  transfers ??= new TransferPanel(connection, callPanel, () => caseForm.draft());
  transfers.hub = connection;
  callPanel.onRender = () => transfers.render();
  knowledge ??= new Knowledge(connection, (action, number) => (action === 'transfer' ? transfers.transfer(number) : transfers.conference(number)));
  knowledge.hub = connection;
  callbacks ??= new CallbacksPanel(connection);
  callbacks.hub = connection;
  connection.on('StateChanged', onStateChanged);
  connection.on('ScreenPop', onScreenPop);
  connection.on('CallOffered', offered => { if (offered.callId === callPanel.callId) callPanel.ringing(); phone.onCallOffered?.(offered); });
  connection.on('CallAnswered', answered => onAnswered(answered.callId));
  connection.on('CallEnded', left => onCallLeft(left));
  await phone.start(connection);
  await connection.start();
}

async function stopDesk() {
  const c = connection;
  connection = null;
  await phone?.stop();
  await c?.stop();
  callPanel?.clear();
  caseForm?.close();
  session.end();
}

function setConnectionStatus(status) {
  const el = $('connection');
  el.dataset.state = status;
  el.textContent = t(`conn.${status}`);
}

/**
 * After every (re)connect: the seat this session uses is logged in again if the server no longer knows it
 * (a restart with in-process seats), and the state the agent last chose is put back (a dropped desktop
 * leaves the seat Not ready "desktop disconnected"). A call the seat still holds comes back on screen.
 */
async function restoreSeat() {
  profile ??= await connection.invoke('GetDesk');
  applyProfile();
  let current = await connection.invoke('GetSeat');
  try {
    if (!current) current = await connection.invoke('Login', session.seat);
  } catch (error) {
    if (firstUp) { await stopDesk(); showLogin(cleanHubError(error)); return; }
    throw error;
  }
  firstUp = false;
  session.seat = current.extension;
  localStorage.setItem('desk.lastSeat', current.extension);
  const wanted = session.wanted;
  if (wanted.state === 'Ready' && current.state === 'NotReady') {
    current = await connection.invoke('SetReady');
  } else if (wanted.state === 'NotReady' && wanted.reason !== 'login' && (current.state === 'Ready' || (current.state === 'NotReady' && current.reason !== wanted.reason))) {
    current = await connection.invoke('SetNotReady', wanted.reason);
  }
  showSeat(current);
  if (current.callId && ['OnCall', 'WrapUp'].includes(current.state)) {
    await callPanel.resume(current.callId, current.state === 'OnCall' ? 'talking' : 'ended');
    caseForm.open(current.callId, callPanel.citizenPhone);
  }
}

function applyProfile() {
  setDefaultLanguage(profile.language);
  $('agent-name').textContent = profile.name;
  const select = $('notready-reason');
  const keep = select.value;
  select.replaceChildren(...profile.notReadyReasons.map(r => new Option(r, r)));
  if (keep) select.value = keep;
  caseForm.setProfile(profile);
  apply();
}

function onStateChanged(change) {
  if (!seat || change.extension !== seat.extension) return;
  showSeat({ ...seat, state: change.state, reason: change.reason, callId: change.callId, stateSince: change.at });
}

function showSeat(snapshot) {
  seat = snapshot;
  stateSince = Date.parse(snapshot.stateSince) || Date.now();
  $('seat-ext').textContent = snapshot.extension;
  renderState();
  if (!firstShown) { firstShown = true; callbacks?.refresh(); }
  if (snapshot.state === 'Ready' || snapshot.state === 'NotReady') {
    // The call's after-call work is over: the pop and the form go (a saved case is in the database).
    if (callPanel.active && callPanel.phase === 'ended') { callPanel.clear(); caseForm.close(); }
  }
}

function renderState() {
  if (!seat) return;
  const badge = $('state-badge');
  badge.dataset.state = seat.state;
  badge.textContent = t(`state.${seat.state}`);
  $('state-reason').textContent = seat.state === 'NotReady' ? seat.reason ?? '' : '';
  $('btn-ready').disabled = !['NotReady', 'WrapUp'].includes(seat.state);
  $('btn-notready').disabled = !['Ready', 'NotReady', 'WrapUp'].includes(seat.state);
}

function tick() {
  if (!seat) return;
  const inState = (Date.now() - stateSince) / 1000;
  $('state-time').textContent = clock(inState);
  const countdown = $('wrapup-countdown');
  countdown.hidden = seat.state !== 'WrapUp';
  if (!countdown.hidden) countdown.textContent = clock((profile?.wrapUpSeconds ?? 0) - inState);
}
setInterval(tick, 250);
document.addEventListener('desk:language', () => { renderState(); setConnectionStatus($('connection').dataset.state); });

async function setState(wanted) {
  $('state-error').textContent = '';
  session.wanted = wanted;
  try {
    showSeat(wanted.state === 'Ready' ? await connection.invoke('SetReady') : await connection.invoke('SetNotReady', wanted.reason));
  } catch (error) {
    $('state-error').textContent = cleanHubError(error);
  }
}

const ready = () => { if (connection && !$('btn-ready').disabled) setState({ state: 'Ready' }); };
const notReady = () => { if (connection && !$('btn-notready').disabled) setState({ state: 'NotReady', reason: $('notready-reason').value }); };
$('btn-ready').onclick = ready;
$('btn-notready').onclick = notReady;

// ------------------------------------------------------------------ calls

async function onScreenPop(pop) {
  transfers.reset();
  await callPanel.pop(pop);
  if (pop.purpose) {
    // A call the centre places (a callback, a callback task): the phone rings at once; answering it dials the citizen.
    callbacks.offered(pop);
    return;
  }
  // The pop (with the citizen's history) is on screen: now the phone may ring.
  try { await connection.invoke('AcknowledgePop', pop.callId); } catch (error) { callPanel.error(error); }
}

function onAnswered(callId) {
  if (callPanel.callId !== callId) return;
  callPanel.talking();
  caseForm.open(callId, callPanel.citizenPhone);
  caseForm.fill(callPanel.caseDraft); // a transferred call: the case the first agent was writing
}

function onCallLeft(left) {
  phone.onCallEnded?.(left);
  if (callPanel.callId !== left.callId) return;
  if (left.reason === 'Completed' || callPanel.phase === 'talking') {
    callPanel.ended(); // the form stays for after-call work until the agent is Ready again
  } else {
    callPanel.clear();
    caseForm.close();
  }
}

// ------------------------------------------------------------------ keyboard

// Alt+A answer, Alt+H hang up, Alt+R ready, Alt+N not ready (by key position, so any layout works).
document.addEventListener('keydown', e => {
  if (!e.altKey || e.ctrlKey || e.metaKey || $('desk-view').hidden) return;
  const action = { KeyA: () => callPanel.answer(), KeyH: () => callPanel.hangUp(), KeyR: ready, KeyN: notReady }[e.code];
  if (action) { e.preventDefault(); action(); }
});

// ------------------------------------------------------------------ start

apply();
if (session.active) startDesk(); else showLogin();
