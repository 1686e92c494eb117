// Offline work on the pages: the service worker's registration, "prepare for offline work", the offline bar, the
// local copy of the report form, the outbox (sending, its count in the header, its page), a report started
// offline, and clearing a person's data at sign-out. Every part checks for what it needs first: without a
// service worker, IndexedDB or this script the pages work online as plain forms.
(function () {
  'use strict';
  var core = window.OfflineCore;
  var textElement = document.getElementById('offline-text');
  var text = textElement ? JSON.parse(textElement.textContent) : {};
  function t(key, params) {
    var template = text[key] || key;
    Object.keys(params || {}).forEach(function (name) { template = template.split('{' + name + '}').join(String(params[name])); });
    return template;
  }
  // Times as the app shows them everywhere: in Vietnam's time zone, whatever the phone's setting.
  function parts(iso) {
    var date = new Date(iso);
    if (isNaN(date.getTime())) return null;
    var found = {};
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(date).forEach(function (part) { found[part.type] = part.value; });
    return found;
  }
  function hhmm(iso) {
    var p = parts(iso);
    return p ? p.hour + ':' + p.minute : '';
  }
  function dayAndTime(iso) {
    var p = parts(iso);
    return p ? p.day + '/' + p.month + ' ' + p.hour + ':' + p.minute : '';
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === 'text') node.textContent = attrs[name];
      else if (name === 'hidden') node.hidden = Boolean(attrs[name]);
      else if (attrs[name] !== undefined && attrs[name] !== null && attrs[name] !== false) node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child); });
    return node;
  }
  function searchKey(value) {
    return String(value || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();
  }
  var isCopy = document.documentElement.hasAttribute('data-offline-copy');
  function offline() { return !navigator.onLine || isCopy; }

  var body = document.body;
  var userId = body && body.dataset.userId ? Number(body.dataset.userId) : null;

  // The service worker: registered on signed-in pages (the offline page registers nothing).
  // Until it is registered, nothing offers offline work (a browser may have service workers turned off).
  var registered = 'serviceWorker' in navigator && userId
    ? navigator.serviceWorker.register('/sw.js', { scope: '/' }).then(function () { return navigator.serviceWorker.ready; }).then(function () { return true; }, function () { return false; })
    : Promise.resolve(false);

  // The bar that says the page is offline (and, for a kept page, since when it was kept).
  function updateBar() {
    var bar = document.querySelector('[data-offline-bar]');
    if (!bar) return;
    var kept = document.documentElement.getAttribute('data-offline-copy');
    var off = !navigator.onLine || isCopy;
    bar.hidden = !off;
    if (off) bar.textContent = isCopy && kept ? t('offline.barCopy', { time: dayAndTime(kept) }) : t('offline.bar');
    document.documentElement.classList.toggle('is-offline', off);
  }
  window.addEventListener('online', function () { isCopy = false; updateBar(); flushNow(); });
  window.addEventListener('offline', updateBar);
  updateBar();

  if (!core) return;

  function whoIsHere() {
    if (userId) return Promise.resolve(userId);
    return core.getMeta('currentUser').then(function (id) { return id || null; });
  }

  // A phone shared by two people: pages kept for someone else go when another person signs in.
  if (userId) {
    core.setMeta('currentUser', userId);
    core.getMeta('pagesOwner').then(function (owner) {
      if (owner && owner !== userId && window.caches) return window.caches.delete(core.PAGES_CACHE).then(function () { return core.setMeta('pagesOwner', null); });
      return undefined;
    });
  }

  // ---------------------------------------------------------------- outbox: count, sending, its page
  function updateCount() {
    var link = document.querySelector('[data-outbox-count]');
    if (!link || !userId) return Promise.resolve([]);
    return core.items(userId).then(function (rows) {
      link.hidden = rows.length === 0;
      link.textContent = t('offline.pending', { count: rows.length });
      link.classList.toggle('needs-sign-in', rows.some(function (row) { return row.state === 'signIn'; }));
      return rows;
    });
  }

  function requestSync() {
    if (!('serviceWorker' in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register('outbox');
      return undefined;
    }).catch(function () { /* the online event and the next page load send it */ });
  }

  function flushNow() {
    if (!userId || !navigator.onLine) return Promise.resolve(null);
    return core.items(userId).then(function (rows) {
      if (rows.length === 0) return null;
      return core.flush({ userId: userId }).then(function (report) {
        return Promise.all([updateCount(), renderOutbox()]).then(function () { return report; });
      });
    });
  }

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.addEventListener('message', function (event) {
      if (event.data && event.data.type === 'outbox-flushed') { updateCount(); renderOutbox(); }
    });
  }

  function kindLabel(item) { return t('offline.kind.' + item.kind); }

  /** The conflict page: a normal form POST (page navigation) of the phone's fields and the version they were based on. */
  function openConflict(item) {
    return core.session().then(function (who) {
      var form = el('form', { method: 'post', action: item.answer && item.answer.conflictUrl ? item.answer.conflictUrl : item.url + '/conflict', hidden: true });
      form.appendChild(el('input', { type: 'hidden', name: '_csrf', value: who.csrfToken || '' }));
      (item.fields || []).forEach(function (pair) {
        if (pair[0] === '_csrf' || pair[0] === 'requestKey' || pair[0] === 'version' || pair[0] === 'intent') return;
        form.appendChild(el('input', { type: 'hidden', name: pair[0], value: pair[1] }));
      });
      form.appendChild(el('input', { type: 'hidden', name: 'version', value: String(item.version) }));
      document.body.appendChild(form);
      // The phone's values travel to the conflict page, which shows them beside the server's and saves the choice.
      // The item stays in the outbox until the report's page opens from there (saved, or the server's copy
      // taken): leaving the conflict page any other way loses nothing.
      if (window.sessionStorage) window.sessionStorage.setItem('offline-resolving', JSON.stringify({ seq: item.seq, userId: item.userId, formKey: item.formKey, checkId: item.checkId }));
      form.submit();
    });
  }

  function renderOutbox() {
    var list = document.getElementById('outbox-list');
    if (!list) return Promise.resolve();
    return whoIsHere().then(function (id) {
      if (!id) return [];
      return core.items(id);
    }).then(function (rows) {
      list.textContent = '';
      var empty = document.getElementById('outbox-empty');
      if (empty) empty.hidden = rows.length > 0;
      var sendNow = document.querySelector('[data-outbox-send]');
      if (sendNow) sendNow.hidden = rows.length === 0;
      var signIn = document.getElementById('outbox-sign-in');
      if (signIn) signIn.hidden = !rows.some(function (row) { return row.state === 'signIn'; });
      rows.forEach(function (item) {
        var actions = el('div', { class: 'outbox-actions' });
        if (item.state === 'conflict') {
          var resolve = el('button', { type: 'button', class: 'secondary', text: t('offline.resolveConflict') });
          resolve.addEventListener('click', function () { openConflict(item); });
          actions.appendChild(resolve);
        }
        if ((item.state === 'invalid' || item.state === 'failed') && item.checkId) actions.appendChild(el('a', { href: '/checks/' + item.checkId, role: 'button', class: 'secondary outline', text: t('offline.openReport') }));
        if ((item.state === 'invalid' || item.state === 'failed') && !item.checkId && item.localId) actions.appendChild(el('a', { href: '/offline/report?draft=' + item.localId, role: 'button', class: 'secondary outline', text: t('offline.openReport') }));
        if (item.state === 'conflict' || item.state === 'invalid' || item.state === 'failed') {
          var remove = el('button', { type: 'button', class: 'secondary outline', text: t('offline.removeItem') });
          remove.addEventListener('click', function () {
            if (!window.confirm(t('offline.removeConfirm'))) return;
            core.deleteItem(item.seq).then(function () { return Promise.all([renderOutbox(), updateCount()]); });
          });
          actions.appendChild(remove);
        }
        list.appendChild(el('li', { class: 'outbox-item state-' + item.state, 'data-outbox-item': String(item.seq) }, [
          el('strong', { text: kindLabel(item) }),
          item.label ? el('span', { text: ' · ' + item.label }) : null,
          el('br'),
          el('small', { class: 'muted', text: dayAndTime(item.createdAt) + ' · ' }),
          el('span', { class: 'outbox-state', text: t('offline.state.' + item.state) }),
          item.error ? el('p', { class: 'field-error', text: item.error }) : null,
          actions.childNodes.length ? actions : null,
        ]));
      });
    });
  }

  document.addEventListener('click', function (event) {
    var button = event.target && event.target.closest ? event.target.closest('[data-outbox-send]') : null;
    if (!button) return;
    event.preventDefault();
    button.setAttribute('aria-busy', 'true');
    // "Send now" also retries items that stopped (a conflict stays until it is resolved on its page).
    core.items(userId).then(function (rows) {
      return Promise.all(rows.filter(function (row) { return row.state === 'failed' || row.state === 'signIn'; }).map(function (row) { row.state = 'queued'; return core.putItem(row); }));
    }).then(flushNow).then(function () {
      button.removeAttribute('aria-busy');
      return Promise.all([renderOutbox(), updateCount()]);
    });
  });

  // ---------------------------------------------------------------- the report form's local copy
  function formPairs(form) {
    var pairs = [];
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.disabled || /^(file|submit|button|reset)$/.test(field.type) || field.tagName === 'BUTTON') return;
      if (field.name === '_csrf' || field.name === 'requestKey') return;
      if ((field.type === 'checkbox' || field.type === 'radio') && !field.checked) return;
      pairs.push([field.name, field.value]);
    });
    return pairs;
  }
  function restorePairs(form, pairs) {
    var byName = {};
    pairs.forEach(function (pair) { (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]); });
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || /^(file|submit|button|reset)$/.test(field.type) || field.tagName === 'BUTTON') return;
      if (field.name === '_csrf' || field.name === 'requestKey') return;
      var values = byName[field.name] || [];
      if (field.type === 'checkbox' || field.type === 'radio') field.checked = values.indexOf(field.value) !== -1;
      else if (field.type === 'hidden' && !values.length) return;
      else field.value = values.length ? values.shift() : '';
    });
    var radio = form.querySelector('input[type="radio"]');
    if (radio) radio.dispatchEvent(new Event('change', { bubbles: true }));
  }
  function fieldValue(pairs, name) {
    var found = pairs.find(function (pair) { return pair[0] === name; });
    return found ? found[1] : undefined;
  }

  function noteBox(form) {
    var box = document.getElementById('offline-note');
    if (!box) {
      box = el('div', { id: 'offline-note', class: 'offline-note', role: 'status', 'aria-live': 'polite' });
      form.parentNode.insertBefore(box, form);
    }
    return box;
  }
  function say(form, message, extra, quiet) {
    var box = noteBox(form);
    box.textContent = '';
    box.appendChild(el('p', { text: message }));
    (extra || []).forEach(function (node) { box.appendChild(node); });
    box.hidden = false;
    if (!quiet) box.scrollIntoView({ block: 'nearest' });
  }

  /** The report form on this page, and what its local copy is filed under. */
  function reportFormOf() {
    var form = document.getElementById('report-form');
    if (!form || !userId) return null;
    if (form.dataset.localDraft) return { form: form, formKey: 'local:' + form.dataset.localDraft, localId: form.dataset.localDraft };
    var match = /\/checks\/(\d+)$/.exec(new URL(form.action, location.href).pathname);
    return match ? { form: form, formKey: 'check:' + match[1], checkId: Number(match[1]) } : null;
  }

  // Back from the conflict page: on the report's own page, answered 200 (the choice saved, or the server's copy
  // taken), the conflict is over and its outbox item and local copy go; anywhere else they stay.
  var resolving = window.sessionStorage ? window.sessionStorage.getItem('offline-resolving') : null;
  var settled = Promise.resolve();
  if (resolving && !/\/conflict$/.test(location.pathname)) {
    window.sessionStorage.removeItem('offline-resolving');
    var conflict = JSON.parse(resolving);
    var navigation = window.performance && window.performance.getEntriesByType ? window.performance.getEntriesByType('navigation')[0] : null;
    if (navigation && navigation.responseStatus === 200 && location.pathname === '/checks/' + conflict.checkId) {
      settled = core.deleteItem(conflict.seq).then(function () { return core.deleteCopy(conflict.userId, conflict.formKey); });
    }
  }

  var report = reportFormOf();
  var saveTimer = null;
  var copyPhotos = null;

  function saveCopy() {
    if (!report) return Promise.resolve();
    clearTimeout(saveTimer);
    saveTimer = null;
    return core.getCopy(userId, report.formKey).then(function (existing) {
      var pairs = formPairs(report.form);
      var copy = existing || { userId: userId, formKey: report.formKey, checkId: report.checkId, localId: report.localId };
      copy.fields = pairs;
      copy.savedAt = new Date().toISOString();
      copy.url = location.pathname + location.search;
      copy.label = labelOfPage();
      var version = fieldValue(pairs, 'version');
      if (version !== undefined && version !== '') copy.version = Number(version);
      if (copyPhotos) copy.photos = copyPhotos;
      return core.putCopy(copy).then(function () { document.documentElement.setAttribute('data-typing-kept', ''); });
    });
  }
  function scheduleCopy() {
    clearTimeout(saveTimer);
    // Within a second of each change, without writing on every key press.
    saveTimer = setTimeout(saveCopy, 600);
  }
  function labelOfPage() {
    var heading = document.querySelector('h1');
    return heading ? heading.textContent.trim() : document.title;
  }

  function photoInput() {
    return document.querySelector('[data-upload] input[type="file"]');
  }

  function restoreCopy() {
    if (!report) return Promise.resolve();
    // The server's answer to the form just sent (its errors, or a conflict) already shows what was typed.
    if (document.querySelector('.error-summary, #report-form > .form-alert[role="alert"]')) return Promise.resolve();
    return core.getCopy(userId, report.formKey).then(function (copy) {
      if (!copy || !copy.fields) return;
      restorePairs(report.form, copy.fields);
      copyPhotos = copy.photos || null;
      var input = photoInput();
      if (input && copy.photos && copy.photos.length && window.DataTransfer) {
        try {
          var transfer = new DataTransfer();
          copy.photos.forEach(function (photo) { transfer.items.add(new File([photo.blob], photo.name, { type: photo.type || photo.blob.type })); });
          input.files = transfer.files;
        } catch { /* a browser that cannot set files keeps the photo in the copy */ }
      }
      var discard = el('button', { type: 'button', class: 'secondary outline', 'data-discard-copy': '', text: t('offline.discardCopy') });
      discard.addEventListener('click', function () {
        if (!window.confirm(t('offline.discardConfirm'))) return;
        core.deleteCopy(userId, report.formKey).then(function () {
          if (report.localId) location.assign('/');
          else location.reload();
        });
      });
      say(report.form, t('offline.copyRestored', { time: hhmm(copy.savedAt) }), [discard], true);
    });
  }

  if (report) {
    document.addEventListener('input', function (event) { if (event.target && event.target.form === report.form) scheduleCopy(); });
    document.addEventListener('change', function (event) {
      var target = event.target;
      if (target && target.form === report.form && target.type !== 'file') scheduleCopy();
      if (target && target.type === 'file' && target.closest && target.closest('[data-upload]') && target.files && target.files[0]) {
        var reduce = window.AppPhotos && window.AppPhotos.reduce ? window.AppPhotos.reduce : function (file) { return Promise.resolve(file); };
        reduce(target.files[0]).then(function (file) {
          copyPhotos = [{ blob: file, name: file.name, type: file.type }];
          return saveCopy();
        });
      }
    });
    // "Mark the rest compliant" changes answers without an input event.
    document.addEventListener('click', function (event) {
      if (event.target && event.target.closest && event.target.closest('[data-mark-section]')) scheduleCopy();
    });
    window.addEventListener('pagehide', function () { if (saveTimer) saveCopy(); });
    settled.then(restoreCopy);
  }

  /** Queues the form's save or submission and sends it now if the link allows. */
  function sendReport(intent) {
    var form = report.form;
    var box = noteBox(form);
    return saveCopy().then(function () { return core.getCopy(userId, report.formKey); }).then(function (copy) {
      var pairs = formPairs(form).filter(function (pair) { return pair[0] !== 'intent'; });
      pairs.push(['intent', intent]);
      var version = fieldValue(pairs, 'version');
      var item = { userId: userId, kind: intent === 'submit' ? 'submit' : 'save', formKey: report.formKey, fields: pairs, label: labelOfPage(), copyAt: copy ? copy.savedAt : null };
      if (report.checkId || (copy && copy.checkId)) {
        item.checkId = report.checkId || copy.checkId;
        item.url = '/checks/' + item.checkId;
        item.version = version !== undefined && version !== '' ? Number(version) : copy && copy.version;
      } else {
        item.localId = report.localId;
        item.dependsOn = copy && copy.startSeq;
        item.url = null;
      }
      return core.enqueue(item);
    }).then(function (item) {
      updateCount();
      if (!navigator.onLine) {
        requestSync();
        say(form, t('offline.queued'), [el('a', { href: '/outbox', text: t('offline.outboxTitle') })]);
        return;
      }
      say(form, t('offline.sending'));
      box.setAttribute('aria-busy', 'true');
      return core.flush({ userId: userId }).then(function (result) {
        box.removeAttribute('aria-busy');
        updateCount();
        var answer = result.answers[item.seq];
        if (answer && answer.ok) {
          // A page answer's flash was shown to the fetch, not the person: the next page shows it.
          if (answer.flashHtml && window.sessionStorage) window.sessionStorage.setItem('offline-flash', answer.flashHtml);
          location.assign(answer.location || (answer.id ? '/checks/' + answer.id : '/'));
          return;
        }
        if (!answer) {
          if (result.stopped === 'signIn') {
            say(form, t('offline.signInNeeded'), [el('a', { href: '/login?next=%2Foutbox', role: 'button', text: t('offline.signIn') })]);
          } else {
            requestSync();
            say(form, t('offline.queued'), [el('a', { href: '/outbox', text: t('offline.outboxTitle') })]);
          }
          return;
        }
        if (answer.reason === 'invalid' && report.checkId) {
          // The server's page says what to correct, beside each field: the same form sent as a page, from the
          // version the server now holds if it kept part of it.
          return core.deleteItem(item.seq).then(function () {
            updateCount();
            if (answer.savedInPart && answer.version) form.querySelector('input[name="version"]').value = String(answer.version);
            form.appendChild(el('input', { type: 'hidden', name: 'intent', value: intent }));
            HTMLFormElement.prototype.submit.call(form);
          });
        }
        if (answer.reason === 'conflict') return core.getItem(item.seq).then(function (stored) { return openConflict(stored || item); });
        say(form, answer.message || t('offline.state.failed'), [el('a', { href: '/outbox', text: t('offline.outboxTitle') })]);
        return undefined;
      });
    });
  }

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (event.defaultPrevented || !report || form !== report.form) return;
    var submitter = event.submitter;
    var intent = submitter && submitter.name === 'intent' ? submitter.value : report.localId ? 'save' : null;
    if (!intent) {
      // The other buttons (mark the rest compliant, save and attach, remove a file) are pages of their own;
      // offline they cannot be, and the answers stay in the local copy.
      if (!navigator.onLine) {
        event.preventDefault();
        saveCopy().then(function () { say(form, t('offline.needsConnection')); });
      }
      return;
    }
    event.preventDefault();
    sendReport(intent);
  });

  // ---------------------------------------------------------------- uploads that could not go
  window.OfflinePage = {
    /** A reduced photo for the outbox (from the upload button when there is no connection or the upload failed). */
    queueUpload: function (options) {
      if (!report || !userId) return Promise.reject(new Error('no report'));
      return core.getCopy(userId, report.formKey).then(function (copy) {
        var checkId = report.checkId || (copy && copy.checkId);
        return core.enqueue({
          userId: userId,
          kind: 'attach',
          formKey: report.formKey,
          checkId: checkId,
          localId: report.localId,
          url: checkId ? '/checks/' + checkId + '/attachments' : null,
          dependsOn: checkId ? undefined : copy && copy.startSeq,
          requestKey: options.requestKey,
          file: { blob: options.file, name: options.file.name },
          fields: [],
          label: t('offline.photo', { name: options.file.name }),
        });
      }).then(function (item) {
        copyPhotos = null;
        return saveCopy().then(function () {
          updateCount();
          requestSync();
          return item;
        });
      });
    },
    queuedText: function () { return t('offline.queued'); },
    /** The chosen photo reached the server: the local copy no longer holds it. */
    photoSent: function () {
      copyPhotos = null;
      if (!report) return;
      core.getCopy(userId, report.formKey).then(function (copy) {
        if (copy && copy.photos) { delete copy.photos; return core.putCopy(copy); }
        return undefined;
      });
    },
  };

  // ---------------------------------------------------------------- prepare for offline work
  function showReady(box, prepared) {
    if (!box || !prepared) return;
    box.textContent = '';
    box.appendChild(el('strong', { text: t('offline.ready', { time: hhmm(prepared.at) }) }));
    box.appendChild(el('br'));
    box.appendChild(el('small', { text: t('offline.readyDetail', { rounds: prepared.rounds, venues: prepared.venues, drafts: prepared.drafts }) }));
    box.hidden = false;
  }

  function prepare(button, box) {
    var bundleUrl = '/offline/bundle';
    button.setAttribute('aria-busy', 'true');
    button.disabled = true;
    box.hidden = false;
    box.textContent = t('offline.preparing', { done: 0, total: '…' });
    return fetch(bundleUrl, { credentials: 'same-origin', cache: 'no-store' }).then(function (response) {
      if (!response.ok) throw new Error('bundle ' + response.status);
      return response.json();
    }).then(function (bundle) {
      return core.putBundle(bundle).then(function () { return bundle; });
    }).then(function (bundle) {
      var urls = ['/', '/outbox', '/offline/report'];
      bundle.rounds.forEach(function (round) { urls.push(round.url, round.newReportUrl); });
      bundle.drafts.forEach(function (draft) { urls.push(draft.url); });
      urls = urls.filter(function (url, index) { return urls.indexOf(url) === index; });
      var done = 0;
      return window.caches.open(core.PAGES_CACHE).then(function (cache) {
        return urls.reduce(function (previous, url) {
          return previous.then(function () {
            return fetch(url, { credentials: 'same-origin', cache: 'no-store' }).then(function (response) {
              var landed = new URL(response.url, location.href);
              // Only what was asked for, answered as a page, and never what the server marks as not to be kept.
              if (!response.ok || response.headers.get('X-Offline') === 'never' || landed.pathname !== url || (response.headers.get('content-type') || '').indexOf('text/html') !== 0) return undefined;
              return cache.put(url, response);
            }).then(function () {
              done += 1;
              box.textContent = t('offline.preparing', { done: done, total: urls.length });
            });
          });
        }, Promise.resolve()).then(function () {
          // Pages kept before and no longer part of the work go.
          return cache.keys().then(function (requests) {
            return Promise.all(requests.filter(function (request) { return urls.indexOf(new URL(request.url).pathname) === -1; }).map(function (request) { return cache.delete(request); }));
          });
        });
      }).then(function () {
        var prepared = {
          at: bundle.preparedAt,
          rounds: bundle.rounds.length,
          venues: bundle.rounds.reduce(function (sum, round) { return sum + round.venues.length; }, 0),
          drafts: bundle.drafts.length,
        };
        return Promise.all([core.setMeta('prepared:' + userId, prepared), core.setMeta('pagesOwner', userId)]).then(function () { return prepared; });
      });
    }).then(function (prepared) {
      showReady(box, prepared);
    }, function () {
      box.textContent = t('offline.prepareFailed');
    }).then(function () {
      button.removeAttribute('aria-busy');
      button.disabled = false;
    });
  }

  var prepareButton = document.querySelector('[data-offline-prepare]');
  if (prepareButton && userId) {
    var readyBox = document.querySelector('[data-offline-ready]');
    registered.then(function (ok) {
      if (ok && window.caches) {
        prepareButton.hidden = false;
        prepareButton.addEventListener('click', function () { prepare(prepareButton, readyBox); });
        core.getMeta('prepared:' + userId).then(function (prepared) { showReady(readyBox, prepared); });
      } else if (readyBox) {
        readyBox.textContent = t('offline.unsupported');
        readyBox.hidden = false;
      }
    });
  }

  // ---------------------------------------------------------------- the offline page: what is kept
  var availableList = document.getElementById('offline-available');
  if (availableList && window.caches) {
    Promise.all([whoIsHere(), window.caches.open(core.PAGES_CACHE)]).then(function (both) {
      var id = both[0];
      var cache = both[1];
      return Promise.all([id ? core.getBundle(id) : null, cache.keys(), id ? core.items(id) : []]).then(function (all) {
        var bundle = all[0];
        var kept = all[1].map(function (request) { return new URL(request.url).pathname; });
        var rows = all[2];
        var links = [];
        if (kept.indexOf('/') !== -1) links.push(['/', text['nav.home'] || '/']);
        if (bundle) {
          bundle.rounds.forEach(function (round) {
            if (kept.indexOf(round.url) !== -1) links.push([round.url, round.title]);
            if (kept.indexOf(round.newReportUrl) !== -1) links.push([round.newReportUrl, round.title + ' — ' + (text['checks.new'] || '+')]);
          });
          bundle.drafts.forEach(function (draft) { if (kept.indexOf(draft.url) !== -1) links.push([draft.url, t('offline.reportFor', { venue: draft.venue.name })]); });
        }
        if (kept.indexOf('/outbox') !== -1 || rows.length) links.push(['/outbox', t('offline.outboxTitle') + (rows.length ? ' (' + t('offline.pending', { count: rows.length }) + ')' : '')]);
        var none = document.getElementById('offline-none');
        if (none) none.hidden = links.length > 0;
        links.forEach(function (link) { availableList.appendChild(el('li', {}, [el('a', { href: link[0], text: link[1] })])); });
      });
    });
  }

  // ---------------------------------------------------------------- a report started offline
  var startForm = document.getElementById('start-form');
  if (startForm && userId) {
    var roundMatch = /^\/rounds\/(\d+)\/checks$/.exec(new URL(startForm.action, location.href).pathname);
    var roundId = roundMatch ? Number(roundMatch[1]) : null;
    var localVenues = null;
    core.getBundle(userId).then(function (bundle) {
      var round = bundle && bundle.rounds.find(function (r) { return r.id === roundId; });
      if (!round) return;
      localVenues = round.venues.map(function (venue) { return Object.assign({ key: searchKey(venue.name + ' ' + venue.address) }, venue); });
      if (offline()) enableLocalVenueSearch();
    });
    window.addEventListener('offline', function () { if (localVenues) enableLocalVenueSearch(); });

    var enabled = false;
    var enableLocalVenueSearch = function () {
      if (enabled) return;
      enabled = true;
      var search = document.getElementById('venue-search');
      var results = document.getElementById('venue-results');
      if (!search || !results) return;
      search.setAttribute('placeholder', t('offline.venueSearchLocal', { count: localVenues.length }));
      var render = function () {
        var key = searchKey(search.value);
        var checked = results.querySelector('input[name="venueId"]:checked');
        var found = localVenues.filter(function (venue) { return !key || venue.key.indexOf(key) !== -1; }).slice(0, 30);
        results.textContent = '';
        var list = el('div', { class: 'venue-picker' });
        found.forEach(function (venue) {
          list.appendChild(el('label', {}, [
            el('input', { type: 'radio', name: 'venueId', value: String(venue.id), checked: checked && checked.value === String(venue.id) ? 'checked' : null }),
            ' ', el('strong', { text: venue.name }), ' ', el('small', { text: venue.address + ' · ' + venue.kindLabel }),
          ]));
        });
        results.appendChild(list);
        results.appendChild(el('p', {}, [el('small', { class: 'muted', text: t('offline.venueNotStored') })]));
      };
      search.addEventListener('input', render);
      render();
    };
    // htmx's venue search needs the server: offline, the search above answers instead.
    document.addEventListener('htmx:beforeRequest', function (event) {
      if (localVenues && offline() && event.detail.elt && event.detail.elt.id === 'venue-search') event.preventDefault();
    });
    var searchForm = document.getElementById('venue-search-form');
    if (searchForm) searchForm.addEventListener('submit', function (event) { if (localVenues && offline()) event.preventDefault(); });

    startForm.addEventListener('submit', function (event) {
      if (!localVenues || !offline()) return;
      event.preventDefault();
      var pairs = formPairs(startForm);
      var venueId = Number(fieldValue(pairs, 'venueId'));
      var venue = localVenues.find(function (v) { return v.id === venueId; });
      var date = fieldValue(pairs, 'visitDate') || '';
      var problem = !venue ? document.getElementById('field-venueId') : !/^\d{1,2}\/\d{1,2}\/\d{4}$/.test(date.trim()) ? document.getElementById('field-visitDate') : null;
      if (problem) {
        problem.setAttribute('aria-invalid', 'true');
        problem.focus();
        return;
      }
      var localId = core.uuid();
      var formKey = 'local:' + localId;
      core.enqueue({
        userId: userId,
        kind: 'start',
        formKey: formKey,
        localId: localId,
        url: startForm.action.replace(location.origin, ''),
        fields: pairs.filter(function (pair) { return pair[0] !== 'submissionKey'; }),
        label: venue.name,
      }).then(function (start) {
        return core.putCopy({
          userId: userId,
          formKey: formKey,
          localId: localId,
          roundId: roundId,
          startSeq: start.seq,
          venue: { id: venue.id, name: venue.name, address: venue.address, kind: venue.kind },
          fields: [['visitDate', date.trim()], ['visitTime', fieldValue(pairs, 'visitTime') || '']],
          savedAt: new Date().toISOString(),
          label: venue.name,
        });
      }).then(function () {
        requestSync();
        location.assign('/offline/report?draft=' + encodeURIComponent(localId));
      });
    });
  }

  // ---------------------------------------------------------------- its answers form, built from the checklist kept
  var localRoot = document.getElementById('local-report');
  if (localRoot && userId) {
    var draftId = new URLSearchParams(location.search).get('draft') || '';
    Promise.all([core.getCopy(userId, 'local:' + draftId), core.getBundle(userId)]).then(function (both) {
      var copy = both[0];
      var bundle = both[1];
      if (!copy || !bundle) {
        localRoot.appendChild(el('p', { class: 'notice', text: t('offline.localReportMissing') }));
        return;
      }
      // Created on the server meanwhile and online: its own page is the one to use.
      if (copy.checkId && navigator.onLine) return core.items(userId).then(function (rows) {
        if (!rows.some(function (row) { return row.formKey === copy.formKey; })) location.replace('/checks/' + copy.checkId);
        buildLocalForm(copy, bundle);
      });
      buildLocalForm(copy, bundle);
      return undefined;
    });
  }

  function buildLocalForm(copy, bundle) {
    var checklist = bundle.checklist;
    var items = checklist.items.filter(function (item) { return item.appliesTo === 'all' || item.appliesTo === copy.venue.kind; });
    var form = el('form', { id: 'report-form', method: 'post', action: copy.checkId ? '/checks/' + copy.checkId : '/offline/report', 'data-local-draft': copy.localId, 'data-warn-unsaved': '', novalidate: '' });
    form.appendChild(el('input', { type: 'hidden', name: 'confirmAsked', value: '1' }));
    form.appendChild(el('input', { type: 'hidden', name: 'version', value: copy.version ? String(copy.version) : '' }));
    var field = function (name, label, type) {
      var input = type === 'textarea' ? el('textarea', { id: 'field-' + name, name: name, rows: '3' }) : el('input', { id: 'field-' + name, name: name, type: 'text', inputmode: type === 'number' ? 'numeric' : null });
      return el('label', { for: 'field-' + name }, [label, input]);
    };
    var labels = text;
    form.appendChild(el('fieldset', {}, [
      el('legend', { text: labels['checks.section.visit'] }),
      el('div', { class: 'grid' }, [field('visitDate', labels['checks.field.visitDate']), field('visitTime', labels['checks.field.visitTime'])]),
      el('div', { class: 'grid' }, [field('representativeName', labels['checks.field.representativeName']), field('representativePosition', labels['checks.field.representativePosition'])]),
    ]));
    checklist.categories.forEach(function (category) {
      var inCategory = items.filter(function (item) { return item.category === category.code; });
      if (!inCategory.length) return;
      var set = el('fieldset', { class: 'checklist-category', id: 'section-' + category.code, 'data-section': category.code }, [el('legend', { text: category.code + '. ' + category.name })]);
      inCategory.forEach(function (item) {
        var options = el('div', { class: 'answer-options', role: 'radiogroup', 'aria-labelledby': 'label-' + item.code });
        ['compliant', 'violation', 'not_applicable'].forEach(function (answer) {
          options.appendChild(el('label', { class: 'answer answer-' + answer }, [el('input', { type: 'radio', name: 'answer_' + item.code, value: answer }), ' ', el('span', { text: labels['answer.' + answer] })]));
        });
        set.appendChild(el('div', { class: 'checklist-item', id: 'item-' + item.code, 'data-item': item.code }, [
          el('p', { class: 'item-label', id: 'label-' + item.code }, [el('strong', { text: item.code + '.' }), ' ' + item.text]),
          options,
          el('label', { class: 'item-note' }, [el('span', { class: 'visually-hidden', text: item.code + ': ' + labels['checks.field.note'] }), el('input', { type: 'text', name: 'note_' + item.code, maxlength: '1000', placeholder: labels['checks.field.note'] })]),
        ]));
      });
      form.appendChild(set);
    });
    form.appendChild(el('fieldset', {}, [
      el('legend', { text: labels['checks.section.people'] }),
      el('div', { class: 'grid' }, [field('ownersPresent', labels['checks.field.ownersPresent'], 'number'), field('staffPresent', labels['checks.field.staffPresent'], 'number'), field('staffCounselled', labels['checks.field.staffCounselled'], 'number')]),
      field('materialsGiven', labels['checks.field.materialsGiven'], 'textarea'),
      field('venueComments', labels['checks.field.venueComments'], 'textarea'),
      field('conclusion', labels['checks.field.conclusion'], 'textarea'),
    ]));
    var actions = el('div', { class: 'form-actions sticky-actions' }, [
      el('label', { class: 'confirm-submit', for: 'field-confirmSubmit' }, [el('input', { type: 'checkbox', id: 'field-confirmSubmit', name: 'confirmSubmit', value: '1' }), ' ', el('span', { text: labels['checks.confirmSubmit'] })]),
      el('button', { type: 'submit', name: 'intent', value: 'save', class: 'secondary', text: labels['checks.saveDraft'] }),
      el('button', { type: 'submit', name: 'intent', value: 'submit', class: 'form-submit', 'data-requires-confirm': 'field-confirmSubmit', text: labels['checks.submit'] }),
    ]);
    form.appendChild(actions);
    localRoot.appendChild(el('h1', { text: t('offline.reportFor', { venue: copy.venue.name }) }));
    localRoot.appendChild(el('p', { class: 'notice', text: t('offline.localReportNote') }));
    localRoot.appendChild(form);
    restorePairs(form, copy.fields || []);
    report = { form: form, formKey: copy.formKey, localId: copy.localId, checkId: copy.checkId };
    document.addEventListener('input', function (event) { if (event.target && event.target.form === form) scheduleCopy(); });
    document.addEventListener('change', function (event) { if (event.target && event.target.form === form) scheduleCopy(); });
  }

  // ---------------------------------------------------------------- sign-out: warn, then clear this person's data
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains('logout-form') || !userId || event.defaultPrevented) return;
    event.preventDefault();
    core.items(userId).then(function (rows) {
      if (rows.length) {
        var names = rows.map(function (row) { return kindLabel(row) + (row.label ? ' (' + row.label + ')' : ''); }).join('; ');
        if (!window.confirm(t('offline.logoutWarning', { count: rows.length, items: names }))) return;
      }
      return core.clearUser(userId).catch(function () { /* sign out all the same */ }).then(function () { form.submit(); });
    });
  });

  // ---------------------------------------------------------------- on every page
  var keptFlash = window.sessionStorage ? window.sessionStorage.getItem('offline-flash') : null;
  if (keptFlash) {
    window.sessionStorage.removeItem('offline-flash');
    var main = document.getElementById('main');
    if (main && !document.querySelector('.flash')) {
      var decoder = document.createElement('textarea');
      decoder.innerHTML = keptFlash;
      main.insertBefore(el('p', { class: 'flash', role: 'status', text: decoder.value }), main.firstChild);
    }
  }
  settled.then(function () {
    updateCount();
    renderOutbox();
    if (navigator.onLine && !isCopy) flushNow();
  });
})();
