// The agent's session in this tab: the bearer token, the seat, the phone kind and the state the agent
// last asked for. Kept in sessionStorage so a reload or a server restart restores all of it without
// a new login (the server's token keys are on disk, so the token outlives a restart).
const KEY = 'desk.session';

function load() {
  try { return JSON.parse(sessionStorage.getItem(KEY)) ?? null; } catch { return null; }
}

let current = load();

export const session = {
  get active() { return current !== null; },
  get token() { return current?.token ?? null; },
  get seat() { return current?.seat ?? null; },
  get audio() { return current?.audio ?? 'sip'; },
  /** What the agent last chose: { state: 'Ready' } or { state: 'NotReady', reason }. */
  get wanted() { return current?.wanted ?? { state: 'NotReady', reason: 'login' }; },
  set wanted(value) { current = { ...current, wanted: value }; save(); },
  set seat(value) { current = { ...current, seat: value }; save(); },
  begin(token, seat, audio) { current = { token, seat, audio, wanted: { state: 'NotReady', reason: 'login' } }; save(); },
  end() { current = null; sessionStorage.removeItem(KEY); },
};

function save() { sessionStorage.setItem(KEY, JSON.stringify(current)); }

/** POST /api/auth/token; the token, or an Error whose message is for the agent. */
export async function requestToken(username, password) {
  const response = await fetch('/api/auth/token', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    const error = new Error(problem.title ?? `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return (await response.json()).accessToken;
}

/** GET /api/auth/me with the token: { name, role, agent }. */
export async function whoAmI(token) {
  const response = await fetch('/api/auth/me', { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}
