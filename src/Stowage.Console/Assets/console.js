// Stowage console: progressive enhancements shared by every page. No inline scripts (CSP).
(function () {
  'use strict';
  document.documentElement.classList.add('js');

  const toast = document.getElementById('toast');
  let toastTimer;
  function showToast(message) {
    if (!toast) return;
    toast.textContent = message;
    toast.classList.add('show');
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => toast.classList.remove('show'), 3500);
  }
  window.stowage = { showToast: showToast, csrfToken: csrfToken };

  if (toast && toast.dataset.notice) showToast(toast.dataset.notice);

  function csrfToken() {
    const field = document.querySelector('input[name="__RequestVerificationToken"]');
    return field ? field.value : '';
  }

  // Selects that apply themselves (the business group and environment switchers).
  document.querySelectorAll('select[data-autosubmit]').forEach((select) => {
    select.addEventListener('change', () => select.form.requestSubmit());
  });

  // Copy buttons: data-copy-text copies its value; data-copy-url fetches the value first
  // (a connected app's secret is sent only when asked for).
  document.addEventListener('click', async (event) => {
    const button = event.target.closest('[data-copy-text], [data-copy-url]');
    if (!button) return;
    event.preventDefault();
    try {
      let text = button.dataset.copyText;
      if (button.dataset.copyUrl) {
        const response = await fetch(button.dataset.copyUrl, {
          method: 'POST',
          headers: { 'X-CSRF-Token': csrfToken() },
          credentials: 'same-origin',
        });
        if (!response.ok) throw new Error('HTTP ' + response.status);
        text = (await response.json()).value;
      }
      await navigator.clipboard.writeText(text);
      showToast(button.dataset.copied || 'Copied to the clipboard');
    } catch (e) {
      showToast('Could not copy: ' + e.message);
    }
  });

  // Forms with data-confirm ask first, in an accessible dialog.
  const dialog = document.getElementById('confirm-dialog');
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!dialog || !form.dataset.confirm || form.dataset.confirmed === 'yes') return;
    event.preventDefault();
    dialog.querySelector('#confirm-title').textContent = form.dataset.confirmTitle || 'Are you sure?';
    dialog.querySelector('#confirm-message').textContent = form.dataset.confirm;
    dialog.querySelector('#confirm-ok').textContent = form.dataset.confirmAction || 'Confirm';
    dialog.returnValue = '';
    dialog.showModal();
    dialog.addEventListener('close', function onClose() {
      dialog.removeEventListener('close', onClose);
      if (dialog.returnValue === 'confirm') {
        form.dataset.confirmed = 'yes';
        form.requestSubmit(event.submitter || undefined);
      }
    });
  });
})();
