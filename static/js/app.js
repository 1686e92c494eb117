// Small enhancements on top of pages that work without JavaScript.
(function () {
  'use strict';

  // htmx arrived (both scripts are deferred, so it ran first): filters apply on change and their buttons can go.
  // Without htmx the buttons stay, which <noscript> cannot do when scripting is on but htmx failed to load.
  if (window.htmx) document.documentElement.classList.add('htmx-active');
  // An action confirmed in the dialog (data-confirm on the form or data-confirm-submit on its button) is sent as
  // confirmed, so the server does not ask again. This listens after the dialogs' own listeners, which stop the
  // submission when the person declines.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var asked = form instanceof HTMLFormElement && (form.dataset.confirm || (event.submitter && event.submitter.dataset.confirmSubmit));
    if (!asked || event.defaultPrevented || form.querySelector('input[name="confirm"]')) return;
    var confirmed = document.createElement('input');
    confirmed.type = 'hidden';
    confirmed.name = 'confirm';
    confirmed.value = 'yes';
    form.appendChild(confirmed);
  });

  // Ask before irreversible actions (forms marked data-confirm).
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // The submit button of a report asks before sending it for review (a draft save does not).
  document.addEventListener('click', function (event) {
    var button = event.target && event.target.closest ? event.target.closest('[data-confirm-submit]') : null;
    if (button && !window.confirm(button.dataset.confirmSubmit)) event.preventDefault();
  });

  // Long forms warn before leaving the page with unsaved typing (saving or submitting clears the warning).
  var dirty = false;
  document.addEventListener('input', function (event) {
    if (event.target && event.target.closest && event.target.closest('form[data-warn-unsaved]')) dirty = true;
  });
  document.addEventListener('submit', function () { dirty = false; });
  window.addEventListener('beforeunload', function (event) {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = '';
  });

  // "Add a member" asks the server for a row numbered after the rows already on the form.
  document.addEventListener('htmx:configRequest', function (event) {
    var source = event.detail.elt;
    if (source && source.hasAttribute && source.hasAttribute('data-team-add')) {
      event.detail.parameters.index = String(document.querySelectorAll('#team-rows .team-row').length);
    }
    // A GET that includes a form (overlap checks, venue search) never carries its secrets into the URL,
    // where logs and history would keep them.
    if (event.detail.verb === 'get') {
      delete event.detail.parameters._csrf;
      delete event.detail.parameters.submissionKey;
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
    if (event.target && event.target.name === 'areaIds') updateAreaSummary();
  });

  // The chosen areas, listed above the (long, scrolling) lists so none is hidden.
  function updateAreaSummary() {
    var summary = document.querySelector('[data-area-summary-list]');
    if (!summary) return;
    var names = Array.prototype.map.call(document.querySelectorAll('input[name="areaIds"]:checked'), function (box) {
      return box.parentNode.textContent.trim();
    });
    summary.textContent = names.length ? names.join(', ') : summary.parentNode.dataset.none;
  }

  // Type to narrow the lists of districts and communes; diacritics and case are ignored.
  function searchKey(text) {
    return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();
  }
  function enableAreaFilter(root) {
    var input = root.querySelector('[data-area-filter]');
    if (!input) return;
    input.hidden = false;
    input.addEventListener('input', function () {
      var key = searchKey(input.value);
      root.querySelectorAll('[data-area-name]').forEach(function (label) {
        label.hidden = key !== '' && label.dataset.areaName.indexOf(key) === -1;
      });
      if (key) root.querySelectorAll('.area-group').forEach(function (group) { group.open = true; });
    });
  }

  // After a form comes back with errors, bring the first one into view and put the cursor there.
  function focusFirstError(root) {
    var field = root.querySelector('[aria-invalid="true"]');
    var alert = root.querySelector('.form-alert');
    if (!alert && !field) return;
    (alert || field).scrollIntoView({ block: 'start' });
    if (field && typeof field.focus === 'function') field.focus({ preventScroll: true });
  }

  document.addEventListener('DOMContentLoaded', function () {
    enableAreaFilter(document);
    focusFirstError(document.getElementById('main') || document);
  });
  // New content from htmx (an outerHTML swap replaces the target, so work on what was loaded).
  document.addEventListener('htmx:load', function (event) {
    var element = event.detail.elt;
    if (!element || element === document.body) return;
    enableAreaFilter(element);
    if (element.tagName === 'FORM') focusFirstError(element);
  });
  document.addEventListener('htmx:afterSwap', function (event) {
    var config = event.detail.requestConfig;
    // A new page of results starts at its top, not where the previous page ended.
    if (config && config.elt && config.elt.closest && config.elt.closest('.pagination')) {
      event.detail.target.scrollIntoView({ block: 'start' });
    }
  });
})();
