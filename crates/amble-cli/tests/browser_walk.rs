//! The guided walk in a real browser at phone size (390 px wide): the real `amble serve` and
//! headless Chromium over WebDriver, as in `browser.rs`. The page's clock is moved by the test
//! (it replaces `Date.now` in the page), so twenty minutes of walking take a few seconds: the
//! phases follow the clock, a pause is subtracted, a reload offers the walk back, and the end
//! fills in the walk form. Screenshots go to `target/tmp/screenshots/walk/`.
//!
//! Skipped without chromedriver unless `AMBLE_E2E_REQUIRED=1` (CI).

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures
#![allow(clippy::too_many_lines)] // the guided walk follows one clock from its start to its end

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::browser::{
    Chrome, Kill, Screen, browser, screenshot, serve_on_any_port, shots_dir, start_chrome,
};
use fantoccini::{Client, Locator};
use serde_json::{Value, json};

struct Phone {
    client: Client,
    url: String,
    shots: PathBuf,
    _server: Kill,
    _chrome: Chrome,
    _data: tempfile::TempDir,
}

const TODAY: &str = "2026-03-02";

/// A journal with a stored check-up whose plan is interval walking, served, and a phone-sized
/// browser.
async fn phone(driver: &Path, chrome: &Path, answers: &str) -> Phone {
    let data = tempfile::tempdir().unwrap();
    let answers = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(answers);
    let out = Command::new(env!("CARGO_BIN_EXE_amble"))
        .args([
            "--data-dir",
            data.path().to_str().unwrap(),
            "--today",
            TODAY,
        ])
        .args(["assess", "--answers", answers.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let (server, url) = serve_on_any_port(&[
        "--data-dir",
        data.path().to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    let browser = start_chrome(driver, chrome, Screen::Phone(3.0), &["--mute-audio"]).await;
    Phone {
        client: browser.client.clone(),
        url,
        shots: shots_dir("walk"),
        _server: server,
        _chrome: browser,
        _data: data,
    }
}

impl Phone {
    async fn shot(&self, name: &str) {
        screenshot(&self.client, &self.shots, name).await;
    }
    async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("{script}: {e}"))
    }
    async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }
    async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.url))
            .await
            .unwrap();
    }
    /// Moves the page's clock to `seconds` after the real time of the test's choosing: the
    /// page reads `Date.now()`, which now answers the real time plus the shift.
    async fn clock(&self, seconds: f64) {
        self.js(
            "if (!window.realNow) { window.realNow = Date.now.bind(Date); }
             window.shift = arguments[0] * 1000;
             Date.now = function () { return window.realNow() + window.shift; };",
            vec![json!(seconds)],
        )
        .await;
    }
    async fn attr(&self, css: &str, name: &str) -> String {
        self.js(
            "const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
            vec![json!(css), json!(name)],
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
    }
    /// Waits (the page ticks four times a second) until `#walk-phase` shows `phase`.
    async fn phase(&self, phase: &str) {
        let t0 = Instant::now();
        loop {
            let now = self.attr("#walk-phase", "data-phase").await;
            if now == phase {
                return;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(10),
                "phase {now:?}, expected {phase:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    async fn visible(&self, css: &str) -> bool {
        self.js(
            "const e = document.querySelector(arguments[0]); return !!e && !e.hidden && e.getClientRects().length > 0;",
            vec![json!(css)],
        )
        .await
            == Value::Bool(true)
    }
    async fn value(&self, css: &str) -> String {
        self.js(
            "return document.querySelector(arguments[0]).value;",
            vec![json!(css)],
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
    }
    async fn fits(&self, what: &str) {
        let fits = self
            .js(
                "return [document.documentElement.scrollWidth, window.innerWidth];",
                vec![],
            )
            .await;
        assert!(
            fits[0].as_f64() <= fits[1].as_f64().map(|w| w + 1.0),
            "{what} is wider than the phone: {fits}"
        );
    }
    async fn text(&self) -> String {
        self.client
            .find(Locator::Css("main"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guided_walk_follows_the_clock_survives_a_reload_and_fills_the_form() {
    let Some((driver, chrome)) = browser() else {
        return;
    };
    let p = phone(
        &driver,
        &chrome,
        "tests/vignettes/pattern-lss-neurogenic-claudication.json",
    )
    .await;
    // Today's page leads to the guided walk.
    p.goto("/today").await;
    assert_eq!(
        p.js("return window.innerWidth;", vec![]).await,
        json!(390),
        "a phone-sized window"
    );
    p.click("#guided-walk").await;
    let t0 = Instant::now();
    while p.client.current_url().await.unwrap().path() != "/walk" {
        assert!(t0.elapsed() < Duration::from_secs(10), "no /walk");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    p.phase("ready").await;
    let plan = p
        .js(
            "return JSON.parse(document.getElementById('walk-plan').textContent);",
            vec![],
        )
        .await;
    assert_eq!(plan["date"], TODAY);
    assert_eq!(
        plan["segments"],
        json!([{"kind": "walk", "seconds": 600}, {"kind": "rest", "seconds": 120}, {"kind": "walk", "seconds": 600}])
    );
    assert!(p.visible("#walk-start").await && !p.visible("#walk-log").await);
    assert!(!p.visible("#walk-resume").await);
    p.fits("the walk page").await;
    p.shot("01-ready").await;

    // What the page asks of the phone is recorded: the wake lock, vibrations, speech.
    p.js(
        "window.asked = {lock: 0, vibrate: 0, said: []};
         if (navigator.wakeLock) {
           const request = navigator.wakeLock.request.bind(navigator.wakeLock);
           navigator.wakeLock.request = (t) => { window.asked.lock += 1; return request(t); };
         }
         navigator.vibrate = () => { window.asked.vibrate += 1; return true; };
         const speak = speechSynthesis.speak.bind(speechSynthesis);
         speechSynthesis.speak = (u) => { window.asked.said.push(u.text); speak(u); };",
        vec![],
    )
    .await;
    // Pain before, then Start: the first walk, cued.
    p.click("input[name=pain_before][value='2'] + span").await;
    p.clock(0.0).await;
    p.click("#walk-start").await;
    p.phase("walk").await;
    assert_eq!(p.attr("#walk-phase", "data-cue").await, "start");
    let asked = p.js("return window.asked;", vec![]).await;
    assert!(
        asked["lock"].as_u64() >= Some(1),
        "a screen wake lock: {asked}"
    );
    assert_eq!(asked["vibrate"], 1, "{asked}");
    // The cue is said once: by the track when it already plays, else by the page.
    let said: Vec<String> = serde_json::from_value(asked["said"].clone()).unwrap();
    match p.attr("#walk-phase", "data-cue-by").await.as_str() {
        "page" => assert!(
            said.iter().any(|s| s.starts_with("Start walking")),
            "{said:?}"
        ),
        "track" => assert!(
            !said.iter().any(|s| s.starts_with("Start walking")),
            "{said:?}"
        ),
        other => panic!("cued by {other:?}"),
    }
    assert_eq!(
        p.attr("#walk-audio", "src").await,
        "/walk/track.mp3?plan=w600-r120-w600",
        "the session's track plays"
    );
    let stored = p
        .js(
            "return JSON.parse(localStorage.getItem('amble-walk'));",
            vec![],
        )
        .await;
    assert_eq!(stored["painBefore"], "2");
    assert!(
        stored["ref"]
            .as_str()
            .is_some_and(|r| !r.is_empty() && r.len() <= 64)
    );
    p.shot("02-walking").await;

    // A pause of ten minutes is not walking: still the first walk afterwards.
    p.clock(60.0).await;
    p.click("#walk-pause").await;
    p.clock(660.0).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    p.phase("walk").await;
    assert!(p.text().await.contains("Paused"));
    p.click("#walk-pause").await; // Continue
    // 10 minutes of walking (plus 10 paused): the rest, from the clock alone.
    p.clock(1205.0).await;
    p.phase("rest").await;
    assert_eq!(p.attr("#walk-phase", "data-cue").await, "rest");
    let asked = p.js("return window.asked;", vec![]).await;
    let said: Vec<String> = serde_json::from_value(asked["said"].clone()).unwrap();
    let by_page = said.iter().any(|s| s.starts_with("Time to rest"));
    match p.attr("#walk-phase", "data-cue-by").await.as_str() {
        "page" => assert!(by_page, "{said:?}"),
        // The track plays where the clock is: its rest cue is due now.
        _ => {
            assert!(!by_page, "{said:?}");
            let at = p
                .js(
                    "return document.getElementById('walk-audio').currentTime;",
                    vec![],
                )
                .await;
            assert!(
                at.as_f64().is_some_and(|t| (600.0..620.0).contains(&t)),
                "{at}"
            );
        }
    }
    assert!(asked["vibrate"].as_u64() >= Some(2), "{asked}");
    p.shot("03-rest").await;

    // A reload (or a closed tab): the walk is offered back, still resting by the clock.
    p.goto("/walk").await;
    p.clock(1205.0).await;
    p.phase("rest").await;
    assert!(p.visible("#walk-resume").await, "the walk is offered back");
    assert!(!p.visible("#walk-start").await);
    assert!(p.text().await.contains("You started a walk at"));
    p.shot("04-resume").await;
    p.click("#walk-resume-go").await;
    assert!(!p.visible("#walk-resume").await);
    // The second walk after two minutes' rest.
    p.clock(1330.0).await;
    p.phase("walk").await;
    assert_eq!(p.attr("#walk-phase", "data-cue").await, "again");
    assert!(p.text().await.contains("Walk 2 of 2"));
    // The browser reads the track: it lasts the session.
    let t0 = Instant::now();
    let duration = loop {
        let d = p
            .js(
                "return document.getElementById('walk-audio').duration;",
                vec![],
            )
            .await;
        if let Some(d) = d.as_f64().filter(|d| d.is_finite() && *d > 0.0) {
            break d;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "the track never loaded: {d}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!((duration - 1320.0).abs() < 0.1, "track of {duration} s");

    // The end: the form, filled in from the clock, with the pain chosen at Start.
    p.clock(1930.0).await;
    p.phase("done").await;
    assert_eq!(p.attr("#walk-phase", "data-cue").await, "done");
    assert!(p.visible("form#walk-log").await);
    assert_eq!(p.value("#walk-log input[name=minutes]").await, "20");
    assert_eq!(p.value("#walk-log input[name=bouts]").await, "2");
    assert_eq!(p.value("#walk-log input[name=date]").await, TODAY);
    let before = p
        .js(
            "const r = document.querySelector('input[name=pain_before]:checked'); return r && r.form.id + ':' + r.value;",
            vec![],
        )
        .await;
    assert_eq!(before, json!("walk-log:2"));
    let client_ref = p.value("#walk-log input[name=client_ref]").await;
    assert_eq!(client_ref, stored["ref"].as_str().unwrap());
    p.fits("the finished walk").await;
    p.shot("05-done").await;

    // Saving without the worst pain is stopped in the page, in words.
    p.click("#walk-log button[type=submit]").await;
    assert!(
        p.text()
            .await
            .contains("Choose the worst pain during the walk")
    );
    assert_eq!(p.client.current_url().await.unwrap().path(), "/walk");
    p.click("input[name=pain_peak][value='3'] + span").await;
    p.click("#walk-log button[type=submit]").await;
    let t0 = Instant::now();
    while p.client.current_url().await.unwrap().path() != "/today" {
        assert!(t0.elapsed() < Duration::from_secs(10), "not saved");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    p.goto("/journal").await;
    assert!(
        p.text().await.contains("walk 20 min, pain 2 -> 3"),
        "{}",
        p.text().await
    );
    // Logged: nothing is offered back any more.
    p.goto("/walk").await;
    p.phase("ready").await;
    assert!(!p.visible("#walk-resume").await);
    assert!(p.visible("#walk-start").await);
    p.client.clone().close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_early_logs_what_was_walked_and_something_worse_leads_to_the_screen() {
    let Some((driver, chrome)) = browser() else {
        return;
    };
    let p = phone(
        &driver,
        &chrome,
        "tests/vignettes/pattern-lss-neurogenic-claudication.json",
    )
    .await;
    p.goto("/walk").await;
    p.clock(0.0).await;
    p.click("#walk-start").await;
    p.phase("walk").await;
    // Seven and a half minutes in: finish now.
    p.clock(450.0).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    p.click("#walk-finish").await;
    p.phase("done").await;
    let minutes: f64 = p
        .value("#walk-log input[name=minutes]")
        .await
        .parse()
        .unwrap();
    assert!((7.5..7.7).contains(&minutes), "{minutes}");
    assert_eq!(p.value("#walk-log input[name=bouts]").await, "1");
    // Reloaded, it is offered back until it is logged...
    p.goto("/walk").await;
    p.phase("done").await;
    assert!(p.visible("#walk-resume").await);
    // ... but not after three hours.
    p.js(
        "const s = JSON.parse(localStorage.getItem('amble-walk'));
         s.touched = Date.now() - 3 * 3600 * 1000 - 1000; localStorage.setItem('amble-walk', JSON.stringify(s));",
        vec![],
    )
    .await;
    p.goto("/walk").await;
    p.phase("ready").await;
    assert!(!p.visible("#walk-resume").await);
    // "Stop: something got worse" leads to the warning-sign questions.
    p.click("#walk-stop").await;
    let t0 = Instant::now();
    while p.client.current_url().await.unwrap().path() != "/screen" {
        assert!(t0.elapsed() < Duration::from_secs(10), "no /screen");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    p.client.clone().close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn walks_spread_over_the_day_stop_the_clock_between_them() {
    let Some((driver, chrome)) = browser() else {
        return;
    };
    // Severe pain: short walks spread over the day (two of them), at different times.
    let p = phone(
        &driver,
        &chrome,
        "tests/vignettes/instr-startback-high.json",
    )
    .await;
    p.goto("/walk").await;
    let plan = p
        .js(
            "return JSON.parse(document.getElementById('walk-plan').textContent);",
            vec![],
        )
        .await;
    assert_eq!(plan["separate_walks"], true, "{plan}");
    let walk_s = plan["segments"][0]["seconds"].as_f64().unwrap();
    let track = format!("w{walk_s}");
    assert_eq!(plan["tracks"], json!([track, track]), "{plan}");
    assert!(walk_s <= 600.0, "severity keeps each walk short: {plan}");
    p.click("input[name=pain_before][value='5'] + span").await;
    p.clock(0.0).await;
    p.click("#walk-start").await;
    p.phase("walk").await;
    assert_eq!(
        p.attr("#walk-audio", "src").await,
        format!("/walk/track.mp3?plan={track}")
    );
    // The first walk ends; the clock stops there, however long the break.
    p.clock(walk_s + 10.0).await;
    p.phase("rest").await;
    assert_eq!(p.attr("#walk-phase", "data-cue").await, "between");
    assert!(p.text().await.contains("Walk 1 of 2 done"));
    p.clock(4.0 * 3600.0).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    p.phase("rest").await;
    p.shot("06-between-walks").await;
    p.click("#walk-pause").await; // Start the next walk
    p.phase("walk").await;
    assert_eq!(p.attr("#walk-phase", "data-cue").await, "again");
    assert!(p.text().await.contains("Walk 2 of 2"));
    p.clock(4.0 * 3600.0 + walk_s + 10.0).await;
    p.phase("done").await;
    assert_eq!(
        p.value("#walk-log input[name=minutes]").await,
        format!("{}", 2.0 * walk_s / 60.0)
    );
    assert_eq!(p.value("#walk-log input[name=bouts]").await, "2");
    p.client.clone().close().await.unwrap();
}
