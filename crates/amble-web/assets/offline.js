// Amble on the phone: logs that cannot be lost or doubled, and the app kept for offline use.
// Progressive enhancement only: without this script every form posts as usual.
//
// Every form[data-queue] is sent with fetch, with a reference of its own (the hidden input
// client_ref). When the server cannot be reached the log is kept on this phone
// (localStorage), counted in #pending, and sent again on the next page load, when the phone
// comes back online, when the page becomes visible, and every 30 seconds while any wait. The
// server stores a reference once, so a log sent twice is stored once.
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
  // or signed out: keep it), "refused" (the server said no to the log itself).
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
      return { kind: "refused", status: resp.status };
    }, function () {
      return { kind: "later" };
    });
  }

  function forget(ref) {
    store(load().filter(function (x) { return !(x && x.ref === ref); }));
  }

  var flushing = false;
  function flush() {
    if (flushing || !account) { return; }
    var waiting = mine(load());
    if (waiting.length === 0) { show(); return; }
    flushing = true;
    var sent = 0;
    var refused = 0;
    var screen = null;
    var next = function (i) {
      if (i >= waiting.length) { return Promise.resolve(); }
      return send(waiting[i]).then(function (r) {
        if (r.kind === "later") { return; }
        forget(waiting[i].ref);
        if (r.kind === "sent") { sent += 1; } else { refused += 1; }
        // A walk with new symptoms leads to the warning-sign screen, as when sent at once.
        if (r.kind === "sent" && new URL(r.url, window.location.href).pathname === "/screen") {
          screen = r.url;
        }
        return next(i + 1);
      });
    };
    next(0).then(function () {
      flushing = false;
      if (screen && window.location.pathname !== "/screen") {
        window.location.assign(screen);
        return;
      }
      var note = "";
      if (sent > 0) { note = sent === 1 ? "1 waiting log was sent." : sent + " waiting logs were sent."; }
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
        ref: input.value,
        at: new Date().toISOString()
      };
      form.setAttribute("data-sending", "1");
      send(item).then(function (r) {
        form.removeAttribute("data-sending");
        if (r.kind === "sent") {
          window.location.assign(r.url);
        } else if (r.kind === "refused") {
          // The server's own answer (every error beside its field): post the form as usual.
          // Nothing was stored, so the same reference goes again.
          HTMLFormElement.prototype.submit.call(form);
        } else {
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

  show();
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
