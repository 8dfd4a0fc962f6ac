// The help desk chat: each question is a request in the user's session; the answer streams token
// by token; items render by type; the @ClientData progress panel follows state.changed; the
// conversation (its session id in the URL) reloads after a page refresh.
import { describe, el, header, sampleClient, showFieldErrors, userPicker } from './common.js';

const KIND = 'help-desk';
header('crux-ee · Help desk', 'help-desk.html');
const crux = sampleClient();
let session;
let unsubscribe = () => {};

const $ = (id) => document.getElementById(id);
const form = $('ask');

function sessionFromUrl() {
  return new URLSearchParams(location.hash.slice(1)).get('session');
}

function open(sessionId) {
  unsubscribe();
  session?.close();
  session = crux.session(KIND, sessionId);
  unsubscribe = session.subscribe(render);
  render(session.getSnapshot());
  if (sessionId) session.load(sessionId);
}

function itemView(item) {
  const c = item.content ?? {};
  const attrs = { 'data-item-id': item.id, 'data-type': item.type, 'data-status': item.status, 'data-role': c.role };
  switch (item.type) {
    case 'message':
      return el('li', { ...attrs, 'aria-label': `${c.role === 'user' ? 'You' : 'Help desk'}: ${c.text ?? ''}` }, c.text ?? '');
    case 'status':
      return el('li', attrs, c.text ?? '');
    case 'error':
      return el('li', attrs, c.message ?? 'error');
    default:
      return el('li', attrs, JSON.stringify(c));
  }
}

function render(s) {
  const chat = $('chat');
  // replace only the items that changed, so the streamed message grows in place
  const byId = new Map([...chat.children].map((li) => [li.dataset.itemId, li]));
  const keep = new Set();
  for (const [i, item] of s.items.entries()) {
    keep.add(item.id);
    const old = byId.get(item.id);
    const fresh = itemView(item);
    if (old && old.isEqualNode(fresh)) {
      if (chat.children[i] !== old) chat.insertBefore(old, chat.children[i] ?? null);
      continue;
    }
    if (old) old.replaceWith(fresh);
    else chat.insertBefore(fresh, chat.children[i] ?? null);
  }
  for (const [id, li] of byId) if (!keep.has(id)) li.remove();

  const r = s.request;
  const status = r?.status ?? 'idle';
  $('request-status').dataset.status = status;
  $('request-status').textContent = status.replace('_', ' ');
  const connection = r?.connection ?? 'idle';
  $('connection').dataset.state = connection;
  $('connection').hidden = connection === 'idle';
  $('connection').dataset.reconnects = r?.reconnects ?? 0;
  $('connection').textContent = { open: 'live', reconnecting: 'reconnecting…', closed: 'done', connecting: 'connecting…' }[connection] ?? 'not connected';
  const running = r && !['completed', 'failed', 'cancelled', 'suspended'].includes(r.status) && connection !== 'closed';
  $('send').disabled = !!running;
  $('stop').disabled = !running;

  const progress = s.clientData?.progress;
  $('questions').textContent = progress?.questionsInSession ?? 0;
  $('topics').textContent = progress?.topicsAskedByUser?.length ? progress.topicsAskedByUser.join(', ') : 'none yet';

  const problem = s.error ?? r?.error;
  $('problem').replaceChildren(...(problem && problem.status !== 400 ? [el('div', { class: 'alert error', text: describe(problem) })] : []));
  if (s.sessionId && sessionFromUrl() !== s.sessionId) history.replaceState(null, '', `#session=${s.sessionId}`);
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = form.elements.text.value.trim();
  showFieldErrors(form, null);
  try {
    const pending = session.send('ask', { text });
    form.elements.text.value = '';
    await pending;
  } catch (problem) {
    form.elements.text.value = text;
    showFieldErrors(form, problem);
  }
});
$('stop').addEventListener('click', () => session.abort());
$('new').addEventListener('click', () => {
  history.replaceState(null, '', location.pathname);
  open(null);
});
userPicker(() => {
  history.replaceState(null, '', location.pathname);
  open(null); // another user's session is not theirs: start afresh
});
open(sessionFromUrl());
