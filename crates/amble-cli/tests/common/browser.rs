//! What the browser tests share: the real `amble serve` binary, chromedriver and headless
//! Chromium (Debian's `chromium` and `chromium-driver`), found on `PATH` or named by
//! `CHROMEDRIVER` and `CHROMIUM`. Without them a test is skipped with a note, unless
//! `AMBLE_E2E_REQUIRED=1` (set by CI), in which case it fails.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

/// A child process, killed when dropped.
pub struct Kill(pub Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn find_program(env: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| names.iter().map(move |n| d.join(n)))
        .find(|p| p.is_file())
}

/// chromedriver and the Chromium binary; `None` (the test is skipped) when one is missing,
/// unless the browser tests are required.
pub fn browser() -> Option<(PathBuf, PathBuf)> {
    let driver = find_program("CHROMEDRIVER", &["chromedriver"]);
    let chrome = find_program(
        "CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
    );
    match (driver, chrome) {
        (Some(d), Some(c)) => Some((d, c)),
        _ => {
            assert!(
                std::env::var("AMBLE_E2E_REQUIRED").as_deref() != Ok("1"),
                "browser tests are required but chromedriver or chromium is missing (apt-get install chromium chromium-driver)"
            );
            eprintln!(
                "skipped: no chromedriver/chromium (apt-get install chromium chromium-driver)"
            );
            None
        }
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn wait_for_port(port: u16) {
    let t0 = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "port {port} did not open"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `amble ARGS serve --bind 127.0.0.1:0` (ARGS choose the journal and the day) and the address
/// it prints first, without a trailing slash.
pub fn serve_on_any_port(args: &[&str]) -> (Kill, String) {
    serve_at(args, "127.0.0.1:0")
}

/// `amble ARGS serve --bind BIND` and the address it prints first, without a trailing slash.
pub fn serve_at(args: &[&str], bind: &str) -> (Kill, String) {
    let mut server = Command::new(env!("CARGO_BIN_EXE_amble"))
        .args(args)
        .args(["serve", "--bind", bind])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().trim_end_matches('/').to_string();
    assert!(
        url.starts_with("http://127.0.0.1:"),
        "serve prints its URL first: {line:?}"
    );
    (Kill(server), url)
}

/// The browser's window: a phone's screen of 390 × 844 CSS pixels at this many device pixels
/// each (by Chrome's device emulation: a window cannot be narrower than 500 px), or a window of
/// this size.
pub enum Screen {
    Phone(f64),
    Window(u32, u32),
}

/// Headless Chromium driven by its own chromedriver, with a profile of its own.
pub struct Chrome {
    pub client: Client,
    /// chromedriver's port (for commands fantoccini does not have).
    pub driver_port: u16,
    pub _driver: Kill,
    pub _profile: tempfile::TempDir,
}

/// Starts chromedriver and a headless Chromium session on `screen`, with `extra` arguments.
pub async fn start_chrome(driver: &Path, chrome: &Path, screen: Screen, extra: &[&str]) -> Chrome {
    let driver_port = free_port();
    let drv = Kill(
        Command::new(driver)
            .arg(format!("--port={driver_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for_port(driver_port);
    let profile = tempfile::tempdir().unwrap();
    let (width, height) = match screen {
        Screen::Phone(_) => (390, 844),
        Screen::Window(w, h) => (w, h),
    };
    let mut args = vec![
        "--headless=new".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--no-first-run".into(),
        format!("--window-size={width},{height}"),
    ];
    args.extend(extra.iter().map(|a| a.to_string()));
    args.push(format!("--user-data-dir={}", profile.path().display()));
    let mut options = json!({
        "binary": chrome.to_str().unwrap(),
        "args": args,
    });
    if let Screen::Phone(ratio) = screen {
        options["mobileEmulation"] = json!({
            "deviceMetrics": {"width": 390, "height": 844, "pixelRatio": ratio, "touch": true}
        });
    }
    let Value::Object(caps) = json!({"browserName": "chrome", "goog:chromeOptions": options})
    else {
        unreachable!()
    };
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .expect("a WebDriver session");
    Chrome {
        client,
        driver_port,
        _driver: drv,
        _profile: profile,
    }
}

/// `target/tmp/screenshots/NAME/`, made if need be.
pub fn shots_dir(name: &str) -> PathBuf {
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("screenshots")
        .join(name);
    std::fs::create_dir_all(&shots).unwrap();
    shots
}

/// Saves a screenshot of the page as `DIR/NAME.png`.
pub async fn screenshot(client: &Client, dir: &Path, name: &str) {
    let png = client.screenshot().await.unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}
