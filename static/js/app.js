// Small enhancements on top of pages that work without JavaScript.
(function () {
  'use strict';

  // Ask before irreversible actions (forms marked data-confirm).
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // "Add a member" asks the server for a row numbered after the rows already on the form.
  document.addEventListener('htmx:configRequest', function (event) {
    var source = event.detail.elt;
    if (source && source.hasAttribute && source.hasAttribute('data-team-add')) {
      event.detail.parameters.index = String(document.querySelectorAll('#team-rows .team-row').length);
    }
  });

  // Errors of htmx requests are shown in the page instead of failing silently.
  function showError(text) {
    var box = document.getElementById('htmx-error');
    if (!box) return;
    box.textContent = text;
    box.hidden = false;
    box.scrollIntoView({ block: 'nearest' });
  }
  document.addEventListener('htmx:responseError', function (event) {
    var xhr = event.detail.xhr;
    var doc = new DOMParser().parseFromString(xhr.responseText || '', 'text/html');
    var text = (doc.body && doc.body.textContent || '').trim();
    showError(text || (document.getElementById('htmx-error') || {}).dataset.failed || 'Error');
  });
  document.addEventListener('htmx:sendError', function () {
    var box = document.getElementById('htmx-error');
    showError(box && box.dataset.offline ? box.dataset.offline : 'Offline');
  });
  document.addEventListener('htmx:beforeRequest', function () {
    var box = document.getElementById('htmx-error');
    if (box) box.hidden = true;
  });

  // On the round form, open the group of areas that matches the start date (districts before 1 July 2025).
  function syncAreaGroups() {
    var start = document.getElementById('field-startDate');
    var match = start && /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(start.value.trim());
    if (!match) return;
    var iso = match[3] + '-' + ('0' + match[2]).slice(-2) + '-' + ('0' + match[1]).slice(-2);
    var level = iso >= '2025-07-01' ? 'commune' : 'district';
    var group = document.querySelector('.area-group[data-level="' + level + '"]');
    if (group) group.open = true;
  }
  document.addEventListener('change', function (event) {
    if (event.target && event.target.id === 'field-startDate') syncAreaGroups();
  });
})();
