// The manager's inbox: suspended expense claims (the runs API), approve or reject with a form that
// the server validates (its messages appear at the fields), clear messages on 409 and 410, and the
// run's outcome once decided (the signal answers when the run has completed, suspended again or ended).
import { describe, el, header, sampleClient, showFieldErrors, userPicker } from './common.js';

header('crux-ee · Approvals', 'approvals.html');
userPicker(() => load(), 'manager');
const crux = sampleClient();
const $ = (id) => document.getElementById(id);

const FIELD_NAMES = { manager: 'manager', comment: 'comment', approved: 'approved' };

function decisionForm(run) {
  const id = run.flowId;
  const f = (name) => `${name}-${id}`;
  const form = el('form', { novalidate: true, 'data-run': id, 'aria-label': `Decision on claim ${id}` },
    el('div', { class: 'field' },
      el('label', { for: f('manager'), text: 'Your name' }),
      el('input', { id: f('manager'), name: FIELD_NAMES.manager, autocomplete: 'name', 'aria-describedby': f('manager-error') }),
      el('div', { class: 'field-error', id: f('manager-error'), 'data-error-for': 'manager' })),
    el('div', { class: 'field' },
      el('label', { for: f('comment'), text: 'Comment (optional)' }),
      el('textarea', { id: f('comment'), name: FIELD_NAMES.comment, rows: 2, 'aria-describedby': f('comment-error') }),
      el('div', { class: 'field-error', id: f('comment-error'), 'data-error-for': 'comment' })),
    el('div', { class: 'row' },
      el('button', { type: 'submit', name: 'approve', value: 'true', text: 'Approve' }),
      el('button', { type: 'submit', name: 'reject', value: 'false', class: 'danger', text: 'Reject' })),
    el('div', { class: 'outcome', role: 'status', 'aria-live': 'polite' }));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    decide(form, run, e.submitter?.value === 'true');
  });
  return form;
}

async function decide(form, run, approved) {
  const outcome = form.querySelector('.outcome');
  const buttons = form.querySelectorAll('button');
  showFieldErrors(form, null);
  buttons.forEach((b) => (b.disabled = true));
  const payload = { approved, manager: form.elements.manager.value.trim(), comment: form.elements.comment.value.trim() || null };
  try {
    // the signal answers once the run has completed, suspended again or ended: its answer is the outcome
    const result = await crux.signal(run.flowId, run.suspensionName ?? 'manager-approval', payload);
    const status = String(result?.status ?? '').toUpperCase();
    const decision = result?.output;
    const ref = decision?.paymentReference ?? decision?.reference;
    outcome.replaceChildren(el('div', { class: 'alert ok', 'data-run-status': status,
      text: `${approved ? 'Approved' : 'Rejected'}: the run is ${status.toLowerCase()}${ref ? ` (payment ${ref})` : ''}.` }));
  } catch (problem) {
    buttons.forEach((b) => (b.disabled = false));
    if (problem.status === 400 && showFieldErrors(form, problem)) {
      outcome.replaceChildren(el('div', { class: 'alert error', text: 'Please correct the highlighted field.' }));
    } else if (problem.status === 409) {
      buttons.forEach((b) => (b.disabled = true));
      outcome.replaceChildren(el('div', { class: 'alert warn', 'data-problem': 409, text: 'Someone already decided this claim: it no longer waits for a decision. Refresh the inbox.' }));
    } else if (problem.status === 410) {
      buttons.forEach((b) => (b.disabled = true));
      outcome.replaceChildren(el('div', { class: 'alert warn', 'data-problem': 410, text: 'This claim waited too long: its approval window expired, so it can no longer be decided.' }));
    } else {
      outcome.replaceChildren(el('div', { class: 'alert error', text: describe(problem) }));
    }
  }
}

function claimCard(run, details) {
  const lines = (details?.audit ?? []).map((a) => el('li', { text: `${a.step}: ${a.detail}` }));
  return el('li', { class: 'panel claim', 'data-run': run.flowId },
    el('h3', { text: `Claim ${run.flowId.slice(0, 8)}` }),
    el('div', { class: 'row' },
      el('span', { class: 'pill', 'data-status': run.status, text: 'waiting for approval' }),
      el('span', { class: 'muted', text: `since ${new Date(run.updatedAt ?? run.createdAt).toLocaleString()}` }),
      run.expiresAt ? el('span', { class: 'muted', text: `· expires ${new Date(run.expiresAt).toLocaleDateString()}` }) : null),
    lines.length ? el('ul', {}, ...lines) : null,
    decisionForm(run));
}

async function load() {
  $('inbox-problem').replaceChildren();
  delete $('claims').dataset.loaded; // set again once this load has rendered (the browser tests wait for it)
  try {
    const { runs } = await crux.runs({ status: 'SUSPENDED', limit: 50 });
    const claims = runs.filter((r) => r.flowName === 'expense-approval');
    const details = await Promise.all(claims.map((r) => crux.call('GET', `/expenses/${encodeURIComponent(r.flowId)}`).catch(() => null)));
    $('claims').replaceChildren(...claims.map((r, i) => claimCard(r, details[i])));
    $('empty').hidden = claims.length > 0;
  } catch (problem) {
    $('claims').replaceChildren();
    $('inbox-problem').replaceChildren(el('div', { class: 'alert error', text: problem.status === 401 || problem.status === 404
      ? 'Only a manager sees the inbox: pick “manager” at the top of the page.' : describe(problem) }));
  }
  $('claims').dataset.loaded = 'true';
}

const claim = $('claim');
claim.addEventListener('submit', async (e) => {
  e.preventDefault();
  showFieldErrors(claim, null);
  const v = (n) => claim.elements[n].value.trim();
  const amount = Number(v('amount'));
  try {
    const r = await crux.call('POST', '/expenses', { employee: v('employee'), amount: Number.isFinite(amount) && v('amount') !== '' ? amount : null, currency: v('currency'), description: v('description') });
    $('claim-result').replaceChildren(el('div', { class: 'alert ok', text: r.status === 'COMPLETED' ? 'Approved at once by policy.' : 'Submitted: it waits for a manager.' }));
    load();
  } catch (problem) {
    if (!showFieldErrors(claim, problem)) $('claim-result').replaceChildren(el('div', { class: 'alert error', text: describe(problem) }));
  }
});
$('refresh').addEventListener('click', load);
load();
