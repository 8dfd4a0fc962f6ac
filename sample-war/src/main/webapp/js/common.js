// What the sample's pages share: the signed-in user (a picker that sets the Authorization header of
// every call the client makes) and small rendering helpers.
import { createClient } from '../crux/client.js';

// DEMO ONLY: the sample's users and their passwords, shipped to every browser so that a picker can
// sign in as any of them. A real application never sends passwords to the page: it signs the user
// in (OIDC, a session cookie) and gives the client a token, e.g.
//   headers: async () => ({ Authorization: `Bearer ${await getToken()}` })
const USERS = { alice: 'alice-password', bob: 'bob-password', manager: 'manager-password' };
const KEY = 'crux-sample.user';

/** The user chosen in the picker (remembered in localStorage). */
export function currentUser(fallback = 'alice') {
  const u = localStorage.getItem(KEY);
  return u in USERS ? u : fallback;
}

/** A client of the sample's API that sends the chosen user's BASIC credentials (demo only, see USERS). */
export function sampleClient() {
  return createClient({
    baseUrl: new URL('api', document.baseURI).pathname,
    headers: () => {
      const u = currentUser();
      return { Authorization: `Basic ${btoa(`${u}:${USERS[u]}`)}` };
    },
  });
}

/** Wires the header's user picker; onChange runs after the user changed. */
export function userPicker(onChange, fallback) {
  const select = document.getElementById('user');
  select.value = currentUser(fallback);
  localStorage.setItem(KEY, select.value);
  select.addEventListener('change', () => {
    localStorage.setItem(KEY, select.value);
    onChange?.(select.value);
  });
}

/** document.createElement with attributes and children. */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  e.append(...children.filter((c) => c != null));
  return e;
}

/** A problem as one sentence for the reader. */
export function describe(problem) {
  if (!problem) return '';
  if (problem.status === 0) return `The server cannot be reached (${problem.detail}).`;
  if (problem.status === 401) return 'Sign in first: pick a user at the top of the page.';
  return problem.detail || problem.title || `Error ${problem.status}`;
}

/** Shows a problem's per-field messages next to the fields of a form (inputs named like the fields). */
export function showFieldErrors(form, problem) {
  for (const e of form.querySelectorAll('.field-error')) e.textContent = '';
  for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
  const errors = problem?.fieldErrors?.() ?? {};
  let first = null;
  for (const [field, message] of Object.entries(errors)) {
    const input = form.elements.namedItem(field);
    const slot = form.querySelector(`[data-error-for="${CSS.escape(field)}"]`); // the name comes from the server
    if (slot) slot.textContent = message;
    if (input?.setAttribute) {
      input.setAttribute('aria-invalid', 'true');
      first ??= input;
    }
  }
  first?.focus();
  return Object.keys(errors).length > 0;
}

/** The header every page has. */
export function header(title, page, fallbackUser) {
  const nav = [
    ['index.html', 'Home'],
    ['help-desk.html', 'Help desk'],
    ['research.html', 'Research assistant'],
    ['approvals.html', 'Approvals'],
  ];
  const bar = el('header', { class: 'bar' },
    el('h1', { text: title }),
    el('nav', { 'aria-label': 'Sample pages' }, ...nav.map(([href, text]) => el('a', { href, text, 'aria-current': href === page ? 'page' : null }))),
    el('div', { class: 'user-picker' },
      el('label', { for: 'user', text: 'Signed in as' }),
      el('select', { id: 'user', name: 'user' }, ...Object.keys(USERS).map((u) => el('option', { value: u, text: u })))));
  document.body.prepend(bar);
  return fallbackUser;
}
