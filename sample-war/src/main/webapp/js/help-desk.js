// The help desk chat: each question is a request in the user's session; the answer streams token
// by token; items render by type; the @ClientData progress panel follows state.changed; the
// conversation (its session id in the URL) reloads after a page refresh. A question the desk cannot
// answer opens a ticket: a `component` item named `ticket`, which a custom renderer shows.
import { describe, el, header, sampleClient, showFieldErrors, userPicker } from './common.js';

const KIND = 'help-desk';
header('crux-ee · Help desk', 'help-desk.html');
const crux = sampleClient();
let session;
let unsubscribe = () => {};
let notice = null; // a problem of Stop, shown until the next question

const $ = (id) => document.getElementById(id);
const form = $('ask');

function sessionFromUrl() {
  return new URLSearchParams(location.hash.slice(1)).get('session');
}

function open(sessionId) {
  notice = null;
  unsubscribe();
  session?.close();
  session = crux.session(KIND, sessionId);
  unsubscribe = session.subscribe(render);
  render(session.getSnapshot());
  if (sessionId) session.load(sessionId);
}

// a custom renderer, registered with the client by component name: the ticket card
crux.renderers.register('component:ticket', (item, { attrs }) => {
  const t = item.content.props ?? {};
  return el(
    'li',
    { ...attrs, class: 'ticket', 'data-ticket-id': t.id, 'data-ticket-status': t.status },
    el('strong', { text: `Ticket ${t.id}` }),
    ` (${t.status}): `,
    el('span', { text: t.subject ?? '' }),
  );
});

function itemView(item) {
  const c = item.content ?? {};
  const attrs = { 'data-item-id': item.id, 'data-type': item.type, 'data-status': item.status, 'data-role': c.role };
  return crux.renderers.render(item, { attrs }, () => defaultView(item, attrs));
}

/** The items no custom renderer takes: messages, status lines, errors. */
function defaultView(item, attrs) {
  const c = item.content ?? {};
  switch (item.type) {
    case 'message':
      // no aria-label with the text: it would change (and be read again) with every token
      return el('li', { ...attrs, 'aria-busy': item.status === 'in_progress' ? 'true' : null }, c.text ?? '');
    case 'status':
      return el('li', attrs, c.text ?? '');
    case 'error':
      return el('li', attrs, c.message ?? 'error');
    default:
      return el('li', attrs, JSON.stringify(c));
  }
}

/** Makes `li` say what `fresh` says, changing only what differs: the streamed message grows in place. */
function updateInPlace(li, fresh) {
  for (const { name } of [...li.attributes]) if (!fresh.hasAttribute(name)) li.removeAttribute(name);
  for (const { name, value } of fresh.attributes) if (li.getAttribute(name) !== value) li.setAttribute(name, value);
  if (li.textContent !== fresh.textContent) li.textContent = fresh.textContent;
}

function render(s) {
  const chat = $('chat'); // role="log": screen readers announce new items; an item in progress is aria-busy until it is done
  const byId = new Map([...chat.children].map((li) => [li.dataset.itemId, li]));
  const keep = new Set();
  for (const [i, item] of s.items.entries()) {
    keep.add(item.id);
    const old = byId.get(item.id);
    const fresh = itemView(item);
    if (old) {
      updateInPlace(old, fresh);
      if (chat.children[i] !== old) chat.insertBefore(old, chat.children[i] ?? null);
    } else {
      chat.insertBefore(fresh, chat.children[i] ?? null);
    }
  }
  for (const [id, li] of byId) if (!keep.has(id)) li.remove();

  const r = s.request;
  const status = r?.status ?? 'idle';
  $('request-status').dataset.status = status;
  $('request-status').dataset.requestId = r?.requestId ?? '';
  $('request-status').textContent = status.replace('_', ' ');
  const connection = r?.connection ?? 'idle';
  $('connection').dataset.state = connection;
  $('connection').hidden = connection === 'idle';
  $('connection').dataset.reconnects = r?.reconnects ?? 0;
  $('connection').dataset.gaps = r?.gaps ?? 0; // numbers missing in the events folded (the browser tests check 0)
  $('connection').dataset.duplicates = r?.duplicates ?? 0;
  $('connection').textContent = { open: 'live', reconnecting: 'reconnecting…', closed: 'done', connecting: 'connecting…' }[connection] ?? 'not connected';
  const running = r && !['completed', 'failed', 'cancelled', 'suspended'].includes(r.status) && connection !== 'closed';
  $('send').disabled = !!running;
  $('stop').disabled = !running;

  const progress = s.clientData?.progress;
  $('questions').textContent = progress?.questionsInSession ?? 0;
  $('topics').textContent = progress?.topicsAskedByUser?.length ? progress.topicsAskedByUser.join(', ') : 'none yet';

  // a 400 with field messages shows them at the fields; any other problem (a 400 without them too) here
  const problem = notice ?? s.error ?? r?.error;
  const atFields = problem?.status === 400 && Object.keys(problem.fieldErrors?.() ?? {}).length > 0;
  $('problem').replaceChildren(...(problem && !atFields ? [el('div', { class: 'alert error', text: describe(problem) })] : []));
  if (s.sessionId && sessionFromUrl() !== s.sessionId) history.replaceState(null, '', `#session=${s.sessionId}`);
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = form.elements.text.value.trim();
  showFieldErrors(form, null);
  notice = null;
  try {
    const pending = session.send('ask', { text });
    form.elements.text.value = '';
    await pending;
  } catch (problem) {
    form.elements.text.value = text;
    showFieldErrors(form, problem);
  }
});
$('stop').addEventListener('click', async () => {
  try {
    await session.abort();
  } catch (problem) {
    notice = problem; // a 409 when the request finished meanwhile, say
    render(session.getSnapshot());
  }
});
$('new').addEventListener('click', () => {
  history.replaceState(null, '', location.pathname);
  open(null);
});
userPicker(() => {
  history.replaceState(null, '', location.pathname);
  open(null); // another user's session is not theirs: start afresh
});
open(sessionFromUrl());
