// The research assistant: plan, parallel reads (status items), tool calls with their outputs, and
// the report streamed token by token.
import { describe, el, header, sampleClient, showFieldErrors, userPicker } from './common.js';

const KIND = 'research';
header('crux-ee · Research assistant', 'research.html');
userPicker();
const crux = sampleClient();
const $ = (id) => document.getElementById(id);
const form = $('ask');
let view = null;

function step(item) {
  const c = item.content ?? {};
  const attrs = { 'data-item-id': item.id, 'data-type': item.type, 'data-status': item.status };
  if (item.type === 'tool_call') return el('li', attrs, `Tool call: ${c.name}(${JSON.stringify(c.arguments ?? {})})`);
  if (item.type === 'tool_output') return el('li', attrs, `Tool output: ${typeof c.output === 'string' ? c.output : JSON.stringify(c.output)}`);
  return el('li', attrs, c.text ?? c.message ?? JSON.stringify(c));
}

function render(s) {
  $('request-status').dataset.status = s.status;
  $('request-status').textContent = s.status.replace('_', ' ');
  $('connection').dataset.state = s.connection;
  $('connection').dataset.reconnects = s.reconnects;
  $('connection').textContent = { open: 'live', reconnecting: 'reconnecting…', closed: 'done', connecting: 'connecting…' }[s.connection];
  const messages = s.items.filter((i) => i.type === 'message' && i.content.role !== 'user');
  $('steps').replaceChildren(...s.items.filter((i) => i.type !== 'message').map(step));
  const report = messages.at(-1);
  $('report').textContent = report?.content.text ?? '';
  $('report').dataset.status = report?.status ?? '';
  if (s.output?.topics) {
    $('plan').replaceChildren(...(s.output.topics.length ? s.output.topics.map((t) => el('li', { text: t })) : [el('li', { class: 'muted', text: 'No research needed: a short reply.' })]));
    $('model').textContent = `Model: ${s.output.model}`;
  }
  $('send').disabled = s.connection !== 'closed';
  $('problem').replaceChildren(...(s.error ? [el('div', { class: 'alert error', text: describe(s.error) })] : []));
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  showFieldErrors(form, null);
  view?.close();
  $('plan').replaceChildren(el('li', { class: 'muted', text: 'Planning…' }));
  try {
    view = await crux.start(KIND, 'ask', { text: form.elements.text.value });
    view.subscribe(render);
    render(view.getSnapshot());
  } catch (problem) {
    if (!showFieldErrors(form, problem)) $('problem').replaceChildren(el('div', { class: 'alert error', text: describe(problem) }));
  }
});
