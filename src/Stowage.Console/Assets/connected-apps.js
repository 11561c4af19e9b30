// Connected apps: the Add Scopes dialog (scopes → business groups and environments → review)
// and the create form's kind switch. Assignments travel as hidden "scope|org|env" fields; the
// server checks every one again.
(function () {
  'use strict';
  const dialog = document.getElementById('scope-dialog');
  const editor = document.querySelector('[data-assignments]');

  // The create form: user-facing fields only for apps that act on behalf of a user,
  // public keys only for the JWT bearer grant.
  const userFields = document.querySelector('[data-user-fields]');
  function syncKind() {
    const kind = document.querySelector('input[name="Kind"]:checked');
    if (userFields) userFields.hidden = !kind || kind.value !== 'user';
    const ownFields = document.querySelector('[data-own-fields]');
    if (ownFields) ownFields.hidden = !!kind && kind.value === 'user';
    const jwt = document.querySelector('input[data-jwt-bearer]');
    const keys = document.querySelector('[data-public-keys]');
    if (keys) keys.hidden = !jwt || !jwt.checked;
  }
  document.querySelectorAll('input[name="Kind"], input[data-jwt-bearer]').forEach((input) => input.addEventListener('change', syncKind));
  syncKind();

  if (!dialog || !editor) return;
  const rows = editor.querySelector('[data-assignment-rows]');
  const empty = editor.querySelector('[data-assignments-empty]');
  const error = dialog.querySelector('[data-dialog-error]');
  const scopeBoxes = () => [...dialog.querySelectorAll('[data-step="1"] input[type=checkbox]:not(:disabled)')];
  const groupBoxes = () => [...dialog.querySelectorAll('input[data-group-name]')];
  const envBoxes = () => [...dialog.querySelectorAll('input[data-env-name]')];
  let step = 1;

  function show(next) {
    step = next;
    error.hidden = true;
    dialog.querySelectorAll('[data-step]').forEach((section) => { section.hidden = section.dataset.step !== String(step); });
    dialog.querySelectorAll('[data-step-label]').forEach((label) => {
      if (label.dataset.stepLabel === String(step)) label.setAttribute('aria-current', 'step');
      else label.removeAttribute('aria-current');
    });
    const first = dialog.querySelector(`[data-step="${step}"] input:not(:disabled), [data-step="${step}"] .button.primary`);
    if (first) first.focus();
  }

  function fail(message) {
    error.textContent = message;
    error.hidden = false;
  }

  function syncGroups() {
    const chosen = new Set(groupBoxes().filter((box) => box.checked).map((box) => box.value));
    dialog.querySelectorAll('[data-environments-of]').forEach((set) => { set.hidden = !chosen.has(set.dataset.environmentsOf); });
    dialog.querySelector('[data-no-group]').hidden = chosen.size > 0;
  }

  // Opening prefills the dialog from the form: the scopes, groups and environments already assigned.
  function currentValues() {
    return [...rows.querySelectorAll('tr[data-value]')].map((row) => row.dataset.value.split('|'));
  }

  function open() {
    const values = currentValues();
    scopeBoxes().forEach((box) => { box.checked = values.some((v) => v[0] === box.value); });
    groupBoxes().forEach((box) => { box.checked = values.some((v) => v[1] === box.value); });
    envBoxes().forEach((box) => { box.checked = values.some((v) => v[2] === box.value); });
    syncGroups();
    dialog.showModal();
    show(1);
  }

  // Every chosen scope on every chosen environment of the chosen groups.
  function assignments() {
    const groups = new Set(groupBoxes().filter((box) => box.checked).map((box) => box.value));
    const envs = envBoxes().filter((box) => box.checked && groups.has(box.dataset.org));
    const result = [];
    scopeBoxes().filter((box) => box.checked).forEach((scope) => envs.forEach((env) => result.push({
      value: `${scope.value}|${env.dataset.org}|${env.value}`,
      scope: scope.dataset.scopeName, group: env.dataset.orgName, env: env.dataset.envName,
    })));
    return result;
  }

  function cell(text) {
    const td = document.createElement('td');
    td.textContent = text;
    return td;
  }

  function review() {
    const list = assignments();
    if (list.length === 0) {
      fail('Choose at least one environment of a chosen business group.');
      return;
    }
    const body = dialog.querySelector('[data-review-rows]');
    body.replaceChildren(...list.map((a) => {
      const tr = document.createElement('tr');
      tr.append(cell(a.scope), cell(a.group), cell(a.env));
      return tr;
    }));
    dialog.querySelector('[data-review-summary]').textContent =
      `${list.length} assignment${list.length === 1 ? '' : 's'}: each scope on each environment.`;
    show(3);
  }

  function apply() {
    const existing = new Set(currentValues().map((v) => v.join('|')));
    let added = 0;
    assignments().filter((a) => !existing.has(a.value)).forEach((a) => {
      const tr = document.createElement('tr');
      tr.dataset.value = a.value;
      const actions = document.createElement('td');
      const div = document.createElement('div');
      div.className = 'row-actions';
      const hidden = document.createElement('input');
      hidden.type = 'hidden';
      hidden.name = 'assignments';
      hidden.value = a.value;
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'button secondary small';
      remove.dataset.removeAssignment = '';
      remove.textContent = 'Remove';
      remove.setAttribute('aria-label', `Remove ${a.scope} on ${a.group} ${a.env}`);
      div.append(hidden, remove);
      actions.append(div);
      tr.append(cell(a.scope), cell(a.group), cell(a.env), actions);
      rows.append(tr);
      added++;
    });
    syncEmpty();
    dialog.close();
    window.stowage.showToast(added === 0 ? 'These scopes were already on the form.' : `${added} scope assignment${added === 1 ? '' : 's'} added.`);
  }

  function syncEmpty() {
    if (empty) empty.hidden = rows.querySelector('tr') !== null;
  }

  editor.querySelector('[data-open-scope-dialog]').addEventListener('click', open);
  rows.addEventListener('click', (event) => {
    const button = event.target.closest('[data-remove-assignment]');
    if (!button) return;
    button.closest('tr').remove();
    syncEmpty();
    editor.querySelector('[data-open-scope-dialog]').focus();
  });
  dialog.querySelectorAll('[data-dialog-cancel]').forEach((b) => b.addEventListener('click', () => dialog.close()));
  dialog.querySelectorAll('[data-dialog-back]').forEach((b) => b.addEventListener('click', () => show(step - 1)));
  dialog.querySelector('[data-dialog-next]').addEventListener('click', () => {
    if (!scopeBoxes().some((box) => box.checked)) fail('Choose at least one scope.');
    else show(2);
  });
  dialog.querySelector('[data-dialog-review]').addEventListener('click', review);
  dialog.querySelector('[data-dialog-apply]').addEventListener('click', apply);
  groupBoxes().forEach((box) => box.addEventListener('change', syncGroups));
})();
