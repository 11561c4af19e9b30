// Users page: the password field applies only when "Type a password" is chosen.
(function () {
  'use strict';
  const field = document.getElementById('password-field');
  const input = document.getElementById('user-password');
  if (!field || !input) return;
  const radios = document.querySelectorAll('input[name="passwordMode"]');
  function update() {
    const typed = document.getElementById('password-typed').checked;
    field.hidden = !typed;
    input.disabled = !typed;
    input.required = typed;
  }
  radios.forEach((radio) => radio.addEventListener('change', () => {
    update();
    if (radio.value === 'typed' && radio.checked) input.focus();
  }));
  update();
})();
