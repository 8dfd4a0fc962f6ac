import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createClient, createRenderers } from '../client.js';

const ticket = { id: 't', type: 'component', status: 'completed', content: { name: 'ticket', props: { id: 'T-1' } } };
const chart = { id: 'c', type: 'component', status: 'completed', content: { name: 'chart', props: {} } };
const message = { id: 'm', type: 'message', status: 'completed', content: { role: 'assistant', text: 'hi' } };

test('a renderer is chosen by component name, then by item type, then by *', () => {
  const r = createRenderers();
  assert.equal(r.resolve(ticket), null);
  assert.equal(r.render(ticket, {}, (i) => `fallback ${i.id}`), 'fallback t');

  r.register('*', (i) => `any ${i.type}`);
  r.register('component', (i) => `component ${i.content.name}`);
  r.register('component:ticket', (i, ctx) => `ticket ${i.content.props.id} for ${ctx.user}`);

  assert.equal(r.render(ticket, { user: 'alice' }), 'ticket T-1 for alice');
  assert.equal(r.render(chart), 'component chart');
  assert.equal(r.render(message), 'any message');
  assert.equal(r.resolveAll(ticket).length, 3);
});

test('the server spelling of a type (COMPONENT) and mixed-case keys match', () => {
  const r = createRenderers({ 'Component:ticket': () => 'ticket' });
  assert.equal(r.render({ ...ticket, type: 'COMPONENT' }), 'ticket');
  assert.ok(r.has('component:ticket'));
});

test('registering again replaces; the returned function removes only its own renderer', () => {
  const r = createRenderers();
  const offFirst = r.register('message', () => 'first');
  r.register('message', () => 'second');
  offFirst(); // no longer the registered one: nothing happens
  assert.equal(r.render(message), 'second');
  assert.ok(r.unregister('message'));
  assert.equal(r.render(message), null);
  const off = r.register('message', () => 'third');
  off();
  assert.equal(r.has('message'), false);
});

test('a renderer that throws is reported and the next match renders the item', () => {
  const reported = [];
  const r = createRenderers({}, { onError: (e, item) => reported.push([e.message, item.id]) });
  r.register('component:ticket', () => {
    throw new Error('broken');
  });
  r.register('component', () => 'generic');
  assert.equal(r.render(ticket), 'generic');
  assert.deepEqual(reported, [['broken', 't']]);
  r.unregister('component');
  assert.equal(r.render(ticket, {}, () => 'fallback'), 'fallback');
  assert.equal(reported.length, 2);
});

test('bad keys and non-functions are refused', () => {
  const r = createRenderers();
  assert.throws(() => r.register('', () => 1), TypeError);
  assert.throws(() => r.register('message', 'nope'), TypeError);
});

test('each client has its own registry, seeded by options.renderers', () => {
  const a = createClient({ fetch: async () => new Response('{}'), renderers: { 'component:ticket': () => 'a' } });
  const b = createClient({ fetch: async () => new Response('{}') });
  assert.equal(a.renderers.render(ticket), 'a');
  assert.equal(b.renderers.render(ticket), null);
  b.renderers.register('component', () => 'b');
  assert.equal(a.renderers.render(chart), null);
});
