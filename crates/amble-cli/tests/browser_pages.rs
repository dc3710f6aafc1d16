//! Every page read on a phone (390 px wide) in headless Chromium: nothing scrolls sideways,
//! neither the page nor anything in it (a table that hides columns off to the side counts),
//! every control is a tap target of at least 44 px, and chart labels stay readable. The journal
//! has eight weeks of walks and mornings, a gait recording on two walks, so the plan's history,
//! the gait tables and "Gait each week" are all there. Screenshots go to
//! `target/tmp/screenshots/phone/`.
//!
//! Skipped without chromedriver unless `AMBLE_E2E_REQUIRED=1` (CI).

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::browser::{Screen, browser, serve_on_any_port, shots_dir, start_chrome};
use fantoccini::{Client, Locator};
use serde_json::json;

fn amble(data: &Path, today: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_amble"))
        .args(["--data-dir", data.to_str().unwrap(), "--today", today])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// What on the page is wider than the phone, or a control smaller than a fingertip, in words.
const CHECK: &str = r#"
const problems = [];
const vw = Math.min(window.innerWidth, 390);
if (!document.querySelector('meta[name=description][content]')) { problems.push('no description'); }
if (document.documentElement.scrollWidth > vw + 1) {
  problems.push('the page is ' + document.documentElement.scrollWidth + ' px wide');
}
const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
  (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '') +
  ' "' + (e.textContent || '').trim().slice(0, 40) + '"';
for (const e of document.querySelectorAll('body *')) {
  const cs = getComputedStyle(e);
  if (cs.display === 'none' || e.closest('details:not([open]) > :not(summary)')) { continue; }
  if (['auto', 'scroll', 'hidden'].includes(cs.overflowX) && e.scrollWidth > e.clientWidth + 1 &&
      !e.classList.contains('visually-hidden') && !e.classList.contains('skip')) {
    problems.push(name(e) + ' hides ' + (e.scrollWidth - e.clientWidth) + ' px to the side');
  }
  const r = e.getBoundingClientRect();
  if (r.width > 0 && r.right > vw + 1 && !e.closest('.skip')) {
    problems.push(name(e) + ' reaches ' + Math.round(r.right) + ' px');
  }
}
// Tap targets: buttons, button-like links, the menu, form controls (a radio or checkbox by its
// label, a pain scale by its square). Links inside running text are exempt (WCAG 2.5.8).
const targets = document.querySelectorAll(
  'button, .button, nav a, a.worse, a.brand, summary, select, textarea, input:not([type=hidden]):not([type=radio]):not([type=checkbox]), .scale span, .choices label, .check label');
for (const e of targets) {
  if (e.closest('[hidden]') || e.closest('details:not([open]) > :not(summary)')) { continue; }
  const r = e.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) { continue; }
  if (r.height < 43.5 || r.width < 43.5) {
    problems.push('tap target ' + name(e) + ' is ' + Math.round(r.width) + 'x' + Math.round(r.height) + ' px');
  }
}
// Chart labels: at least 11 px as drawn on the phone.
for (const t of document.querySelectorAll('svg text')) {
  const m = t.getScreenCTM();
  if (!m || t.getBoundingClientRect().height === 0) { continue; }
  // The drawn size: the font size times the scale (turned labels too).
  const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
  if (px < 11) {
    problems.push('chart label "' + t.textContent.trim().slice(0, 30) + '" is ' + px.toFixed(1) + ' px');
  }
}
return problems;
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_fits_a_phone_with_tap_targets_a_finger_can_hit() {
    let Some((driver, chrome)) = browser() else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    eight_weeks(data.path());
    let (_server, url) = serve_on_any_port(&[
        "--data-dir",
        data.path().to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    let browser = start_chrome(&driver, &chrome, Screen::Phone(2.0), &["--mute-audio"]).await;
    let client = browser.client.clone();
    let shots = shots_dir("phone");

    let mut pages: Vec<String> = PAGES.iter().map(|p| p.to_string()).collect();
    client.goto(&format!("{url}/learn")).await.unwrap();
    for a in client
        .find_all(Locator::Css("main a[href^='/learn/']"))
        .await
        .unwrap()
    {
        let href = a.attr("href").await.unwrap().unwrap();
        if !pages.contains(&href) {
            pages.push(href);
        }
    }
    assert!(pages.len() > 40, "the library's articles are visited too");

    let mut problems = Vec::new();
    for page in &pages {
        problems.extend(check_page(&client, &url, page, &shots).await);
    }
    client.close().await.unwrap();
    assert!(
        problems.is_empty(),
        "{} problems on a phone:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

const TODAY: &str = "2026-03-02";

/// The pages visited (and every article of the library, found on `/learn`).
const PAGES: &[&str] = &[
    "/",
    "/today",
    "/walk",
    "/plan",
    "/plan?history=all",
    "/progress",
    "/progress?weeks=all",
    "/insights",
    "/experiments",
    "/experiments?factor=surface&a=flat&b=hills&first_day=2026-03-02&weeks=4",
    "/report",
    "/exercises",
    "/journal",
    "/journal/needs-pain",
    "/journal/w-1/gait",
    "/journal/w-1/edit",
    "/journal/w-1/delete",
    "/gait",
    "/log/walk",
    "/log/morning",
    "/log/exercise",
    "/checkup",
    "/checkup/a-1",
    "/screen",
    "/checkin",
    "/learn",
    "/learn?q=walking",
];

/// Eight weeks of a plan: walks three times a week, mornings, two gait recordings.
fn eight_weeks(dir: &Path) {
    let examples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/contract-examples");
    amble(
        dir,
        "2026-01-05",
        &[
            "assess",
            "--answers",
            examples
                .join("benign-ache-after-30-min.json")
                .to_str()
                .unwrap(),
        ],
    );
    let start = jiff::civil::date(2026, 1, 5);
    for week in 0..8i64 {
        for (k, day) in [0i64, 2, 4].into_iter().enumerate() {
            let d = start
                .checked_add(jiff::Span::new().days(week * 7 + day))
                .unwrap();
            let minutes = (20 + week * 2 + k as i64).to_string();
            let peak = (2 + (week + k as i64) % 3).to_string();
            amble(
                dir,
                TODAY,
                &[
                    "log",
                    "walk",
                    "--date",
                    &d.to_string(),
                    "--minutes",
                    &minutes,
                    "--pain-before",
                    "2",
                    "--pain-peak",
                    &peak,
                ],
            );
            let next = d.checked_add(jiff::Span::new().days(1)).unwrap();
            amble(
                dir,
                TODAY,
                &["log", "morning", "--date", &next.to_string(), "--pain", "2"],
            );
        }
    }
    let recording = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../amble-gait/tests/data/HA_001_Test11_Trial1_imu.csv");
    for walk in ["w-1", "w-20"] {
        amble(
            dir,
            TODAY,
            &[
                "gait",
                recording.to_str().unwrap(),
                "--attach",
                walk,
                "--height-cm",
                "170",
            ],
        );
    }
}

/// What on `page` does not fit a phone, in words; screenshots of it (and of its chart) saved.
async fn check_page(client: &Client, url: &str, page: &str, shots: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    client.goto(&format!("{url}{page}")).await.unwrap();
    // A phone's browser zooms out to show a page wider than the screen.
    let width = client
        .execute("return window.innerWidth", vec![])
        .await
        .unwrap();
    if width != json!(390) {
        problems.push(format!("{page}: the browser zoomed out to {width} px"));
    }
    // Open every disclosure: what it shows must fit too.
    client
        .execute(
            "document.querySelectorAll('details').forEach(d => d.open = true);",
            vec![],
        )
        .await
        .unwrap();
    let found = client.execute(CHECK, vec![]).await.unwrap();
    for p in found.as_array().unwrap() {
        problems.push(format!("{page}: {}", p.as_str().unwrap()));
    }
    let file = page
        .trim_start_matches('/')
        .replace(['/', '?', '=', '&'], "_");
    if let Ok(chart) = client.find(Locator::Css("svg.chart")).await {
        let png = chart.screenshot().await.unwrap();
        std::fs::write(shots.join(format!("{file}-chart.png")), png).unwrap();
    }
    let png = client.screenshot().await.unwrap();
    std::fs::write(
        shots.join(format!(
            "{}.png",
            if file.is_empty() { "home" } else { &file }
        )),
        png,
    )
    .unwrap();
    problems
}
