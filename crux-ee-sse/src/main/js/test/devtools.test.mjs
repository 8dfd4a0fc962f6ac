// The devtools page's logic (devtools/model.js) against JSON recorded in the shape of the devtools
// contract: the address, the runs list folded from pages and live changes, the timeline's layout,
// and forms generated from JSON Schemas with their validation.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import {
  RunsList, childrenByStep, duration, layoutTimeline, leaves, listHash, parseHash, problemFieldErrors, readForm,
  runHash, runsQuery, schemaFields, throttle, ticks,
} from '../devtools/model.js';

const expense = JSON.parse(readFileSync(new URL('./fixtures/devtools-expense-run.json', import.meta.url), 'utf8'));
const summary = (id, status, createdAt, extra = {}) => ({
  id, flow: 'expense-approval', action: 'run', status, parentId: null, sessionId: null, userId: 'ada',
  createdAt, updatedAt: createdAt, error: null, ...extra,
});

test('hash: a run, the list with filters, and back', () => {
  assert.deepEqual(parseHash('#/runs/abc%2F1'), { view: 'run', id: 'abc/1' });
  assert.deepEqual(parseHash(''), { view: 'list', filters: {} });
  assert.deepEqual(parseHash('#/runs?flow=expense-approval&status=SUSPENDED&bogus=1'),
    { view: 'list', filters: { flow: 'expense-approval', status: 'SUSPENDED' } });
  assert.equal(listHash({ flow: 'expense-approval', status: 'SUSPENDED', user: '' }), '#/runs?flow=expense-approval&status=SUSPENDED');
  assert.equal(runHash('a b'), '#/runs/a%20b');
  assert.equal(runsQuery({ flow: 'f', from: '2026-01-01T00:00:00Z' }, 'c1', 200), 'flow=f&from=2026-01-01T00%3A00%3A00Z&cursor=c1&limit=200');
});

test('list: pages append, a run already read is not listed twice, counts come from the server', () => {
  const list = new RunsList({});
  list.page({ runs: [summary('b', 'RUNNING', '2026-12-06T01:00:02Z'), summary('a', 'COMPLETED', '2026-12-06T01:00:01Z')],
    next: 'cur', counts: { RUNNING: 1, COMPLETED: 2 } });
  const { appended } = list.page({ runs: [summary('a', 'COMPLETED', '2026-12-06T01:00:01Z'), summary('z', 'COMPLETED', '2026-12-06T00:00:00Z')],
    next: null, counts: { RUNNING: 1, COMPLETED: 2 } }, { append: true });
  assert.deepEqual(appended.map((r) => r.id), ['z']);
  assert.deepEqual(list.runs.map((r) => r.id), ['b', 'a', 'z']);
  assert.equal(list.next, null);
  assert.deepEqual(list.page({ runs: [], next: null, counts: {} }).reset, true);
  assert.equal(list.runs.length, 0);
});

test('list: a live change updates a run in place; the counts are read again, not guessed', () => {
  const list = new RunsList({});
  list.page({ runs: [summary('b', 'RUNNING', '2026-12-06T01:00:02Z'), summary('a', 'COMPLETED', '2026-12-06T01:00:01Z')],
    next: null, counts: { RUNNING: 1, COMPLETED: 1 } });
  const c = list.change(summary('b', 'SUSPENDED', '2026-12-06T01:00:02Z'));
  assert.equal(c.kind, 'updated');
  assert.equal(c.index, 0);
  assert.equal(c.countsStale, true);
  assert.deepEqual(list.counts, { RUNNING: 1, COMPLETED: 1 }, 'until the server says otherwise');
  list.countsFrom({ runs: [], counts: { COMPLETED: 1, SUSPENDED: 1 } });
  assert.deepEqual(list.counts, { COMPLETED: 1, SUSPENDED: 1 });
  // the same status again (updatedAt moved): the row is redrawn, the counts stay
  const again = list.change(summary('b', 'SUSPENDED', '2026-12-06T01:00:02Z', { updatedAt: '2026-12-06T01:00:09Z' }));
  assert.equal(again.kind, 'updated');
  assert.equal(again.countsStale, false);
  assert.equal(list.runs[0].updatedAt, '2026-12-06T01:00:09Z');
});

test('list: a new run goes in its place by creation time; one of another flow or older than the pages read does not', () => {
  const list = new RunsList({ flow: 'expense-approval' });
  list.page({ runs: [summary('b', 'RUNNING', '2026-12-06T01:00:02Z'), summary('a', 'COMPLETED', '2026-12-06T01:00:01Z')],
    next: 'more', counts: { RUNNING: 1, COMPLETED: 5 } });
  const c = list.change(summary('c', 'RUNNING', '2026-12-06T01:00:03Z'));
  assert.deepEqual([c.kind, c.index, c.countsStale], ['inserted', 0, true]);
  const other = list.change(summary('x', 'RUNNING', '2026-12-06T01:00:04Z', { flow: 'research' }));
  assert.deepEqual([other.kind, other.countsStale], ['none', false]);
  // a run of a page not read that went from RUNNING to COMPLETED: its old status is unknown here,
  // so the page does not add it to COMPLETED (the counts drifted that way); it reads them again
  const old = list.change(summary('o', 'COMPLETED', '2026-12-06T00:00:00Z'));
  assert.equal(old.kind, 'none', 'belongs to a page not read yet');
  assert.equal(old.countsStale, true, 'but the counts are read again');
  assert.deepEqual(list.counts, { RUNNING: 1, COMPLETED: 5 });
  assert.deepEqual(list.runs.map((r) => r.id), ['c', 'b', 'a']);
});

test('list: under a status filter a run that changes status leaves the list and the counts are read again', () => {
  const list = new RunsList({ status: 'SUSPENDED' });
  list.page({ runs: [summary('s', 'SUSPENDED', '2026-12-06T01:00:02Z')], next: null, counts: { SUSPENDED: 1, COMPLETED: 4 } });
  const c = list.change(summary('s', 'COMPLETED', '2026-12-06T01:00:02Z'));
  assert.deepEqual([c.kind, c.index, c.countsStale], ['removed', 0, true]);
  assert.equal(list.runs.length, 0);
  const n = list.change(summary('n', 'RUNNING', '2026-12-06T01:00:05Z'));
  assert.deepEqual([n.kind, n.countsStale], ['none', true]);
});

test('counts are read again at most once every 2 s: at once, then once at the end of a burst', () => {
  let now = 0;
  const timers = [];
  const clock = { now: () => now, setTimeout: (f, ms) => timers.push({ f, at: now + ms }) - 1, clearTimeout: (i) => { timers[i] = null; } };
  let reads = 0;
  const refresh = throttle(() => reads++, 2000, clock);
  refresh();
  assert.equal(reads, 1, 'the first change reads at once');
  now = 100; refresh(); now = 500; refresh(); now = 1900; refresh();
  assert.equal(reads, 1);
  assert.deepEqual(timers.filter(Boolean).map((t) => t.at), [2000], 'one read waits for the end of the interval');
  now = 2000; timers[0].f();
  assert.equal(reads, 2);
  now = 5000; refresh();
  assert.equal(reads, 3, 'after a quiet interval, at once again');
  now = 5100; refresh(); refresh.cancel();
  assert.equal(timers.length, 2);
  assert.equal(timers[1], null, 'the waiting read is cancelled when the view goes');
});

test('list: time range filters on createdAt, from inclusive and to exclusive', () => {
  const list = new RunsList({ from: '2026-12-06T01:00:00Z', to: '2026-12-06T02:00:00Z' });
  list.page({ runs: [], next: null, counts: {} });
  assert.equal(list.change(summary('in', 'RUNNING', '2026-12-06T01:00:00Z')).kind, 'inserted');
  assert.equal(list.change(summary('out', 'RUNNING', '2026-12-06T02:00:00Z')).kind, 'none');
});

test('timeline: a retried step shows a failed attempt, the retry wait as a gap, then the attempt that worked', () => {
  const t = layoutTimeline(expense, Date.parse('2026-12-06T01:00:01.000Z'));
  const convert = t.rows.find((r) => r.label === 'convert-currency');
  assert.deepEqual(convert.segments.map((s) => s.type), ['failed', 'wait', 'ok']);
  const [failed, wait, ok] = convert.segments;
  assert.equal(failed.attempt, 1);
  assert.equal(failed.message, 'rate service temporarily unavailable (HTTP 503)');
  assert.equal(failed.duration, 100);
  assert.equal(wait.duration, 100);
  assert.equal(ok.attempt, 2);
  assert.equal(ok.duration, 100);
  // the axis runs from the run's creation to now (it is suspended): 1 s
  assert.equal(t.start, Date.parse('2026-12-06T01:00:00.000Z'));
  assert.equal(t.end, Date.parse('2026-12-06T01:00:01.000Z'));
  assert.equal(failed.left, 10);
  assert.equal(failed.width, 10);
  assert.equal(ok.left, 30);
  const suspension = t.rows.at(-1);
  assert.equal(suspension.suspension, true);
  assert.deepEqual(suspension.segments.map((s) => [s.type, s.left, s.width]), [['suspended', 50, 50]]);
});

test('timeline: a fallback after failed attempts, a running attempt and a step that failed for good', () => {
  const run = {
    ...expense, status: 'RUNNING', suspension: null,
    steps: [{ position: 0, label: 'convert-currency', kind: 'STEP', startedAt: '2026-12-06T01:00:00.000Z', completedAt: '2026-12-06T01:00:00.500Z',
      attempts: 2, fallback: true, failures: [
        { attempt: 1, startedAt: '2026-12-06T01:00:00.000Z', endedAt: '2026-12-06T01:00:00.100Z', messageId: 'CRUX0001E', message: 'a', type: 'X', retryWaitMs: 200 },
        { attempt: 2, startedAt: '2026-12-06T01:00:00.300Z', endedAt: '2026-12-06T01:00:00.400Z', messageId: null, message: 'b', type: 'X', retryWaitMs: null }] }],
    running: [{ label: 'book-payment', attempt: 3, startedAt: '2026-12-06T01:00:00.600Z' }],
  };
  const t = layoutTimeline(run, Date.parse('2026-12-06T01:00:01.000Z'));
  assert.deepEqual(t.rows[0].segments.map((s) => s.type), ['failed', 'wait', 'failed', 'fallback']);
  assert.equal(t.rows[0].segments[0].messageId, 'CRUX0001E');
  assert.equal(t.rows[0].fallback, true);
  const running = t.rows[1];
  assert.equal(running.running, true);
  assert.deepEqual(running.segments.map((s) => [s.type, s.attempt, s.duration]), [['running', 3, 400]]);

  const failed = layoutTimeline({ ...run, status: 'FAILED', updatedAt: '2026-12-06T01:00:02Z', running: [], steps: [],
    failure: { label: 'convert-currency', attempts: 2, failures: run.steps[0].failures } });
  assert.equal(failed.rows[0].failedForGood, true);
  assert.deepEqual(failed.rows[0].segments.map((s) => s.type), ['failed', 'wait', 'failed']);
  assert.equal(failed.end, Date.parse('2026-12-06T01:00:02Z'), 'an ended run ends the axis');
});

test('timeline: a long retry keeps its first and last attempts; the row knows how many the server left out', () => {
  const at = (n) => new Date(Date.parse('2026-12-06T01:00:00.000Z') + n * 10).toISOString();
  const kept = [...Array.from({ length: 10 }, (_, i) => i + 1), ...Array.from({ length: 10 }, (_, i) => i + 41)];
  const run = { ...expense, status: 'COMPLETED', suspension: null, running: [], steps: [{
    position: 0, label: 'poll', kind: 'STEP', startedAt: at(0), completedAt: at(60), attempts: 51, fallback: false, omitted: 30,
    failures: kept.map((n) => ({ attempt: n, startedAt: at(n - 1), endedAt: at(n), messageId: null, message: 'busy', type: 'X', retryWaitMs: 0 })) }] };
  const row = layoutTimeline(run).rows[0];
  assert.equal(row.omitted, 30);
  assert.equal(row.segments.filter((s) => s.type === 'failed').length, 20);
  assert.deepEqual(row.segments.filter((s) => s.type === 'ok').map((s) => s.attempt), [51]);
});

test('timeline: a signal without a start waited since the step before', () => {
  const run = { ...expense, status: 'COMPLETED', suspension: null, updatedAt: '2026-12-06T01:00:03Z', steps: [
    ...expense.steps,
    { position: 2, label: 'manager-approval', kind: 'SIGNAL', startedAt: null, completedAt: '2026-12-06T01:00:02.500Z', attempts: 1, fallback: false, failures: [] }] };
  const t = layoutTimeline(run);
  const signal = t.rows.find((r) => r.kind === 'SIGNAL');
  assert.deepEqual(signal.segments.map((s) => [s.type, s.duration]), [['wait', 2000]]);

  // with its start (the suspension's time), the wait starts there
  const started = layoutTimeline({ ...run, steps: run.steps.map((s) => (s.kind === 'SIGNAL' ? { ...s, startedAt: '2026-12-06T01:00:01.000Z' } : s)) });
  assert.deepEqual(started.rows.find((r) => r.kind === 'SIGNAL').segments.map((s) => [s.type, s.duration]), [['wait', 1500]]);
});

test('timeline: children hang under the step that started them', () => {
  const byStep = childrenByStep({ children: [{ id: 'c1', parentStep: 'research-1' }, { id: 'c2', parentStep: 'research-1' }, { id: 'c3', parentStep: null }] });
  assert.deepEqual(byStep.get('research-1').map((c) => c.id), ['c1', 'c2']);
  assert.deepEqual(byStep.get(null).map((c) => c.id), ['c3']);
});

test('ticks and durations read well', () => {
  assert.deepEqual(ticks(1000), [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
  assert.deepEqual(ticks(4500), [0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500]);
  assert.equal(duration(850), '850 ms');
  assert.equal(duration(1200), '1.2 s');
  assert.equal(duration(185_000), '3 min 5 s');
  assert.equal(duration(7_800_000), '2 h 10 min');
});

const APPROVAL = expense.suspension.schema;

test('schema to form: the fields of the sample approval, required ones marked', () => {
  const f = schemaFields(APPROVAL);
  assert.equal(f.type, 'object');
  assert.deepEqual(f.fields.map((x) => [x.path, x.type, x.required, x.label]), [
    ['approved', 'boolean', true, 'Approved'], ['manager', 'string', true, 'Manager'], ['comment', 'string', false, 'Comment']]);
  assert.equal(f.fields[1].maxLength, 80);
});

test('schema to form: enums, integers, nested objects via $ref, arrays of primitives, nullable types', () => {
  const schema = {
    type: 'object', required: ['level', 'address', 'tags'],
    properties: {
      level: { enum: ['LOW', 'HIGH'] },
      count: { type: 'integer', minimum: 1, maximum: 10 },
      ratio: { type: ['number', 'null'] },
      address: { $ref: '#/$defs/Address' },
      tags: { type: 'array', items: { type: 'string' }, minItems: 1 },
      scores: { type: 'array', items: { type: 'integer' } },
      blob: { type: 'array', items: { type: 'object', properties: { a: { type: 'string' } } } },
    },
    $defs: { Address: { type: 'object', required: ['city'], properties: { city: { type: 'string' }, zipCode: { type: 'string', pattern: '^[0-9]{5}$' } } } },
  };
  const f = schemaFields(schema);
  assert.deepEqual(leaves(f).map((x) => [x.path, x.type]), [
    ['level', 'enum'], ['count', 'integer'], ['ratio', 'number'], ['address.city', 'string'], ['address.zipCode', 'string'],
    ['tags', 'array'], ['scores', 'array'], ['blob', 'json']]);
  assert.equal(f.fields[3].fields[1].label, 'Zip code');
  assert.equal(f.fields[5].item.type, 'integer');

  const values = { level: 'HIGH', count: '3', ratio: '', 'address.city': 'Bern', 'address.zipCode': '30110', tags: 'a\n\n b \n', scores: '1\n2', blob: '[{"a":"x"}]' };
  const ok = readForm(f, (p) => values[p]);
  assert.deepEqual(ok.errors, {});
  assert.deepEqual(ok.value, { level: 'HIGH', count: 3, ratio: null, address: { city: 'Bern', zipCode: '30110' }, tags: ['a', 'b'], scores: [1, 2], blob: [{ a: 'x' }] });

  const bad = readForm(f, (p) => ({ level: '', count: '2.5', 'address.city': '', 'address.zipCode': '30', tags: '', scores: '1\nx', blob: '{' })[p]);
  assert.deepEqual(bad.errors, {
    level: 'Pick a value.', count: 'Must be a whole number.', 'address.city': 'Required.', 'address.zipCode': 'Must match ^[0-9]{5}$.',
    tags: 'Give at least 1 value, one a line.', scores: 'Line 2: Must be a number.', blob: 'Must be JSON.' });
  assert.equal(readForm(f, (p) => ({ ...values, count: '11' })[p]).errors.count, 'Must be at most 10.');
});

test('schema to form: validation of the approval, and the server\'s field errors mapped onto the form', () => {
  const f = schemaFields(APPROVAL);
  const r = readForm(f, (p) => ({ approved: true, manager: '', comment: 'x'.repeat(501) })[p]);
  assert.deepEqual(r.errors, { manager: 'Required.', comment: 'At most 500 characters.' });
  const ok = readForm(f, (p) => ({ approved: false, manager: 'grace', comment: '' })[p]);
  assert.deepEqual(ok, { value: { approved: false, manager: 'grace' }, errors: {} });
  assert.deepEqual(problemFieldErrors(f, { 'signal.payload.manager': 'must not be blank', other: 'x' }),
    { manager: 'must not be blank', '': 'x' });
});

test('timeline: the branches of a parallel map hang under one row that spans them, in branch order', () => {
  const step = (position, label, startedAt, completedAt) => ({ position, label, kind: 'STEP', startedAt, completedAt, attempts: 1, fallback: false, failures: [] });
  const run = { ...expense, status: 'COMPLETED', suspension: null, updatedAt: '2026-12-06T01:00:01Z', steps: [
    step(0, 'route/research/plan', '2026-12-06T01:00:00.000Z', '2026-12-06T01:00:00.100Z'),
    step(1, 'route/research/notes[1]/read', '2026-12-06T01:00:00.150Z', '2026-12-06T01:00:00.300Z'),
    step(2, 'route/research/notes[0]/read', '2026-12-06T01:00:00.120Z', '2026-12-06T01:00:00.400Z'),
    step(3, 'route/research/brief', '2026-12-06T01:00:00.400Z', '2026-12-06T01:00:00.450Z')] };
  const t = layoutTimeline(run);
  assert.deepEqual(t.rows.map((r) => r.label), ['route/research/plan', 'route/research/notes',
    'route/research/notes[0]/read', 'route/research/notes[1]/read', 'route/research/brief']);
  const group = t.rows[1];
  assert.equal(group.kind, 'PARALLEL');
  assert.equal(group.branches, 2);
  assert.deepEqual(group.segments.map((s) => [s.type, s.duration]), [['group', 280]]);
  assert.deepEqual(t.rows.slice(2, 4).map((r) => [r.branch, r.branchLabel]), [[0, '[0] read'], [1, '[1] read']]);
});

test('hash: the page size travels with the filters, 50 (the default) left out', () => {
  assert.deepEqual(parseHash('#/runs?status=FAILED&limit=200'), { view: 'list', filters: { status: 'FAILED', limit: 200 } });
  assert.deepEqual(parseHash('#/runs?limit=7'), { view: 'list', filters: {} });
  assert.equal(listHash({ status: 'FAILED', limit: 200 }), '#/runs?status=FAILED&limit=200');
  assert.equal(listHash({ limit: 50 }), '#/runs');
  assert.equal(runsQuery({ flow: 'f', limit: 200 }), 'flow=f&limit=200');
  assert.equal(runsQuery({}), 'limit=50');
});
