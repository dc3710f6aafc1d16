// Amble's service worker: keeps the app's shell (styles, scripts, icons), today's page, the
// walk and the log pages for offline use. Pages are kept per account and never shown to
// another: every page names its account (header X-Amble-Account); when another account, or
// nobody, answers, the pages of every other account are forgotten. Logs are never sent from
// here: only GET requests are answered, and posts go to the network (the page keeps a failed
// one, see offline.js).
"use strict";

var SHELL = "amble-shell-2";
var SHELL_FILES = [
  "/assets/app.css",
  "/assets/offline.js",
  "/assets/timer.js",
  "/assets/walk.js",
  "/assets/walk.css",
  "/assets/icon-192.png",
  "/assets/icon-512.png",
  "/assets/icon-maskable-512.png",
  "/favicon.ico",
  "/manifest.webmanifest"
];
// Pages kept for offline use (for the account that saw them).
var KEPT = ["/", "/today", "/walk", "/log/walk", "/log/morning", "/log/exercise"];
var PAGES = "amble-pages-";
// The guided walk's audio tracks (no personal data: only the session's lengths), the latest few.
var TRACKS = "amble-tracks";
var TRACKS_KEPT = 3;
var ACCOUNT = "amble-account";

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (c) {
    return c.addAll(SHELL_FILES);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return n.indexOf("amble-shell-") === 0 && n !== SHELL;
    }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function current() {
  return caches.open(ACCOUNT).then(function (c) {
    return c.match("/account");
  }).then(function (r) { return r ? r.text() : ""; });
}

// Records who is signed in now; forgets every other account's pages.
function remember(account) {
  return current().then(function (before) {
    var keep = account === "none" ? "" : PAGES + account;
    var forget = caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) {
        return n.indexOf(PAGES) === 0 && n !== keep;
      }).map(function (n) { return caches.delete(n); }));
    });
    if (before === account) { return forget; }
    return forget.then(function () {
      return caches.open(ACCOUNT);
    }).then(function (c) {
      return c.put("/account", new Response(account));
    });
  });
}

function kept(url) {
  return url.origin === self.location.origin && KEPT.indexOf(url.pathname) >= 0 &&
    !url.searchParams.has("saved") && !url.searchParams.has("after");
}

// The other kept pages, fetched for this account when they are not kept yet.
function warm(account, search) {
  return caches.open(PAGES + account).then(function (c) {
    return Promise.all(KEPT.map(function (path) {
      var key = path + search;
      return c.match(key).then(function (hit) {
        if (hit) { return; }
        return fetch(key, { credentials: "same-origin" }).then(function (resp) {
          if (resp.ok && resp.headers.get("x-amble-account") === account) {
            return c.put(key, resp);
          }
        }).catch(function () {});
      });
    }));
  });
}

function offlinePage() {
  var html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">" +
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
    "<title>Offline - Amble</title><link rel=\"stylesheet\" href=\"/assets/app.css\"></head>" +
    "<body><main id=\"main\"><h1>You are offline</h1><p>This page was not kept on this phone. " +
    "<a href=\"/today\">Today</a>, <a href=\"/walk\">the walk</a> and the log pages are kept " +
    "once you have opened them while online; logs you save wait on the phone until Amble can " +
    "be reached.</p></main></body></html>";
  return new Response(html, {
    status: 503,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": "default-src 'self'; script-src 'none'"
    }
  });
}

function page(event) {
  var req = event.request;
  var url = new URL(req.url);
  return fetch(req).then(function (resp) {
    if (resp.type === "opaqueredirect") { return resp; }
    var account = resp.headers.get("x-amble-account");
    if (!account) { return resp; }
    var work = remember(account);
    if (account !== "none" && resp.ok && kept(url)) {
      var copy = resp.clone();
      work = work.then(function () {
        return caches.open(PAGES + account);
      }).then(function (c) {
        return c.put(url.pathname + url.search, copy);
      }).then(function () {
        return warm(account, url.search);
      });
    }
    event.waitUntil(work.catch(function () {}));
    return resp;
  }, function () {
    return current().then(function (account) {
      if (!account || account === "none") { return undefined; }
      return caches.open(PAGES + account).then(function (c) {
        return c.match(url.pathname + url.search).then(function (hit) {
          return hit || c.match(url.pathname);
        });
      });
    }).then(function (hit) { return hit || offlinePage(); });
  });
}

// A part of a kept track, as the audio element asks for it ("Range: bytes=START-END").
function ranged(full, range) {
  var m = /^bytes=(\d*)-(\d*)$/.exec(range || "");
  if (!m) { return full; }
  return full.arrayBuffer().then(function (buf) {
    var total = buf.byteLength;
    var start = m[1] === "" ? Math.max(0, total - Number(m[2])) : Number(m[1]);
    var end = m[1] !== "" && m[2] !== "" ? Math.min(Number(m[2]), total - 1) : total - 1;
    if (!(start <= end) || start >= total) {
      return new Response(null, { status: 416, headers: { "Content-Range": "bytes */" + total } });
    }
    return new Response(buf.slice(start, end + 1), {
      status: 206,
      headers: {
        "Content-Type": "audio/mpeg",
        "Accept-Ranges": "bytes",
        "Content-Range": "bytes " + start + "-" + end + "/" + total
      }
    });
  });
}

// The walk's track: the whole file is kept the first time (a full request, whatever part the
// player asked for), so that a walk started offline still has its cues.
function track(req, url) {
  var key = url.pathname + url.search;
  var range = req.headers.get("range");
  return caches.open(TRACKS).then(function (c) {
    return c.match(key).then(function (hit) {
      if (hit) { return ranged(hit, range); }
      return fetch(key, { credentials: "same-origin" }).then(function (resp) {
        if (resp.status !== 200) { return resp; }
        return c.put(key, resp.clone()).then(function () {
          return c.keys();
        }).then(function (keys) {
          return Promise.all(keys.slice(0, Math.max(0, keys.length - TRACKS_KEPT)).map(function (k) {
            return c.delete(k);
          }));
        }).then(function () { return ranged(resp, range); });
      });
    });
  }).catch(function () { return fetch(req); });
}

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") { return; }
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) { return; }
  if (req.mode === "navigate") {
    event.respondWith(page(event));
    return;
  }
  if (url.pathname === "/walk/track.mp3") {
    event.respondWith(track(req, url));
    return;
  }
  if (SHELL_FILES.indexOf(url.pathname) >= 0) {
    // The shell: the network first (so an update shows at once), the kept copy offline.
    event.respondWith(fetch(req).then(function (resp) {
      if (resp.ok) {
        var copy = resp.clone();
        event.waitUntil(caches.open(SHELL).then(function (c) { return c.put(url.pathname, copy); }));
      }
      return resp;
    }, function () {
      return caches.match(url.pathname, { cacheName: SHELL }).then(function (hit) {
        return hit || Response.error();
      });
    }));
  }
});
