// Amble on the phone: logs that cannot be lost or doubled, and the app kept for offline use.
// Progressive enhancement only: without this script every form posts as usual.
//
// Every form[data-queue] is sent with fetch, with a reference of its own (the hidden input
// client_ref). When the server cannot be reached the log is kept on this phone
// (localStorage), counted in #pending, and sent again on the next page load, when the phone
// comes back online, when the page becomes visible, and every 30 seconds while any wait. The
// server stores a reference once, so a log sent twice is stored once. A morning score kept
// here also says which score for its date this page saw (seen), so that sent later it never
// replaces a score saved after it was made: the server answers 409 with both values and a
// choice, shown here instead of "sent".
(function () {
  "use strict";
  var KEY = "amble.pending";
  var body = document.body;
  var account = (body && body.getAttribute("data-account")) || "";

  function load() {
    try {
      var list = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) {
      return [];
    }
  }

  function store(list) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(list));
      return true;
    } catch (e) {
      return false;
    }
  }

  function mine(list) {
    return list.filter(function (x) { return x && x.account === account; });
  }

  function newRef() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return (b < 16 ? "0" : "") + b.toString(16);
    }).join("");
  }

  function show(note) {
    var el = document.getElementById("pending");
    if (!el) { return; }
    var n = account ? mine(load()).length : 0;
    el.setAttribute("data-count", String(n));
    var text = n === 0 ? "" : n === 1
      ? "1 log is waiting on this phone to be sent."
      : n + " logs are waiting on this phone to be sent.";
    if (note) { text = note + (text ? " " + text : ""); }
    el.textContent = text;
    el.hidden = text === "";
  }

  // "sent" (stored now or before: follow the answer), "later" (unreachable, server trouble,
  // or signed out: keep it), "conflict" (a morning score saved after this one was made: the
  // server's page with both values), "refused" (the server said no to the log itself).
  function send(item) {
    return window.fetch(item.action, {
      method: "POST",
      body: item.body,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (resp) {
      var path = new URL(resp.url, window.location.href).pathname;
      if (path === "/login") { return { kind: "later" }; }
      if (resp.ok) { return { kind: "sent", url: resp.url }; }
      if (resp.status >= 500 || resp.status === 408 || resp.status === 429) {
        return { kind: "later" };
      }
      if (resp.status === 409) {
        return resp.text().then(function (html) {
          return { kind: "conflict", html: html };
        }, function () {
          return { kind: "refused", status: resp.status };
        });
      }
      return { kind: "refused", status: resp.status };
    }, function () {
      return { kind: "later" };
    });
  }

  // What a morning form saw for the date of the log kept now (data-kept: {date: revision} of
  // the scores kept when the page was made, from data-kept-from on): the revision, "none", or
  // "unknown" for an older date. Added to the log's fields as seen.
  function withSeen(form, body) {
    var kept = form.getAttribute("data-kept");
    if (kept === null) { return body; }
    var params = new URLSearchParams(body);
    var date = params.get("date");
    if (!date) {
      var input = form.querySelector("input[name=date]");
      date = (input && input.getAttribute("max")) || "";
    }
    var map = {};
    try { map = JSON.parse(kept) || {}; } catch (e) { map = {}; }
    var from = form.getAttribute("data-kept-from") || "";
    var seen = Object.prototype.hasOwnProperty.call(map, date) ? String(map[date])
      : (from && date && date >= from ? "none" : "unknown");
    params.set("seen", seen);
    return params.toString();
  }

  // A waiting morning score that met a score saved after it was made: the server's words and
  // choice (#conflict of its answer, as HTML), or null.
  function conflictBlock(html) {
    try {
      var found = new DOMParser().parseFromString(html, "text/html").getElementById("conflict");
      return found ? found.outerHTML : null;
    } catch (e) {
      return null;
    }
  }

  // Shows a conflict block under #pending.
  function showConflict(block) {
    var found = null;
    try {
      found = new DOMParser().parseFromString(block, "text/html").getElementById("conflict");
    } catch (e) {
      found = null;
    }
    if (!found) { return false; }
    var box = document.getElementById("conflicts");
    if (!box) {
      box = document.createElement("section");
      box.id = "conflicts";
      var pending = document.getElementById("pending");
      var main = document.querySelector("main");
      if (window.location.pathname === "/screen" && main) {
        // The warning-sign questions come first: the choice waits at the end of the page.
        main.appendChild(box);
      } else if (pending && pending.parentNode) {
        pending.parentNode.insertBefore(box, pending.nextSibling);
      } else {
        (main || document.body).prepend(box);
      }
    }
    var node = document.importNode(found, true);
    node.removeAttribute("id");
    node.classList.add("conflict");
    box.appendChild(node);
    return true;
  }

  function forget(ref) {
    store(load().filter(function (x) { return !(x && x.ref === ref); }));
  }

  // Conflicts met just before the waiting logs led to the warning-sign screen travel there
  // (sessionStorage), so the person is told on the next page.
  var CARRIED = "amble.conflicts";
  var carriedNote = "";

  function showCarried() {
    var carried = null;
    try {
      carried = JSON.parse(window.sessionStorage.getItem(CARRIED) || "null");
      window.sessionStorage.removeItem(CARRIED);
    } catch (e) {
      carried = null;
    }
    if (!carried || !Array.isArray(carried.blocks)) { return; }
    carried.blocks.forEach(function (b) { showConflict(String(b)); });
    carriedNote = String(carried.note || "");
  }

  var flushing = false;
  function flush() {
    if (flushing || !account) { return; }
    var waiting = mine(load());
    if (waiting.length === 0) { show(carriedNote); return; }
    flushing = true;
    var sent = 0;
    var refused = 0;
    var blocks = [];
    var replaced = [];
    var screen = null;
    var next = function (i) {
      if (i >= waiting.length) { return Promise.resolve(); }
      return send(waiting[i]).then(function (r) {
        if (r.kind === "later") { return; }
        forget(waiting[i].ref);
        if (r.kind === "sent") {
          sent += 1;
          // A morning score that replaced the one kept for its date (which it saw): say so.
          var was = new URL(r.url, window.location.href).searchParams.get("replaced");
          if (was !== null) { replaced.push(was); }
        } else if (r.kind === "conflict" && conflictBlock(r.html)) {
          blocks.push(conflictBlock(r.html));
        } else {
          refused += 1;
        }
        // A walk with new symptoms leads to the warning-sign screen, as when sent at once.
        if (r.kind === "sent" && new URL(r.url, window.location.href).pathname === "/screen") {
          screen = r.url;
        }
        return next(i + 1);
      });
    };
    next(0).then(function () {
      flushing = false;
      var conflicts = blocks.length;
      var told = conflicts === 0 ? "" : conflicts === 1
        ? "1 waiting morning score was not saved: a score for that date was saved after it was made (below, choose which to keep)."
        : conflicts + " waiting morning scores were not saved: scores for those dates were saved after they were made (below, choose which to keep).";
      if (screen && window.location.pathname !== "/screen") {
        if (conflicts > 0) {
          try {
            window.sessionStorage.setItem(CARRIED, JSON.stringify({ note: told, blocks: blocks }));
          } catch (e) { /* the screen comes first */ }
        }
        window.location.assign(screen);
        return;
      }
      blocks.forEach(showConflict);
      var note = "";
      if (sent > 0) { note = sent === 1 ? "1 waiting log was sent." : sent + " waiting logs were sent."; }
      if (replaced.length > 0) {
        note += (note ? " " : "") + "It replaced the morning score " +
          replaced.map(function (w) { return w + "/10"; }).join(", ") +
          " kept for " + (replaced.length === 1 ? "that date" : "those dates") + ".";
      }
      if (told) { note += (note ? " " : "") + told; }
      if (refused > 0) { note += (note ? " " : "") + refused + " could not be stored (the server refused it)."; }
      show(note);
    });
  }

  function fresh(form) {
    var input = form.querySelector("input[name=client_ref]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "client_ref";
      form.appendChild(input);
    }
    if (!input.value) { input.value = newRef(); }
    return input;
  }

  function queueForm(form) {
    fresh(form);
    form.addEventListener("submit", function (ev) {
      if (form.getAttribute("data-sending") === "1") { ev.preventDefault(); return; }
      ev.preventDefault();
      var input = fresh(form);
      var item = {
        account: account,
        action: form.getAttribute("action") || (window.location.pathname + window.location.search),
        body: new URLSearchParams(new FormData(form)).toString(),
        // The fields as sent at once; a log kept for later also says what it saw (seen).
        ref: input.value,
        at: new Date().toISOString()
      };
      form.setAttribute("data-sending", "1");
      send(item).then(function (r) {
        form.removeAttribute("data-sending");
        if (r.kind === "sent") {
          window.location.assign(r.url);
        } else if (r.kind === "refused" || r.kind === "conflict") {
          // The server's own answer (every error beside its field): post the form as usual.
          // Nothing was stored, so the same reference goes again.
          HTMLFormElement.prototype.submit.call(form);
        } else {
          item.body = withSeen(form, item.body);
          var list = load();
          list.push(item);
          if (!store(list)) {
            show("This phone could not keep the log: please try again when Amble can be reached.");
            return;
          }
          // A clean form, so that the same walk is not saved twice by a second tap.
          form.reset();
          input.value = newRef();
          show("Amble cannot be reached just now, so your log is kept on this phone.");
          var el = document.getElementById("pending");
          if (el) { el.scrollIntoView({ block: "nearest" }); }
        }
      });
    });
  }

  function forgetPages() {
    if (!window.caches) { return Promise.resolve(); }
    return window.caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) {
        return n.indexOf("amble-pages-") === 0 || n === "amble-account";
      }).map(function (n) { return window.caches.delete(n); }));
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-queue]"), queueForm);
  // Signing out forgets the pages kept for offline use before leaving.
  Array.prototype.forEach.call(document.querySelectorAll("form.signout"), function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var go = function () { HTMLFormElement.prototype.submit.call(form); };
      forgetPages().then(go, go);
    });
  });

  showCarried();
  show(carriedNote);
  flush();
  window.addEventListener("online", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { flush(); }
  });
  window.setInterval(function () {
    if (mine(load()).length > 0) { flush(); }
  }, 30000);

  // The app kept for offline use: only on secure contexts (https, or this computer).
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  }
})();
