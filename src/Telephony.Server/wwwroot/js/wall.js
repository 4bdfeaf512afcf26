// The supervisors' wall: sign-in (supervisor or admin), the supervisors' hub, and the controls. The
// floor and the figures are pushed by the server on change; this page never polls. Seat controls:
// forced Not ready / Ready / log out with the reason field; a live call on this node: monitor, whisper,
// barge, leave with one click, from the supervisor's seat phone or from this browser's own audio (listen.js).
import { t, apply, setLanguage, currentLanguage } from './i18n.js';
import { requestToken, whoAmI } from './session.js';
import { DeskConnection } from './connection.js';
import { BrowserListener } from './listen.js';
import { cleanHubError } from './call.js';
import { fillFilter, renderSeats, renderQueues, renderAlarms, renderFigures, tickClocks, noteServerTime } from './wall-view.js';

const $ = id => document.getElementById(id);
const KEY = 'wall.session';
const SUPERVISORS = ['supervisor', 'admin'];

let token = sessionStorage.getItem(KEY);
let connection = null;
let floor = null;
let listener = null; // this page's own audio (WebRTC), when the browser can
let supervising = null; // { callId, mode, from: 'seat' | 'browser' } of the call this supervisor is on

function showLogin(message = '') {
  $('login-view').hidden = false;
  $('wall-view').hidden = true;
  $('logout').hidden = true;
  $('login-error').textContent = message;
}

$('login-form').onsubmit = async e => {
  e.preventDefault();
  $('login-error').textContent = '';
  try {
    const next = await requestToken($('login-user').value.trim(), $('login-password').value);
    const me = await whoAmI(next);
    if (!SUPERVISORS.includes(me.role)) throw new Error(t('wall.notSupervisor'));
    token = next;
    sessionStorage.setItem(KEY, token);
    $('login-password').value = '';
    await startWall();
  } catch (error) {
    $('login-error').textContent = error.status === 401 ? t('login.failed') : error.message;
  }
};

$('logout').onclick = async () => {
  sessionStorage.removeItem(KEY);
  token = null;
  listener?.close();
  listener = null;
  await connection?.stop();
  connection = null;
  showLogin();
};

$('language').onclick = () => setLanguage(currentLanguage() === 'zh' ? 'en' : 'zh', true);
document.addEventListener('desk:language', () => { fillListenChoices(); if (floor) showFloor(floor); });

function fillListenChoices() {
  const select = $('listen-from');
  const chosen = select.value || localStorage.getItem('wall.listenFrom') || 'seat';
  select.replaceChildren(new Option(t('wall.fromSeat'), 'seat'));
  if (BrowserListener.supported) select.append(new Option(t('wall.fromBrowser'), 'browser'));
  select.value = [...select.options].some(o => o.value === chosen) ? chosen : 'seat';
  $('my-seat-row').hidden = select.value !== 'seat';
}
$('listen-from').onchange = () => { localStorage.setItem('wall.listenFrom', $('listen-from').value); fillListenChoices(); };
$('my-seat').value = localStorage.getItem('wall.mySeat') ?? '';
$('my-seat').onchange = () => localStorage.setItem('wall.mySeat', $('my-seat').value.trim());
$('seat-filter').onchange = () => floor && showFloor(floor);
// One handler for every tile's buttons, on the map itself: the floor is re-rendered on each push.
$('seat-map').addEventListener('click', e => {
  const button = e.target.closest('button[data-action]');
  const ext = button?.closest('.seat')?.dataset.seat;
  const seat = floor?.seats.find(s => s.extension === ext);
  const chosen = seat && actionsOf(seat).find(a => a.action === button.dataset.action);
  if (chosen) chosen.run();
});

async function startWall() {
  $('login-view').hidden = true;
  $('wall-view').hidden = false;
  $('logout').hidden = false;
  fillListenChoices();
  connection = new DeskConnection(() => token, {
    onUp: async () => {
      const wall = await connection.invoke('GetWall');
      if (wall.floor) showFloor(wall.floor);
      if (wall.figures) renderFigures(wall.figures);
    },
    onStatus: state => {
      $('connection').dataset.state = state;
      $('connection').textContent = t('conn.' + state);
      // The server ends a page's listening leg with its connection: a new connection starts without one.
      if (state !== 'online' && supervising?.from === 'browser') { listener?.close(); supervising = null; }
    },
    onSignedOut: () => { sessionStorage.removeItem(KEY); showLogin(t('wall.signedOut')); },
  }, '/hubs/supervisors');
  if (BrowserListener.supported) {
    listener = new BrowserListener(connection, (callId, why) => {
      if (supervising?.callId === callId) supervising = null;
      if (why) $('wall-error').textContent = why;
      if (floor) showFloor(floor);
    });
  }
  connection.on('Floor', showFloor);
  connection.on('Figures', renderFigures);
  await connection.start();
}

function showFloor(next) {
  floor = next;
  noteServerTime(next.at);
  const scope = $('node-scope');
  scope.hidden = false;
  scope.textContent = t('wall.allNodes', next.node);
  fillFilter(next);
  renderAlarms(next);
  renderQueues(next);
  renderSeats(next, actionsOf);
  // A supervised call that ended is no longer ours to leave.
  if (supervising && !next.seats.some(s => s.callId === supervising.callId)) {
    if (supervising.from === 'browser') listener?.close();
    supervising = null;
  }
}

function actionsOf(seat) {
  const acts = [];
  if (seat.agentId) {
    if (['Ready', 'WrapUp'].includes(seat.state)) acts.push(act('force-notready', t('notReady'), () => force('ForceNotReady', seat)));
    if (seat.state === 'NotReady' || seat.state === 'WrapUp') acts.push(act('force-ready', t('ready'), () => force('ForceReady', seat)));
    if (['Ready', 'NotReady', 'WrapUp'].includes(seat.state)) acts.push(act('force-logout', t('logout'), () => force('ForceLogout', seat)));
  }
  // Any node's call: the hub finds the node that holds it (its details may not be known yet; its id is enough).
  if (seat.state === 'OnCall' && seat.callId) {
    const mine = supervising?.callId === seat.callId;
    for (const mode of ['monitor', 'whisper', 'barge']) {
      acts.push(act(mode, t('wall.' + mode), () => supervise(seat, mode), mine && supervising.mode === mode));
    }
    if (mine || seat.supervision) acts.push(act('leave', t('wall.leave'), () => leave(seat)));
  }
  return acts;
}

const act = (action, label, run, on = false) => ({ action, label, run, on });

async function run(work) {
  $('wall-error').textContent = '';
  try { await work(); } catch (error) { $('wall-error').textContent = cleanHubError(error); }
}

function force(method, seat) {
  return run(() => connection.invoke(method, seat.extension, $('force-reason').value.trim()));
}

function supervise(seat, mode) {
  return run(async () => {
    let from = $('listen-from').value;
    if (supervising?.callId === seat.callId) {
      await connection.invoke('ChangeMode', seat.callId, mode);
      from = supervising.from;
    } else if (from === 'browser') {
      // One call at a time from this page's audio: off the last one first.
      if (supervising?.from === 'browser') await listener.leave(supervising.callId).catch(() => {});
      supervising = null;
      await listener.join(seat.callId, mode);
    } else {
      const mySeat = $('my-seat').value.trim();
      if (!mySeat) throw new Error(t('wall.needSeat'));
      await connection.invoke('Monitor', seat.callId, mode, mySeat);
    }
    supervising = { callId: seat.callId, mode, from };
    showFloor(floor);
  });
}

function leave(seat) {
  return run(async () => {
    if (supervising?.from === 'browser' && supervising.callId === seat.callId) await listener.leave(seat.callId);
    else await connection.invoke('Leave', seat.callId);
    supervising = null;
    showFloor(floor);
  });
}

setInterval(tickClocks, 1000);
apply();
if (token) startWall(); else showLogin();
