// Amble guided walk (/walk, docs/web.md). Without this script the page is a walk log form.
//
// The phase always comes from the clock: elapsed = Date.now() - startedAt - time paused, so a
// hidden page, a throttled timer or a reload never loses time. The walk under way is kept in
// localStorage and offered back (#walk-resume) for 3 hours after its last change. Cues: a
// vibration always; while the audio track plays it speaks the cues itself (also with the
// screen locked), otherwise the page beeps and speaks them.
(function () {
  "use strict";
  var KEY = "amble-walk";
  var OFFER_MS = 3 * 60 * 60 * 1000;
  var WORDS = {
    start: "Start walking, at an easy pace.",
    rest: "Time to rest. Sit down, or lean forward.",
    again: "Walk again, at an easy pace.",
    done: "Walk finished. Well done.",
    between: "That walk is done. Take the next one later today."
  };
  function $(id) { return document.getElementById(id); }
  var dataEl = $("walk-plan");
  var form = $("walk-log");
  if (!dataEl || !form) { return; }
  var pagePlan;
  try { pagePlan = JSON.parse(dataEl.textContent); } catch (e) { return; }
  if (!pagePlan || !Array.isArray(pagePlan.segments) || pagePlan.segments.length === 0) { return; }

  var phaseEl = $("walk-phase"), nameEl = $("walk-phase-name"), clockEl = $("walk-clock");
  var nextEl = $("walk-next"), startBtn = $("walk-start"), pauseBtn = $("walk-pause");
  var finishBtn = $("walk-finish"), resumeBox = $("walk-resume"), resumeText = $("walk-resume-text");
  var painBox = $("walk-pain-before"), audio = $("walk-audio");
  var refInput = form.querySelector("input[name=client_ref]");
  var minutesInput = form.querySelector("input[name=minutes]");
  var boutsInput = form.querySelector("input[name=bouts]");
  var dateInput = form.querySelector("input[name=date]");

  var readyNext = nextEl.textContent;
  var plan = pagePlan;
  var state = null;   // the walk under way, as stored
  var awake = false;  // after a tap: sound unlocked, wake lock asked for
  var offering = false;
  var actx = null, lock = null;

  function now() { return Date.now(); }
  function save() {
    if (!state) { return; }
    state.touched = now();
    try { localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }
  function forget() {
    state = null;
    try { localStorage.removeItem(KEY); } catch (e) { /* private mode */ }
  }
  function localDate(ms) {
    var d = new Date(ms);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate());
  }
  function stored() {
    var s;
    try { s = JSON.parse(localStorage.getItem(KEY) || "null"); } catch (e) { return null; }
    if (!s || s.v !== 1 || !s.plan || !Array.isArray(s.plan.segments) || typeof s.startedAt !== "number") { return null; }
    var fresh = now() - s.touched < OFFER_MS;
    var waiting = s.held && localDate(now()) === s.plan.date;
    return fresh || waiting ? s : null;
  }
  function newRef() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var a = new Uint8Array(16), out = "";
    if (window.crypto && crypto.getRandomValues) { crypto.getRandomValues(a); }
    else { for (var i = 0; i < 16; i++) { a[i] = Math.floor(Math.random() * 256); } }
    for (var j = 0; j < 16; j++) { out += (a[j] < 16 ? "0" : "") + a[j].toString(16); }
    return out;
  }

  // Where the clock says we are.
  function segs() { return plan.segments; }
  function totalMs() { return segs().reduce(function (t, s) { return t + s.seconds * 1000; }, 0); }
  function startOf(i) {
    var t = 0;
    for (var k = 0; k < i && k < segs().length; k++) { t += segs()[k].seconds * 1000; }
    return t;
  }
  function elapsed() {
    var t = (state.pausedAt !== null ? state.pausedAt : now()) - state.startedAt - state.pausedMs;
    return Math.min(Math.max(0, t), totalMs());
  }
  function locate(t) {
    var acc = 0;
    for (var i = 0; i < segs().length; i++) {
      var len = segs()[i].seconds * 1000;
      if (t < acc + len) { return { i: i, from: acc, to: acc + len }; }
      acc += len;
    }
    return { i: segs().length, from: acc, to: acc };
  }
  function walkedMs(t) {
    var acc = 0, walked = 0, bouts = 0;
    segs().forEach(function (s) {
      var len = s.seconds * 1000;
      if (s.kind === "walk" && t > acc) { walked += Math.min(len, t - acc); bouts += 1; }
      acc += len;
    });
    return { ms: walked, bouts: Math.max(1, bouts) };
  }
  function walkNumber(i) {
    var n = 0, all = 0;
    segs().forEach(function (s, k) { if (s.kind === "walk") { all += 1; if (k <= i) { n += 1; } } });
    return { n: n, all: all };
  }
  function mmss(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    var m = Math.floor(s / 60);
    s -= m * 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }
  function minutesText(ms) {
    var m = Math.round(ms / 6000) / 10;
    return m + (m === 1 ? " minute" : " minutes");
  }

  // Sound, speech, vibration, the screen.
  function unlock() {
    awake = true;
    try {
      var AC = window.AudioContext || window.webkitAudioContext;
      if (AC && !actx) { actx = new AC(); }
      if (actx && actx.state === "suspended") { actx.resume(); }
    } catch (e) { actx = null; }
    try {
      if (window.speechSynthesis && window.SpeechSynthesisUtterance) {
        var u = new SpeechSynthesisUtterance(" ");
        u.volume = 0;
        speechSynthesis.speak(u);
      }
    } catch (e) { /* no speech */ }
    keepAwake();
    mediaSession();
  }
  function keepAwake() {
    if (!awake || !navigator.wakeLock || document.visibilityState !== "visible") { return; }
    if (lock && !lock.released) { return; }
    navigator.wakeLock.request("screen").then(function (l) { lock = l; }).catch(function () { lock = null; });
  }
  function letSleep() {
    if (lock && !lock.released) { lock.release().catch(function () {}); }
    lock = null;
  }
  function trackPlaying() {
    return audio && audio.getAttribute("src") && !audio.paused && !audio.ended && audio.readyState >= 2;
  }
  function beep() {
    if (!actx) { return; }
    try {
      var o = actx.createOscillator(), g = actx.createGain(), t = actx.currentTime;
      o.frequency.value = 880;
      g.gain.setValueAtTime(0.0001, t);
      g.gain.exponentialRampToValueAtTime(0.5, t + 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, t + 0.3);
      o.connect(g); g.connect(actx.destination);
      o.start(t); o.stop(t + 0.32);
    } catch (e) { /* no sound */ }
  }
  function speak(words) {
    try {
      if (!window.speechSynthesis || !window.SpeechSynthesisUtterance) { return; }
      speechSynthesis.cancel();
      speechSynthesis.speak(new SpeechSynthesisUtterance(words));
    } catch (e) { /* no speech */ }
  }
  function cue(kind) {
    phaseEl.setAttribute("data-cue", kind);
    if (!awake) { return; }
    try { if (navigator.vibrate) { navigator.vibrate(kind === "done" ? [300, 150, 300, 150, 300] : [400, 150, 400]); } } catch (e) { /* none */ }
    // Which of the two said it, for tests and for anyone inspecting the page.
    phaseEl.setAttribute("data-cue-by", trackPlaying() ? "track" : "page");
    if (trackPlaying()) { return; }
    beep();
    speak(WORDS[kind]);
  }

  // The audio track: the current walk's (separate walks) or the whole session's.
  function trackIndex() { return plan.separate_walks ? state.walkIdx : 0; }
  function syncAudio(running, t) {
    if (!audio || !awake || !Array.isArray(plan.tracks)) { return; }
    if (!running) {
      if (!audio.paused) { audio.pause(); }
      if (navigator.mediaSession) { navigator.mediaSession.playbackState = "paused"; }
      return;
    }
    var spec = plan.tracks[trackIndex()];
    if (!spec) { return; }
    var src = "/walk/track.mp3?plan=" + encodeURIComponent(spec);
    var want = (t - (plan.separate_walks ? startOf(state.walkIdx) : 0)) / 1000;
    if (audio.getAttribute("src") !== src) { audio.setAttribute("src", src); }
    if (audio.paused) {
      try { audio.currentTime = want; } catch (e) { /* not seekable yet */ }
      var p = audio.play();
      if (p && p.catch) { p.catch(function () {}); }
    } else if (Math.abs(audio.currentTime - want) > 2) {
      try { audio.currentTime = want; } catch (e) { /* not seekable */ }
    }
    if (navigator.mediaSession) { navigator.mediaSession.playbackState = "playing"; }
  }
  function mediaSession() {
    if (!navigator.mediaSession) { return; }
    try {
      if (window.MediaMetadata) {
        navigator.mediaSession.metadata = new MediaMetadata({ title: "Guided walk", artist: "Amble" });
      }
      navigator.mediaSession.setActionHandler("play", function () { if (state && state.pausedAt !== null) { togglePause(); } });
      navigator.mediaSession.setActionHandler("pause", function () { if (state && state.pausedAt === null) { togglePause(); } });
    } catch (e) { /* not supported */ }
  }

  // What the page shows.
  function show(el, on) { if (el && el.hidden === on) { el.hidden = !on; } }
  // Only real changes: the phase is a live region, read out whenever its text is replaced.
  function put(el, text) { if (el.textContent !== text) { el.textContent = text; } }
  function fillForm(t) {
    var w = walkedMs(t);
    minutesInput.value = String(Math.round(w.ms / 6000) / 10);
    boutsInput.value = String(w.bouts);
    dateInput.value = plan.date;
  }
  function render() {
    if (!state) {
      phaseEl.setAttribute("data-phase", "ready");
      put(nameEl, "Ready when you are");
      put(nextEl, readyNext);
      put(clockEl, mmss(totalMs()));
      show(startBtn, true); show(pauseBtn, false); show(finishBtn, false);
      show(painBox, true); show(form, false); show(resumeBox, false);
      return;
    }
    var t = elapsed();
    var at = locate(t);
    var done = state.finished || at.i >= segs().length;
    var phase, name, next = "";
    if (done) {
      phase = "done";
      name = "Done: " + minutesText(walkedMs(t).ms) + " walked";
      next = "How did it go? Log it below.";
      put(clockEl, "");
    } else if (state.held) {
      var wn = walkNumber(at.i - 1);
      phase = "rest";
      name = "Walk " + wn.n + " of " + wn.all + " done";
      next = "Take the next walk later today: tap Start the next walk as you set off.";
      put(clockEl, "");
    } else {
      var seg = segs()[at.i];
      phase = seg.kind;
      if (seg.kind === "walk") {
        var n = walkNumber(at.i);
        name = n.all > 1 ? "Walk " + n.n + " of " + n.all : "Walk";
      } else {
        name = "Rest: sit down or lean forward";
      }
      if (state.pausedAt !== null) { name = "Paused: " + name.charAt(0).toLowerCase() + name.slice(1); }
      put(clockEl, mmss(at.to - t));
      var after = segs()[at.i + 1];
      if (!after) { next = "Then you are done."; }
      else if (plan.separate_walks) { next = "Then this walk is done."; }
      else { next = "Next: " + (after.kind === "walk" ? "walk" : "rest") + " for " + minutesText(after.seconds * 1000) + "."; }
    }
    phaseEl.setAttribute("data-phase", phase);
    put(nameEl, name);
    put(nextEl, next);
    show(startBtn, false);
    show(resumeBox, offering);
    show(pauseBtn, !done && !offering);
    put(pauseBtn, state.held ? "Start the next walk" : (state.pausedAt !== null ? "Continue" : "Pause"));
    show(finishBtn, !done && !offering);
    show(painBox, done);
    show(form, done);
  }

  function tick() {
    if (!state) { render(); return; }
    var t = elapsed();
    var at = locate(t);
    var done = state.finished || at.i >= segs().length;
    // Separate walks: the clock stops at the end of each walk that has another after it.
    if (!done && plan.separate_walks && !state.held && state.pausedAt === null && at.i > state.walkIdx) {
      var end = startOf(state.walkIdx + 1);
      state.pausedAt = state.startedAt + state.pausedMs + end;
      state.held = true;
      t = end;
      at = locate(t);
    }
    var key = done ? "done" : (state.held ? "held" + state.walkIdx : String(at.i));
    if (state.cued !== key) {
      state.cued = key;
      var kind = done ? "done" : state.held ? "between" : segs()[at.i].kind === "rest" ? "rest" : at.i === 0 ? "start" : "again";
      cue(kind);
      if (done) { fillForm(t); letSleep(); }
      save();
    }
    syncAudio(!done && !state.held && state.pausedAt === null && !offering, t);
    render();
  }

  function begin() {
    var picked = document.querySelector("input[name=pain_before]:checked");
    state = {
      v: 1, plan: plan, startedAt: now(), pausedMs: 0, pausedAt: null, walkIdx: 0, held: false,
      finished: false, cued: null, painBefore: picked ? picked.value : null, ref: newRef(), touched: 0
    };
    refInput.value = state.ref;
    refInput.disabled = false;
    unlock();
    save();
    tick();
  }
  function togglePause() {
    if (!state) { return; }
    if (state.pausedAt === null) {
      state.pausedAt = now();
    } else {
      state.pausedMs += now() - state.pausedAt;
      state.pausedAt = null;
      if (state.held) { state.held = false; state.walkIdx += 1; }
    }
    save();
    tick();
  }
  function finishNow() {
    if (!state) { return; }
    if (state.pausedAt === null) { state.pausedAt = now(); }
    state.finished = true;
    save();
    tick();
  }

  startBtn.addEventListener("click", begin);
  pauseBtn.addEventListener("click", function () { if (!awake) { unlock(); } togglePause(); });
  finishBtn.addEventListener("click", finishNow);
  $("walk-resume-go").addEventListener("click", function () {
    offering = false;
    unlock();
    tick();
  });
  $("walk-resume-drop").addEventListener("click", function () {
    offering = false;
    forget();
    plan = pagePlan;
    dateInput.value = plan.date;
    refInput.value = "";
    refInput.disabled = true;
    minutesInput.value = String(walkedMs(totalMs()).ms / 60000);
    render();
  });
  document.querySelectorAll("input[name=pain_before]").forEach(function (r) {
    r.addEventListener("change", function () {
      if (state) { state.painBefore = r.value; save(); }
    });
  });
  // Checked before any other handler (such as the offline queue) sees the submit.
  form.addEventListener("submit", function (ev) {
    var before = document.querySelector("input[name=pain_before]:checked");
    var peak = form.querySelector("input[name=pain_peak]:checked");
    var missing = !before ? painBox : !peak ? $("walk-pain-peak") : null;
    if (missing) {
      ev.preventDefault();
      ev.stopImmediatePropagation();
      var msg = missing.querySelector(".field-error");
      if (!msg) {
        msg = document.createElement("span");
        msg.className = "field-error";
        msg.setAttribute("role", "alert");
        missing.insertBefore(msg, missing.children[1] || null);
      }
      msg.textContent = missing === painBox ? "Choose your pain before the walk (0-10)." : "Choose the worst pain during the walk (0-10).";
      missing.scrollIntoView({ block: "center" });
      return;
    }
    forget();
  }, true);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { keepAwake(); tick(); }
  });
  if (audio) {
    // A track that cannot be played leaves the cues to the page.
    audio.addEventListener("error", function () { audio.removeAttribute("src"); });
  }

  // A walk left unfinished (a reload, a closed tab) is offered back.
  var found = stored();
  if (found) {
    state = found;
    plan = found.plan;
    offering = true;
    if (found.ref) { refInput.value = found.ref; refInput.disabled = false; }
    if (found.painBefore !== null) {
      var r = document.querySelector("input[name=pain_before][value='" + found.painBefore + "']");
      if (r) { r.checked = true; }
    }
    var t0 = elapsed();
    resumeText.textContent = "You started a walk at " + new Date(found.startedAt).toTimeString().slice(0, 5) +
      " and walked " + minutesText(walkedMs(t0).ms) + " of " + minutesText(walkedMs(totalMs()).ms) + ". It is not logged yet.";
    if (found.cued === "done") { fillForm(t0); }
  } else {
    try { localStorage.removeItem(KEY); } catch (e) { /* private mode */ }
  }
  render();
  setInterval(tick, 250);
})();
