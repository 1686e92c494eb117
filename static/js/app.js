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

  // A submit button marked data-confirm-submit asks before sending (a checklist's publication).
  document.addEventListener('click', function (event) {
    var button = event.target && event.target.closest ? event.target.closest('[data-confirm-submit]') : null;
    if (button && !window.confirm(button.dataset.confirmSubmit)) event.preventDefault();
  });

  // Sending a report for review needs its confirmation box ticked (the server asks the same without JavaScript):
  // here the refusal is said at once, beside the box, without a round trip.
  document.addEventListener('click', function (event) {
    var button = event.target && event.target.closest ? event.target.closest('[data-requires-confirm]') : null;
    var box = button && document.getElementById(button.dataset.requiresConfirm);
    if (!box || box.checked) return;
    event.preventDefault();
    var message = document.getElementById(box.id + '-error');
    if (message) {
      message.textContent = message.dataset.confirmMessage || message.textContent;
      message.hidden = false;
    }
    box.setAttribute('aria-invalid', 'true');
    box.focus();
  });
  document.addEventListener('change', function (event) {
    var box = event.target;
    if (!box || !box.id || box.type !== 'checkbox' || !box.checked || !document.querySelector('[data-requires-confirm="' + box.id + '"]')) return;
    box.removeAttribute('aria-invalid');
    var message = document.getElementById(box.id + '-error');
    if (message) message.hidden = true;
  });

  // Long forms warn before leaving the page with unsaved typing (saving or submitting clears the warning).
  var dirty = false;
  document.addEventListener('input', function (event) {
    if (event.target && event.target.closest && event.target.closest('form[data-warn-unsaved]')) dirty = true;
  });
  document.addEventListener('submit', function () { dirty = false; });
  window.addEventListener('beforeunload', function (event) {
    // Not when the phone keeps a copy of the typing (offline.js marks the page): reopening the form restores it.
    if (!dirty || document.documentElement.hasAttribute('data-typing-kept')) return;
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

  // After a form comes back with errors, bring the first field in error into view (in the middle of the screen,
  // clear of a sticky bar) and put the cursor there; with no field to point at, the message itself. The page's
  // hidden box for htmx errors is not a form's message.
  function focusFirstError(root) {
    var field = Array.prototype.find.call(root.querySelectorAll('[aria-invalid="true"]'), function (element) {
      return element.getClientRects().length > 0 && !element.closest('[hidden]');
    });
    var alert = root.querySelector('.form-alert[role="alert"]:not([hidden])');
    var target = field || alert;
    if (!target) return;
    if (!field && !target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.scrollIntoView({ block: field ? 'center' : 'start' });
    if (typeof target.focus === 'function') target.focus({ preventScroll: true });
  }

  // Dates and times are typed on the number pad, which has no "/" or ":": they are put in as the digits come.
  document.addEventListener('input', function (event) {
    var input = event.target;
    if (!input || !input.dataset || !input.dataset.format || event.inputType !== 'insertText') return;
    var value = input.value;
    if (input.dataset.format === 'date' && (/^\d{2}$/.test(value) || /^\d{1,2}\/\d{2}$/.test(value))) input.value = value + '/';
    if (input.dataset.format === 'time' && /^\d{2}$/.test(value)) input.value = value + ':';
  });

  // The report form: counts per section, the first unanswered item, and "mark the rest compliant" done on the
  // page at once (the same buttons save it on the server when there is no JavaScript).
  function reportItems(root) {
    return Array.prototype.slice.call(root.querySelectorAll('[data-item]'));
  }
  function isAnswered(item) {
    return Boolean(item.querySelector('input[type="radio"]:checked'));
  }
  function updateReportProgress(form) {
    var total = form.querySelector('[data-total-count]');
    var template = total ? total.dataset.template : '';
    function count(items) {
      return template.replace('{answered}', String(items.filter(isAnswered).length)).replace('{total}', String(items.length));
    }
    form.querySelectorAll('[data-section]').forEach(function (section) {
      var items = reportItems(section);
      var label = section.querySelector('[data-section-count]');
      if (label && template) label.textContent = count(items);
      var button = section.querySelector('[data-mark-section]');
      if (button) button.hidden = !button.dataset.marked && items.every(isAnswered);
    });
    var all = reportItems(form);
    if (total && template) total.textContent = count(all);
    var progress = form.querySelector('[data-progress]');
    var first = all.find(function (item) { return !isAnswered(item); });
    var link = progress && progress.querySelector('[data-first-unanswered]');
    if (link) link.hidden = !first;
    if (link && first) link.setAttribute('href', '#' + first.id);
  }
  document.addEventListener('change', function (event) {
    var form = event.target && event.target.closest ? event.target.closest('form[data-report-form]') : null;
    if (form && event.target.type === 'radio') updateReportProgress(form);
  });
  document.addEventListener('click', function (event) {
    var button = event.target && event.target.closest ? event.target.closest('[data-mark-section]') : null;
    if (!button) return;
    event.preventDefault();
    var section = button.closest('[data-section]');
    if (button.dataset.marked) {
      // Undo: the items this button marked go back to unanswered, unless the inspector has changed them since.
      button.dataset.marked.split('.').forEach(function (code) {
        var radio = section.querySelector('input[name="answer_' + code + '"][value="compliant"]');
        if (radio && radio.checked) radio.checked = false;
      });
      delete button.dataset.marked;
      button.name = 'markRemaining';
      button.value = section.dataset.section;
      button.textContent = button.dataset.labelMark;
    } else {
      var codes = reportItems(section).filter(function (item) { return !isAnswered(item); }).map(function (item) {
        item.querySelector('input[value="compliant"]').checked = true;
        return item.dataset.item;
      });
      if (codes.length === 0) return;
      button.dataset.marked = codes.join('.');
      button.name = 'unmark';
      button.value = codes.join('.');
      button.textContent = button.dataset.labelUndo;
    }
    dirty = true;
    updateReportProgress(button.closest('form'));
  });

  // Opening a draft already started goes to its first unanswered item (not after a save or an error, whose
  // message is at the top, nor when the address names a place).
  function resumeReport() {
    var form = document.querySelector('form[data-report-form]');
    if (!form || window.location.hash || document.querySelector('.flash, .error-summary, .form-alert[role="alert"]:not([hidden])')) return;
    var items = reportItems(form);
    var first = items.find(function (item) { return !isAnswered(item); });
    if (first && items.some(isAnswered)) first.scrollIntoView({ block: 'start' });
  }

  // Photos are made smaller on the phone before they are sent (longest side 1,600 px, JPEG at 0.8): a 4 MB photo
  // goes up as a few hundred KB on a weak link. Anything that cannot be reduced is sent as it is.
  var MAX_SIDE = 1600;
  function reducePhoto(file) {
    if (!/^image\/(jpeg|png)$/.test(file.type) || !window.createImageBitmap || !window.HTMLCanvasElement || !window.HTMLCanvasElement.prototype.toBlob) return Promise.resolve(file);
    return window.createImageBitmap(file, { imageOrientation: 'from-image' }).then(function (bitmap) {
      // Already small (a photo reduced before, e.g. kept on the phone while offline): sent as it is, not
      // compressed a second time.
      if (file.type === 'image/jpeg' && Math.max(bitmap.width, bitmap.height) <= MAX_SIDE && file.size <= 700 * 1024) {
        if (bitmap.close) bitmap.close();
        return file;
      }
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement('canvas');
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      var context = canvas.getContext('2d');
      context.fillStyle = '#fff';
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) bitmap.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) return resolve(file);
          resolve(new window.File([blob], file.name.replace(/\.[^.]*$/, '') + '.jpg', { type: 'image/jpeg' }));
        }, 'image/jpeg', 0.8);
      });
    }).catch(function () { return file; });
  }
  // The same reduction for the local copy of a report kept on the phone (offline.js).
  window.AppPhotos = { reduce: reducePhoto };

  // The upload goes in the background with its progress shown, the button disabled and the block marked busy;
  // the report's typed answers stay as they are on the page. The server answers with the attachments block.
  function upload(button) {
    var block = button.closest('[data-upload]');
    var section = button.closest('[data-upload-url]');
    var input = block.querySelector('input[type="file"]');
    var progress = block.querySelector('progress');
    var status = block.querySelector('.upload-status');
    var container = document.getElementById('attachments-section');
    function say(text) { if (status) status.textContent = text; }
    if (!input.files || input.files.length === 0) {
      say(section.dataset.msgNone);
      input.focus();
      return;
    }
    var original = input.files[0];
    function busy(on) {
      button.disabled = on;
      block.setAttribute('aria-busy', on ? 'true' : 'false');
      var form = document.getElementById('report-form');
      if (form) form.setAttribute('aria-busy', on ? 'true' : 'false');
    }
    busy(true);
    say(section.dataset.msgReducing);
    // One key for this photo: sent again from the outbox after a lost answer, it is stored once.
    var requestKey = window.crypto && window.crypto.randomUUID ? window.crypto.randomUUID() : '';
    // No connection (or the upload failed on the way): the reduced photo waits in the outbox on the phone.
    function toOutbox(file) {
      if (!window.OfflinePage) return false;
      window.OfflinePage.queueUpload({ file: file, requestKey: requestKey }).then(function () {
        busy(false);
        if (progress) progress.hidden = true;
        input.value = '';
        say(window.OfflinePage.queuedText());
      }, function () {
        busy(false);
        say(section.dataset.msgFailed);
      });
      return true;
    }
    reducePhoto(original).then(function (file) {
      if (!window.navigator.onLine && toOutbox(file)) return;
      var token = document.querySelector('meta[name="csrf-token"]');
      var data = new window.FormData();
      data.append('_csrf', token ? token.content : '');
      if (requestKey) data.append('requestKey', requestKey);
      data.append('file', file, file.name);
      var xhr = new window.XMLHttpRequest();
      xhr.open('POST', section.dataset.uploadUrl);
      xhr.setRequestHeader('HX-Request', 'true');
      if (token) xhr.setRequestHeader('X-CSRF-Token', token.content);
      if (progress) {
        progress.value = 0;
        progress.hidden = false;
      }
      say(section.dataset.msgUploading);
      // A link that is up but carries nothing (common on weak 3G) never fails by itself: after 45 s without a
      // byte moving the upload is given up and the photo goes to the outbox.
      var stalled = null;
      function watch() {
        window.clearTimeout(stalled);
        stalled = window.setTimeout(function () { xhr.abort(); }, 45000);
      }
      xhr.upload.addEventListener('progress', function (event) {
        watch();
        if (progress && event.lengthComputable) progress.value = Math.round((event.loaded / event.total) * 100);
      });
      xhr.addEventListener('progress', watch);
      xhr.addEventListener('loadend', function () { window.clearTimeout(stalled); });
      xhr.addEventListener('abort', function () {
        if (toOutbox(file)) return;
        busy(false);
        if (progress) progress.hidden = true;
        say(section.dataset.msgFailed);
      });
      xhr.addEventListener('load', function () {
        busy(false);
        if (xhr.status === 200 && window.OfflinePage) window.OfflinePage.photoSent();
        if ((xhr.status === 200 || xhr.status === 422) && container) {
          container.innerHTML = xhr.responseText;
          if (window.htmx) window.htmx.process(container);
          if (xhr.status === 422) focusFirstError(container);
          return;
        }
        if (progress) progress.hidden = true;
        say(xhr.status === 413 ? section.dataset.msgTooBig : section.dataset.msgFailed);
      });
      xhr.addEventListener('error', function () {
        if (toOutbox(file)) return;
        busy(false);
        if (progress) progress.hidden = true;
        say(section.dataset.msgFailed);
      });
      xhr.send(data);
      watch();
    });
  }
  document.addEventListener('click', function (event) {
    var button = event.target && event.target.closest ? event.target.closest('[data-upload] button[type="submit"]') : null;
    if (!button || !window.FormData || !window.XMLHttpRequest) return;
    event.preventDefault();
    upload(button);
  });

  // The outreach form: a channel's figures (and a target group's share) show only once it is chosen; hidden ones
  // are disabled, so they are not sent. Without JavaScript every channel's figures show, each under its channel.
  function syncChoices(root) {
    root.querySelectorAll('[data-reveals]').forEach(function (box) {
      var target = document.getElementById(box.getAttribute('data-reveals'));
      if (!target) return;
      target.hidden = !box.checked;
      target.querySelectorAll('input').forEach(function (input) { input.disabled = !box.checked; });
    });
    root.querySelectorAll('.js-choice-note').forEach(function (note) { note.hidden = true; });
  }
  document.addEventListener('change', function (event) {
    if (event.target && event.target.matches && event.target.matches('[data-reveals]')) syncChoices(event.target.form || document);
  });

  document.addEventListener('DOMContentLoaded', function () {
    syncChoices(document);
    enableAreaFilter(document);
    focusFirstError(document.getElementById('main') || document);
    resumeReport();
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
