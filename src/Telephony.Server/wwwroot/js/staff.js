// Sign-in for the supervisors' pages (recordings, a call's trace): a bearer token kept in this tab's
// sessionStorage. An agent coming from the desk in the same tab is already signed in with the desk's token.
const KEY = 'staff.token';

export function token() {
  const own = sessionStorage.getItem(KEY);
  if (own) return own;
  try { return JSON.parse(sessionStorage.getItem('desk.session'))?.token ?? null; } catch { return null; }
}

export function signOut() { sessionStorage.removeItem(KEY); }

/** Shows the sign-in form in `form` until a token is obtained; resolves with it. */
export function signIn(form, errorLine) {
  return new Promise((resolve) => {
    const existing = token();
    if (existing) { resolve(existing); return; }
    form.hidden = false;
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      errorLine.textContent = '';
      const response = await fetch('/api/auth/token', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: form.elements.username.value, password: form.elements.password.value }),
      });
      if (!response.ok) {
        const problem = await response.json().catch(() => ({}));
        errorLine.textContent = problem.title ?? `HTTP ${response.status}`;
        return;
      }
      const t = (await response.json()).accessToken;
      sessionStorage.setItem(KEY, t);
      form.hidden = true;
      resolve(t);
    });
  });
}

/** GET with the token; the parsed JSON, or an Error carrying the status and the problem's title. */
export async function getJson(url, t) {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${t}` } });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    const error = new Error(problem.title ?? `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return response.json();
}

/** Text for a table cell (never HTML). */
export function cell(row, text, attrs = {}) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  for (const [k, v] of Object.entries(attrs)) td.setAttribute(k, v);
  row.appendChild(td);
  return td;
}

export const time = (iso) => (iso ? new Date(iso).toLocaleString() : '');
