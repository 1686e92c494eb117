// What the pages and the service worker share for offline work: the phone's database (IndexedDB through idb) and
// the outbox, which sends what was saved on the phone to the server in order, each item once (its request key
// makes a repeat harmless), with the record version the form was loaded with (so nothing is overwritten silently).
(function (scope) {
  'use strict';
  var idb = scope.idb;
  if (!idb || !scope.indexedDB) return;

  var DB_NAME = 'pcmbn-offline';
  var PAGES_CACHE = 'offline-pages';
  var dbPromise = null;

  function open() {
    if (!dbPromise) {
      dbPromise = idb.openDB(DB_NAME, 1, {
        upgrade: function (db) {
          // meta: small named values (who the kept pages belong to, when a person last prepared).
          db.createObjectStore('meta', { keyPath: 'key' });
          // bundles: per person, what /offline/bundle answered (rounds, venues, checklist, drafts).
          db.createObjectStore('bundles', { keyPath: 'userId' });
          // copies: per person and form, every field as typed and the chosen photos, already reduced.
          var copies = db.createObjectStore('copies', { keyPath: 'key' });
          copies.createIndex('userId', 'userId');
          // outbox: what waits to be sent, in the order it was made.
          var outbox = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
          outbox.createIndex('userId', 'userId');
        },
      });
    }
    return dbPromise;
  }

  function uuid() {
    if (scope.crypto && scope.crypto.randomUUID) return scope.crypto.randomUUID();
    var bytes = scope.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
    return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' + hex.slice(16, 20) + '-' + hex.slice(20);
  }

  function getMeta(key) {
    return open().then(function (db) { return db.get('meta', key); }).then(function (row) { return row ? row.value : undefined; });
  }
  function setMeta(key, value) {
    return open().then(function (db) { return db.put('meta', { key: key, value: value }); });
  }

  function copyKey(userId, formKey) { return userId + ':' + formKey; }
  function getCopy(userId, formKey) {
    return open().then(function (db) { return db.get('copies', copyKey(userId, formKey)); });
  }
  function putCopy(copy) {
    copy.key = copyKey(copy.userId, copy.formKey);
    return open().then(function (db) { return db.put('copies', copy); });
  }
  function deleteCopy(userId, formKey) {
    return open().then(function (db) { return db.delete('copies', copyKey(userId, formKey)); });
  }
  function copiesOf(userId) {
    return open().then(function (db) { return db.getAllFromIndex('copies', 'userId', userId); });
  }

  function items(userId) {
    return open().then(function (db) { return db.getAllFromIndex('outbox', 'userId', userId); }).then(function (rows) {
      return rows.sort(function (a, b) { return a.seq - b.seq; });
    });
  }
  function putItem(item) {
    return open().then(function (db) { return db.put('outbox', item); });
  }
  function deleteItem(seq) {
    return open().then(function (db) { return db.delete('outbox', seq); });
  }
  function getItem(seq) {
    return open().then(function (db) { return db.get('outbox', seq); });
  }

  /**
   * Puts an item in the outbox. A save or submission of the same report still waiting replaces the earlier one
   * (each carries the whole form), keeping its place in the order and its base version.
   */
  function enqueue(item) {
    item.requestKey = item.requestKey || uuid();
    item.createdAt = new Date().toISOString();
    item.state = 'queued';
    item.error = null;
    return items(item.userId).then(function (rows) {
      var replaced = (item.kind === 'save' || item.kind === 'submit') && rows.find(function (row) {
        return (row.kind === 'save' || row.kind === 'submit') && row.state === 'queued' && row.formKey === item.formKey;
      });
      if (replaced) {
        item.seq = replaced.seq;
        item.requestKey = uuid();
        if (replaced.dependsOn) item.dependsOn = replaced.dependsOn;
      }
      return putItem(item).then(function (seq) { item.seq = seq; return item; });
    });
  }

  function session() {
    return fetch('/offline/session', { credentials: 'same-origin', cache: 'no-store' }).then(function (response) {
      if (!response.ok) throw new Error('session ' + response.status);
      return response.json();
    });
  }

  /**
   * The server's answer as the contract's JSON. A server answering with pages instead (no JSON for the outbox) is
   * read by status and address: its redirect was followed, so the page's flash message and the form's version
   * are taken from the page itself.
   */
  function readAnswer(response) {
    var type = response.headers.get('content-type') || '';
    if (type.indexOf('application/json') !== -1) {
      return response.json().then(function (body) { body.status = response.status; return body; });
    }
    return response.text().then(function (html) {
      var url = new URL(response.url, scope.location.href);
      var result = { status: response.status };
      if (url.pathname === '/login' || response.status === 401) return Object.assign(result, { ok: false, reason: 'signIn', location: '/login?next=%2Foutbox' });
      var match = /^\/checks\/(\d+)/.exec(url.pathname);
      var version = /name="version" value="(\d+)"/.exec(html);
      var flash = /<p class="flash" role="status">([^<]*)<\/p>/.exec(html);
      if (version) result.version = Number(version[1]);
      if (response.ok) return Object.assign(result, { ok: true, id: match ? Number(match[1]) : undefined, location: url.pathname + url.search, flashHtml: flash ? flash[1] : undefined });
      if (response.status === 409) return Object.assign(result, { ok: false, reason: 'conflict', location: url.pathname, conflictUrl: url.pathname.replace(/\/$/, '') + '/conflict' });
      if (response.status === 422) return Object.assign(result, { ok: false, reason: 'invalid', errors: {}, savedInPart: Boolean(version) });
      if (response.status === 403) return Object.assign(result, { ok: false, reason: 'forbidden' });
      return Object.assign(result, { ok: false, reason: 'server' });
    });
  }

  /** Multipart only with a file; a form without one goes urlencoded, as the page's own form would. */
  function bodyOf(item, token) {
    var data = item.file && item.file.blob ? new FormData() : new URLSearchParams();
    (item.fields || []).forEach(function (pair) {
      if (pair[0] !== '_csrf' && pair[0] !== 'requestKey' && pair[0] !== 'version' && pair[0] !== 'submissionKey') data.append(pair[0], pair[1]);
    });
    data.append('_csrf', token);
    data.append('requestKey', item.requestKey);
    if (item.kind === 'start') data.append('submissionKey', item.requestKey);
    if (item.version !== undefined && item.version !== null) data.append('version', String(item.version));
    if (item.file && item.file.blob) data.append('file', item.file.blob, item.file.name);
    return data;
  }

  function post(item, token) {
    return fetch(item.url, { method: 'POST', body: bodyOf(item, token), credentials: 'same-origin', headers: { 'X-Outbox': '1' } }).then(readAnswer);
  }

  /** A message from the server's answer, for the outbox page. */
  function errorText(answer) {
    if (answer.message) return answer.message;
    if (answer.errors) {
      var texts = [];
      Object.keys(answer.errors).forEach(function (field) { texts = texts.concat(answer.errors[field]); });
      if (texts.length) return texts.join(' ');
    }
    return answer.status ? 'HTTP ' + answer.status : '';
  }

  /** After a successful send: later items of the same report follow from what the server now holds. */
  function afterSuccess(item, answer, rows) {
    var updates = [];
    rows.forEach(function (row) {
      if (row.seq === item.seq || row.state === 'conflict') return;
      var changed = false;
      if (item.kind === 'start' && row.dependsOn === item.seq && answer.id) {
        row.checkId = answer.id;
        row.url = row.kind === 'attach' ? '/checks/' + answer.id + '/attachments' : '/checks/' + answer.id;
        if (row.kind !== 'attach') row.version = answer.version || 1;
        delete row.dependsOn;
        changed = true;
      } else if ((item.kind === 'save' || item.kind === 'submit') && row.formKey === item.formKey && (row.kind === 'save' || row.kind === 'submit') && answer.version && row.version === item.version) {
        row.version = answer.version;
        changed = true;
      }
      if (changed) updates.push(putItem(row));
    });
    return Promise.all(updates).then(function () {
      if (item.kind === 'attach') return undefined;
      // The local copy goes once the server holds it, unless it was typed on after this item was made.
      return getCopy(item.userId, item.formKey).then(function (copy) {
        if (!copy) return undefined;
        if (item.kind === 'start') {
          copy.checkId = answer.id;
          copy.version = answer.version || 1;
          return putCopy(copy);
        }
        if (copy.savedAt && item.copyAt && copy.savedAt > item.copyAt) {
          copy.version = answer.version || copy.version;
          return putCopy(copy);
        }
        return deleteCopy(item.userId, item.formKey);
      });
    });
  }

  var flushing = null;

  /**
   * Sends the signed-in person's outbox, oldest first. Stops at a network failure (everything stays queued) or a
   * finished session (items wait for sign-in); a conflict or a refusal stops only the items of that report.
   * Resolves with { sent: [items with their answers], stopped: reason | null }.
   */
  function flush(options) {
    options = options || {};
    if (flushing) return flushing;
    var run = function () { return flushOnce(options); };
    var locked = scope.navigator && scope.navigator.locks
      ? scope.navigator.locks.request('pcmbn-outbox', run)
      : run();
    flushing = Promise.resolve(locked).finally(function () { flushing = null; });
    return flushing;
  }

  function flushOnce(options) {
    var report = { sent: [], stopped: null, answers: {} };
    return session().catch(function () { return null; }).then(function (who) {
      if (!who) { report.stopped = 'network'; return report; }
      if (!who.signedIn) {
        if (options.userId) return markAll(options.userId, 'signIn').then(function () { report.stopped = 'signIn'; return report; });
        report.stopped = 'signIn';
        return report;
      }
      if (options.userId && options.userId !== who.userId) { report.stopped = 'otherUser'; return report; }
      var token = who.csrfToken;
      return items(who.userId).then(function (rows) {
        var blocked = {};
        var index = 0;
        function next() {
          if (index >= rows.length) return report;
          var item = rows[index++];
          if (item.state === 'conflict' || item.state === 'invalid' || item.state === 'failed') { blocked[item.formKey] = true; return next(); }
          if (blocked[item.formKey] || item.dependsOn) return next();
          return sendOne(item, token, rows, report).then(function (outcome) {
            if (outcome === 'network' || outcome === 'signIn') { report.stopped = outcome; return report; }
            if (outcome !== 'ok') blocked[item.formKey] = true;
            return next();
          });
        }
        return next();
      });
    });
  }

  function markAll(userId, state) {
    return items(userId).then(function (rows) {
      return Promise.all(rows.filter(function (row) { return row.state === 'queued' || row.state === 'sending' || row.state === 'signIn'; }).map(function (row) {
        row.state = state;
        return putItem(row);
      }));
    });
  }

  function sendOne(item, token, rows, report, retried) {
    item.state = 'sending';
    return putItem(item).then(function () { return post(item, token); }).then(function (answer) {
      report.answers[item.seq] = answer;
      if (answer.ok) {
        report.sent.push({ item: item, answer: answer });
        return deleteItem(item.seq).then(function () { return afterSuccess(item, answer, rows); }).then(function () { return 'ok'; });
      }
      if (answer.reason === 'csrf' && !retried) {
        return session().then(function (who) { return sendOne(item, who.csrfToken, rows, report, true); });
      }
      if (answer.reason === 'signIn') {
        item.state = 'queued';
        return putItem(item).then(function () { return markAll(item.userId, 'signIn'); }).then(function () { return 'signIn'; });
      }
      item.state = answer.reason === 'conflict' ? 'conflict' : answer.reason === 'invalid' ? 'invalid' : 'failed';
      item.error = errorText(answer);
      item.answer = { reason: answer.reason, location: answer.location, conflictUrl: answer.conflictUrl, version: answer.version, savedInPart: answer.savedInPart };
      // A save refused but kept in part moved the record on: a later send of this form starts from there.
      if (answer.savedInPart && answer.version) item.version = answer.version;
      return putItem(item).then(function () { return answer.reason; });
    }, function () {
      item.state = 'queued';
      item.error = null;
      return putItem(item).then(function () { return 'network'; });
    });
  }

  /** Everything this phone holds for a person (at sign-out): outbox, copies, bundle, and the pages kept for them. */
  function clearUser(userId) {
    return open().then(function (db) {
      var tx = db.transaction(['outbox', 'copies', 'bundles', 'meta'], 'readwrite');
      var work = [
        tx.objectStore('outbox').index('userId').getAllKeys(userId).then(function (keys) { return Promise.all(keys.map(function (key) { return tx.objectStore('outbox').delete(key); })); }),
        tx.objectStore('copies').index('userId').getAllKeys(userId).then(function (keys) { return Promise.all(keys.map(function (key) { return tx.objectStore('copies').delete(key); })); }),
        tx.objectStore('bundles').delete(userId),
        tx.objectStore('meta').delete('prepared:' + userId),
        tx.objectStore('meta').delete('pagesOwner'),
        tx.objectStore('meta').delete('currentUser'),
      ];
      return Promise.all(work.concat([tx.done]));
    }).then(function () {
      return scope.caches ? scope.caches.delete(PAGES_CACHE) : undefined;
    });
  }

  scope.OfflineCore = {
    PAGES_CACHE: PAGES_CACHE,
    open: open,
    uuid: uuid,
    getMeta: getMeta,
    setMeta: setMeta,
    getCopy: getCopy,
    putCopy: putCopy,
    deleteCopy: deleteCopy,
    copiesOf: copiesOf,
    items: items,
    getItem: getItem,
    putItem: putItem,
    deleteItem: deleteItem,
    enqueue: enqueue,
    flush: flush,
    session: session,
    clearUser: clearUser,
    getBundle: function (userId) { return open().then(function (db) { return db.get('bundles', userId); }); },
    putBundle: function (bundle) { return open().then(function (db) { return db.put('bundles', bundle); }); },
  };
})(self);
