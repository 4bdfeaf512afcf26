// Sign-in for the supervisors' pages (recordings, a call's trace): a bearer token kept in this tab's
// sessionStorage. An agent coming from the desk in the same tab is already signed in with the desk's token.
const KEY = 'staff.token';

export function token() {
  const own = sessionStorage.getItem(KEY);
  if (own) return own;
  try { return JSON.parse(sessionStorage.getItem('desk.session'))?.token ?? null; } catch { return null; }
}

export function signOut() { sessionStorage.removeItem(KEY); }

/** Shows a sign-in form in `place` until a token is obtained; resolves with it (at once when signed in). */
export function signIn(place) {
  return new Promise((resolve) => {
    const existing = token();
    if (existing) { resolve(existing); return; }
    const form = document.createElement('form');
    form.id = 'login-form';
    form.className = 'card login';
    const title = document.createElement('h2');
    title.textContent = 'Sign in';
    form.append(title, field('User', 'username', 'text', 'username'), field('Password', 'password', 'password', 'current-password'));
    const submit = document.createElement('button');
    submit.type = 'submit';
    submit.textContent = 'Sign in';
    const errorLine = document.createElement('p');
    errorLine.className = 'error';
    errorLine.setAttribute('role', 'alert');
    form.append(submit, errorLine);
    place.replaceChildren(form);
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
      form.remove();
      resolve(t);
    });
  });
}

function field(text, name, type, autocomplete) {
  const label = document.createElement('label');
  const input = document.createElement('input');
  Object.assign(input, { name, type, autocomplete, required: true });
  label.append(`${text} `, input);
  return label;
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
