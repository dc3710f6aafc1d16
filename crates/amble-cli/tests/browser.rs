//! End-to-end tests in a real browser: the real `amble serve` binary, driven through headless
//! Chromium (Debian's `chromium` and `chromium-driver`) over WebDriver. A newcomer completes a
//! check-up, sees the plan, logs a walk and sees the progress chart change; and the red-flag
//! path leads to the emergency card. Screenshots of every page are saved under
//! `target/tmp/screenshots/` for people to look at.
//!
//! Without chromedriver the tests are skipped with a note, unless `AMBLE_E2E_REQUIRED=1` (set by
//! CI), in which case they fail.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures
#![allow(clippy::too_many_lines)] // a newcomer's first visit reads best as one story, page by page

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::browser::{
    Chrome, Kill, Screen, browser, screenshot, serve_on_any_port, shots_dir, start_chrome,
};
use fantoccini::{Client, Locator};

struct Session {
    client: Client,
    url: String,
    shots: PathBuf,
    _server: Kill,
    _chrome: Chrome,
    _data: tempfile::TempDir,
}

async fn start(driver: &Path, chrome: &Path, name: &str) -> Session {
    let data = tempfile::tempdir().unwrap();
    let (server, url) = serve_on_any_port(&[
        "--data-dir",
        data.path().to_str().unwrap(),
        "--today",
        "2026-03-02",
    ]);
    let browser = start_chrome(driver, chrome, Screen::Window(412, 915), &[]).await;
    Session {
        client: browser.client.clone(),
        url,
        shots: shots_dir(name),
        _server: server,
        _chrome: browser,
        _data: data,
    }
}

impl Session {
    async fn shot(&self, name: &str) {
        screenshot(&self.client, &self.shots, name).await;
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
    /// Clicks something that loads a new page, and waits until the new page has loaded.
    async fn follow(&self, css: &str) {
        let old = self.client.find(Locator::Css("html")).await.unwrap();
        self.click(css).await;
        let t0 = Instant::now();
        // The old document goes stale once the browser has navigated.
        while old.tag_name().await.is_ok() {
            assert!(
                t0.elapsed() < Duration::from_secs(20),
                "clicking {css} did not load a page"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        loop {
            let state = self
                .client
                .execute("return document.readyState", vec![])
                .await;
            if matches!(
                state.as_ref().ok().and_then(|v| v.as_str()),
                Some("complete")
            ) {
                break;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(20),
                "page did not finish loading"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
    async fn text(&self) -> String {
        match self.client.find(Locator::Css("main")).await {
            Ok(m) => m.text().await.unwrap(),
            Err(e) => panic!(
                "no <main> on {}: {e}\n{}",
                self.path().await,
                self.client.source().await.unwrap_or_default()
            ),
        }
    }
    async fn path(&self) -> String {
        self.client.current_url().await.unwrap().path().to_string()
    }
    async fn type_into(&self, css: &str, text: &str) {
        let e = self.client.find(Locator::Css(css)).await.unwrap();
        e.clear().await.unwrap();
        e.send_keys(text).await.unwrap();
    }
    /// The page is no wider than the phone-sized window.
    async fn fits_phone(&self, what: &str) {
        let fits = self
            .client
            .execute(
                "return document.documentElement.scrollWidth <= window.innerWidth + 1;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            fits,
            serde_json::Value::Bool(true),
            "{what} is wider than a phone"
        );
    }
    async fn minutes_chart(&self) -> String {
        self.client
            .goto(&format!("{}/progress", self.url))
            .await
            .unwrap();
        self.client
            .find(Locator::Css("svg#minutes-d, desc#minutes-d"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap_or_default()
            + &self.client.source().await.unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newcomer_goes_from_check_up_to_a_logged_walk() {
    let Some((driver, chrome)) = browser() else {
        return;
    };
    let s = start(&driver, &chrome, "newcomer").await;
    s.client.goto(&format!("{}/", s.url)).await.unwrap();
    s.shot("01-welcome").await;
    assert!(s.text().await.contains("Welcome to Amble"));
    s.follow("main a.button").await; // Start the check-up
    assert_eq!(s.path().await, "/checkup");
    // Step 1: warning signs, all "No".
    for radio in s
        .client
        .find_all(Locator::Css("input[type=radio][value=no]"))
        .await
        .unwrap()
    {
        radio.click().await.unwrap();
    }
    s.shot("02-checkup-warning-signs").await;
    s.follow("button[type=submit]").await;
    // Later steps, one topic each: a few answers, by keyboard-accessible controls.
    assert!(s.text().await.contains("Step 2 of 9"));
    s.type_into("input[name=age]", "52").await;
    s.shot("03-checkup-about-you").await;
    s.follow("button[type=submit]").await;
    let text = s.text().await;
    assert!(text.contains("Step 3 of 9") && text.contains("Where you feel it"));
    s.click("input[name='symptoms.loc_back'][value=yes]").await;
    s.click("input[name='symptoms.loc_thigh'][value=none]")
        .await;
    s.click("input[name='symptoms.loc_below_knee'][value=none]")
        .await;
    s.shot("04-checkup-where").await;
    s.follow("button[type=submit]").await;
    // No leg symptoms: the leg step is skipped, and the count says so.
    let text = s.text().await;
    assert!(text.contains("Step 4 of 8") && !text.contains("only in the calf"));
    s.click("input[name='symptoms.relief_by'][value=keep_moving]")
        .await;
    s.follow("button[type=submit]").await;
    for _ in 0..4 {
        if s.text().await.contains("Walking and pain today") {
            break;
        }
        s.follow("button[type=submit]").await;
    }
    assert!(s.text().await.contains("Step 8 of 8"));
    s.type_into("input[name='walking.pain_free_minutes']", "20")
        .await;
    s.type_into("input[name='walking.walks_per_week']", "3")
        .await;
    s.shot("05-checkup-walking-and-pain").await;
    s.follow("button[type=submit]").await;
    let result = s.text().await;
    assert!(
        s.path().await.starts_with("/checkup/a-"),
        "stored and redirected"
    );
    assert!(result.contains("None of the warning signs we ask about"));
    assert!(result.contains("What may be contributing"));
    s.shot("06-checkup-result").await;

    s.follow("a.button[href^='/plan']").await; // See my plan
    let plan = s.text().await;
    assert!(
        plan.contains("This week's walking") && plan.contains("minutes"),
        "{plan}"
    );
    s.shot("07-plan").await;

    let before = s.minutes_chart().await;
    assert!(
        before.contains("Week 1: walked 0 of"),
        "no walking yet: {before}"
    );
    s.shot("08-progress-before").await;

    s.client.goto(&format!("{}/log/walk", s.url)).await.unwrap();
    s.shot("09-log-walk").await;
    s.click("input[name=pain_before][value='2'] + span").await;
    s.click("input[name=pain_peak][value='3'] + span").await;
    s.type_into("input[name=minutes]", "20").await;
    s.follow("button[type=submit]").await;
    assert_eq!(s.path().await, "/today");
    let today = s.text().await;
    assert!(
        today.contains("Saved.") && today.contains("1 walking day done"),
        "{today}"
    );
    s.shot("10-today-after-walk").await;

    let after = s.minutes_chart().await;
    assert!(
        after.contains("Week 1: walked 20 of"),
        "the progress chart shows the walk"
    );
    s.shot("11-progress-after").await;

    s.client
        .goto(&format!("{}/exercises", s.url))
        .await
        .unwrap();
    // The hold timer (small vendored script) is there and starts counting.
    s.click(".timer button").await;
    let out = s
        .client
        .find(Locator::Css(".timer output"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(out.ends_with(" s"), "timer shows seconds: {out:?}");
    s.shot("12-exercises").await;

    s.client.goto(&format!("{}/journal", s.url)).await.unwrap();
    assert!(s.text().await.contains("walk 20 min, pain 2 -> 3"));
    s.shot("13-journal").await;

    // A form with two mistakes shows both at once, beside their fields, in words.
    s.client.goto(&format!("{}/log/walk", s.url)).await.unwrap();
    s.type_into("input[name=minutes]", "-5").await;
    s.follow("button[type=submit]").await;
    let text = s.text().await;
    assert!(text.contains("Please check these"), "{text}");
    assert!(text.contains("Minutes walked: expected at least 0.5 minutes"));
    assert!(text.contains("Back pain before the walk: choose"));
    let beside = s
        .client
        .find_all(Locator::Css(".field-error"))
        .await
        .unwrap()
        .len();
    assert!(beside >= 3, "each error beside its field ({beside})");
    s.shot("14-form-errors").await;

    // New symptoms suspend the plan; a clean re-screen with the symptoms settled lifts it.
    s.click("input[name=pain_before][value='1'] + span").await;
    s.click("input[name=pain_peak][value='2'] + span").await;
    s.type_into("input[name=minutes]", "10").await;
    s.click("input[name=new_symptoms]").await;
    s.follow("button[type=submit]").await;
    assert_eq!(s.path().await, "/screen");
    for radio in s
        .client
        .find_all(Locator::Css("input[type=radio][value=no]"))
        .await
        .unwrap()
    {
        radio.click().await.unwrap();
    }
    s.click("input[name=settled][value=yes]").await;
    s.shot("15-rescreen").await;
    s.follow("button[type=submit]").await;
    let text = s.text().await;
    assert!(text.contains("your plan goes on"), "{text}");
    s.client.goto(&format!("{}/today", s.url)).await.unwrap();
    assert!(!s.text().await.contains("No plan for now"));
    s.shot("16-today-after-rescreen").await;

    // Insights, an experiment and the report read on a phone: nothing wider than the screen.
    s.client.goto(&format!("{}/insights", s.url)).await.unwrap();
    s.follow("a[href^='/experiments']").await;
    s.type_into("input[name=a]", "flat").await;
    s.type_into("input[name=b]", "hills").await;
    s.follow("button[type=submit]").await;
    let text = s.text().await;
    assert!(
        text.contains("Your schedule") && text.contains("Today: walk with"),
        "{text}"
    );
    s.shot("17-experiment").await;
    for page in ["/insights", "/experiments", "/report"] {
        if page != "/experiments" {
            s.client.goto(&format!("{}{page}", s.url)).await.unwrap();
        }
        s.fits_phone(page).await;
    }
    s.shot("18-report").await;

    // A phone recording uploaded from the progress page, stored on the first walk, shown on it,
    // and the pages still fit a phone.
    s.client.goto(&format!("{}/progress", s.url)).await.unwrap();
    s.follow("a[href^='/gait']").await;
    let recording = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../amble-gait/tests/data/HA_001_Test11_Trial1_imu.csv")
        .canonicalize()
        .unwrap();
    s.client
        .find(Locator::Css("input[type=file]"))
        .await
        .unwrap()
        .send_keys(recording.to_str().unwrap())
        .await
        .unwrap();
    s.type_into("input[name=height_cm]", "170").await;
    s.client
        .execute(
            "const w = document.querySelector('select[name=walk]'); w.selectedIndex = w.options.length - 1;",
            vec![],
        )
        .await
        .unwrap();
    s.follow("button[type=submit]").await;
    let text = s.text().await;
    assert!(
        text.contains("Stored on your walk") && text.contains("steps a minute"),
        "{text}"
    );
    s.shot("19-gait").await;
    s.fits_phone("the gait result").await;
    s.client.goto(&format!("{}/journal", s.url)).await.unwrap();
    s.follow("a[href$='/gait']").await;
    assert!(s.text().await.contains("Gait on your walk of"));
    for page in ["/gait", "/progress"] {
        s.client.goto(&format!("{}{page}", s.url)).await.unwrap();
        s.fits_phone(page).await;
    }
    s.client.clone().close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_red_flag_path_leads_to_the_emergency_card() {
    let Some((driver, chrome)) = browser() else {
        return;
    };
    let s = start(&driver, &chrome, "red-flag").await;
    s.client.goto(&format!("{}/", s.url)).await.unwrap();
    s.follow("a.worse").await; // "Something new or worse?" in the header of every page
    assert_eq!(s.path().await, "/screen");
    s.click("input[name='red_flags.saddle_numbness'][value=yes]")
        .await;
    s.shot("01-screen").await;
    s.follow("button[type=submit]").await;
    let text = s.text().await;
    let todo = text.find("What to do now").expect("the what-to-do card");
    let card = text
        .find("Get emergency care now")
        .expect("emergency headline");
    assert!(todo < card);
    assert!(text.contains("emergency department"));
    assert!(!text.contains("See my plan"), "no plan offered");
    s.shot("02-emergency-card").await;
    // The same from the check-up itself.
    s.client.goto(&format!("{}/checkup", s.url)).await.unwrap();
    s.click("input[name='red_flags.bladder_change'][value=yes]")
        .await;
    s.follow("button[type=submit]").await;
    assert!(s.text().await.contains("Get emergency care now"));
    s.shot("03-checkup-emergency").await;
    s.client.goto(&format!("{}/plan", s.url)).await.unwrap();
    assert!(s.text().await.contains("No plan for now"));
    s.shot("04-plan-blocked").await;
    s.client.clone().close().await.unwrap();
}
