// The service worker (loaded by /sw.js, which sets OFFLINE_CONFIG and imports Workbox, idb and offline-core.js).
// It keeps the app's static files (content-hashed names) and the offline page; pages are kept only by "prepare"
// on the page, in their own cache, and are answered from there only when the network fails. By itself it stores
// only a draft report form the server marks `X-Offline: keep`, on a phone already prepared; whatever else the
// network answers goes to the page and nowhere else.
/* global workbox */
(function () {
  'use strict';
  var config = self.OFFLINE_CONFIG;
  workbox.setConfig({ modulePathPrefix: config.workboxPath, debug: false });

  workbox.core.setCacheNameDetails({ prefix: 'pcmbn' });
  self.skipWaiting();
  workbox.core.clientsClaim();

  var entries = config.precache.map(function (url) { return { url: url, revision: null }; });
  entries.push({ url: config.offlinePage, revision: config.offlinePageRevision });
  // A page kept before the app was updated names the static files of its time: they are answered with today's
  // file of the same name (its hash left out), so the kept page still has its styles and scripts offline.
  var HASHED = /\.[0-9a-f]{8}(\.[a-z0-9]+)$/;
  var currentByName = {};
  config.precache.forEach(function (url) { currentByName[url.replace(HASHED, '$1')] = url; });
  workbox.precaching.precacheAndRoute(entries, {
    ignoreURLParametersMatching: [/.*/],
    urlManipulation: function (options) {
      var current = currentByName[options.url.pathname.replace(HASHED, '$1')];
      return current ? [new URL(current, options.url.origin)] : [];
    },
  });
  workbox.precaching.cleanupOutdatedCaches();

  // Pages kept with their query string ignored: shells that read what they show from the phone's database.
  var SHELLS = ['/outbox', '/offline/report'];

  /** A kept page, marked so the page shows it is a copy (and since when). */
  function markAsCopy(response) {
    return response.text().then(function (html) {
      var kept = response.headers.get('date') || '';
      var marked = html.replace('<html ', '<html data-offline-copy="' + kept.replace(/"/g, '') + '" ');
      return new Response(marked, { status: 200, headers: response.headers });
    });
  }

  function keptPage(request) {
    var url = new URL(request.url);
    // Looked up without opening the cache, which would make an empty one (a phone never prepared stays so).
    return caches.has(self.OfflineCore.PAGES_CACHE).then(function (prepared) {
      return prepared ? caches.open(self.OfflineCore.PAGES_CACHE) : null;
    }).then(function (cache) {
      if (!cache) return undefined;
      return cache.match(url.pathname + url.search, { ignoreVary: true }).then(function (found) {
        if (found || SHELLS.indexOf(url.pathname) === -1) return found;
        return cache.match(url.pathname, { ignoreSearch: true, ignoreVary: true });
      });
    });
  }

  // Pages: the network always first; when it fails, the page kept by "prepare", else the offline page.
  workbox.routing.registerRoute(
    function (options) { return options.request.mode === 'navigate'; },
    function (options) {
      var request = options.request;
      var network = fetch(request).then(function (response) {
        // A draft report form the server marks "keep", opened after "prepare": kept too, so a report started
        // later still opens offline. Only on a phone already prepared (its pages cache exists).
        if (request.method === 'GET' && response.ok && response.headers.get('X-Offline') === 'keep') {
          var copy = response.clone();
          caches.has(self.OfflineCore.PAGES_CACHE).then(function (prepared) {
            if (!prepared) return undefined;
            var url = new URL(request.url);
            return caches.open(self.OfflineCore.PAGES_CACHE).then(function (cache) { return cache.put(url.pathname + url.search, copy); });
          });
        }
        return response;
      });
      function offline() {
        return keptPage(request).then(function (found) {
          if (found) return markAsCopy(found);
          return workbox.precaching.matchPrecache(config.offlinePage).then(function (fallback) {
            return fallback || Response.error();
          });
        });
      }
      if (request.method !== 'GET') return network.catch(offline);
      // A link that is up but carries nothing never fails: after 10 s a kept page is shown instead (a page not
      // kept goes on waiting for the network).
      return keptPage(request).then(function (found) {
        if (!found) return network.catch(offline);
        return new Promise(function (resolve) {
          var answered = false;
          function answer(response) {
            if (answered) return;
            answered = true;
            clearTimeout(timer);
            resolve(response || markAsCopy(found));
          }
          var timer = setTimeout(function () { answer(null); }, 10000);
          network.then(answer, function () { answer(null); });
        });
      });
    },
  );

  // Background Sync (where the browser has it): the outbox is sent when the connection returns, even with no
  // page open. A failed round is retried by the browser later.
  self.addEventListener('sync', function (event) {
    if (event.tag !== 'outbox' || !self.OfflineCore) return;
    event.waitUntil(
      self.OfflineCore.flush().then(function (report) {
        return self.clients.matchAll({ type: 'window' }).then(function (clients) {
          clients.forEach(function (client) { client.postMessage({ type: 'outbox-flushed', sent: report.sent.length, stopped: report.stopped }); });
          if (report.stopped === 'network') throw new Error('offline');
        });
      }),
    );
  });
})();
