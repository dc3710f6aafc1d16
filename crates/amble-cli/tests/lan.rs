//! `amble serve --lan` through the real binary on SQLite accounts (contract §13): refused
//! without an account, naming the command that makes one; the addresses to open and a QR
//! code of the first; every page needs signing in; the Host check takes this machine's own
//! names and addresses only; HTTPS with a certificate made here, with Secure session cookies.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod common;

use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStderr, ChildStdout, Stdio};
use std::sync::Arc;

const PASSWORD: &str = "a long enough secret";

/// A journal folder with one person's account.
fn with_account() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = run_with_stdin(
        &[
            "--data-dir",
            dir.path().to_str().unwrap(),
            "user",
            "add",
            "--email",
            "me@home.example",
            "--role",
            "person",
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    dir
}

struct Server {
    child: Child,
    stdout: BufReader<ChildStdout>,
    stderr: BufReader<ChildStderr>,
}

impl Server {
    fn start(dir: &std::path::Path, args: &[&str]) -> Server {
        let mut child = amble()
            .args(["--data-dir", dir.to_str().unwrap(), "serve", "--lan"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let stderr = BufReader::new(child.stderr.take().unwrap());
        Server {
            child,
            stdout,
            stderr,
        }
    }

    fn line(&mut self) -> String {
        let mut l = String::new();
        self.stdout.read_line(&mut l).unwrap();
        l.trim_end_matches('\n').to_string()
    }

    /// The addresses printed first, up to the blank line.
    fn addresses(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        loop {
            let l = self.line();
            if l.is_empty() {
                return out;
            }
            out.push(l);
        }
    }

    /// Stops the server; what it wrote on stderr.
    fn stop(self) -> String {
        self.stop_with_stdout().1
    }

    /// Stops the server; what it wrote on stdout since last read, and on stderr.
    fn stop_with_stdout(mut self) -> (String, String) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        let mut out = String::new();
        self.stdout.read_to_string(&mut out).unwrap();
        let mut rest = String::new();
        self.stderr.read_to_string(&mut rest).unwrap();
        (out, rest)
    }
}

/// A test that fails midway still stops its server.
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The QR code as `amble` draws it (light modules as blocks, two rows a line).
fn expected_qr(text: &str) -> String {
    use qrcode::render::unicode::Dense1x2;
    qrcode::QrCode::new(text.as_bytes())
        .unwrap()
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .build()
}

fn port_of(url: &str) -> u16 {
    url.trim_end_matches('/')
        .rsplit_once(':')
        .unwrap()
        .1
        .parse()
        .unwrap()
}

/// One request over any stream: the whole answer as text.
fn exchange(
    mut s: impl Read + Write,
    method: &str,
    path: &str,
    host: &str,
    extra: &str,
    body: &str,
) -> String {
    // A server that hangs up (plain HTTP to a TLS port) shows as an empty answer.
    let _ = write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n{extra}\r\n{body}",
        body.len()
    );
    let mut resp = Vec::new();
    // A TLS peer may close without a close_notify after Connection: close; what came is kept.
    let _ = s.read_to_end(&mut resp);
    String::from_utf8_lossy(&resp).into_owned()
}

fn http(port: u16, method: &str, path: &str, host: &str, extra: &str, body: &str) -> String {
    let s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    exchange(s, method, path, host, extra, body)
}

fn session_body() -> String {
    format!(r#"{{"email":"me@home.example","password":"{PASSWORD}"}}"#)
}

#[test]
fn lan_is_refused_without_an_account_naming_the_command_that_makes_one() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(&["--data-dir", dir.path().to_str().unwrap(), "serve", "--lan"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("user add --email YOU@EXAMPLE.ORG --role person --password-stdin"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--data-dir"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[test]
fn lan_prints_addresses_and_a_qr_code_and_every_page_needs_signing_in() {
    let dir = with_account();
    let mut server = Server::start(dir.path(), &["--bind", "0.0.0.0:0"]);
    let urls = server.addresses();
    assert!(!urls.is_empty());
    for u in &urls {
        assert!(u.starts_with("http://") && u.ends_with('/'), "{u}");
        assert!(!u.contains("127.0.0.1"), "loopback is not for a phone: {u}");
    }
    let first = urls[0].clone();
    // A machine with no network address (0.0.0.0 printed) draws no QR code: nothing to scan.
    if !first.contains("0.0.0.0") {
        let qr = expected_qr(&first);
        let printed: Vec<String> = (0..qr.lines().count()).map(|_| server.line()).collect();
        assert_eq!(printed.join("\n"), qr, "the QR code of {first}");
        assert!(qr.contains('█') && qr.contains('▀') && qr.contains('▄'));
    }
    let port = port_of(&first);
    assert_ne!(port, 0);
    let host = first
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    // Signing in is needed for every page and the API.
    let page = http(port, "GET", "/today", &host, "", "");
    assert!(page.starts_with("HTTP/1.1 303"), "{page}");
    assert!(
        page.contains("location: /login?next=%2Ftoday")
            || page.contains("location: /login?next=/today"),
        "{page}"
    );
    let api = http(port, "GET", "/api/v1/journal", &host, "", "");
    assert!(api.starts_with("HTTP/1.1 401"), "{api}");
    // Another name in Host (DNS rebinding on the local network) is refused before anything.
    let other = http(port, "GET", "/login", "evil.example", "", "");
    assert!(other.starts_with("HTTP/1.1 421"), "{other}");
    let login = http(port, "GET", "/login", &host, "", "");
    assert!(login.starts_with("HTTP/1.1 200"), "{login}");
    // Signing in: a session cookie, not Secure over plain HTTP.
    let signed = http(
        port,
        "POST",
        "/api/v1/session",
        &host,
        "Content-Type: application/json\r\n",
        &session_body(),
    );
    assert!(signed.starts_with("HTTP/1.1 200"), "{signed}");
    let cookie_line = signed
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .unwrap()
        .to_string();
    assert!(cookie_line.contains("HttpOnly") && !cookie_line.contains("Secure"));
    let cookie = cookie_line
        .split_once(':')
        .unwrap()
        .1
        .split(';')
        .next()
        .unwrap()
        .trim()
        .to_string();
    let journal = http(
        port,
        "GET",
        "/api/v1/journal",
        &host,
        &format!("Cookie: {cookie}\r\n"),
        "",
    );
    assert!(journal.starts_with("HTTP/1.1 200"), "{journal}");
    assert!(journal.contains("amble.journal/1"));
    let said = server.stop();
    assert!(
        said.contains("cannot keep the screen on") && said.contains("offline"),
        "plain HTTP says what the phone misses: {said}"
    );
    assert!(
        said.contains("your password and your journal cross the network unencrypted")
            && said.contains("--tls-cert FILE --tls-key FILE"),
        "plain HTTP says what crosses the network, and how to add TLS: {said}"
    );
}

#[test]
fn lan_serves_https_with_a_certificate_and_secure_cookies() {
    let dir = with_account();
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    let cert = write(dir.path(), "cert.pem", &certified.cert.pem());
    let key = write(
        dir.path(),
        "key.pem",
        &certified.signing_key.serialize_pem(),
    );
    // A wrong file is bad input, named.
    let bad = run(&[
        "--data-dir",
        dir.path().to_str().unwrap(),
        "serve",
        "--lan",
        "--tls-cert",
        key.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
    ]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("--tls-cert"), "{}", bad.stderr);
    let other = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let wrong_key = write(dir.path(), "other.key", &other.signing_key.serialize_pem());
    let mismatch = run(&[
        "--data-dir",
        dir.path().to_str().unwrap(),
        "serve",
        "--lan",
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        wrong_key.to_str().unwrap(),
    ]);
    assert_eq!(mismatch.code, 2, "{}", mismatch.stderr);
    assert!(mismatch.stderr.contains("other.key"), "{}", mismatch.stderr);
    let half = run(&[
        "--data-dir",
        dir.path().to_str().unwrap(),
        "serve",
        "--lan",
        "--tls-cert",
        cert.to_str().unwrap(),
    ]);
    assert_eq!(half.code, 2, "--tls-cert needs --tls-key");

    let mut server = Server::start(
        dir.path(),
        &[
            "--bind",
            "127.0.0.1:0",
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    let urls = server.addresses();
    assert_eq!(urls.len(), 1, "{urls:?}");
    assert!(urls[0].starts_with("https://127.0.0.1:"), "{urls:?}");
    let port = port_of(&urls[0]);

    use tokio_rustls::rustls;
    let mut roots = rustls::RootCertStore::empty();
    roots.add(certified.cert.der().clone()).unwrap();
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = Arc::new(
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    );
    let tls = |method: &str, path: &str, extra: &str, body: &str| {
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        let conn = rustls::ClientConnection::new(config.clone(), name).unwrap();
        let tcp = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        exchange(
            rustls::StreamOwned::new(conn, tcp),
            method,
            path,
            &format!("localhost:{port}"),
            extra,
            body,
        )
    };
    let page = tls("GET", "/plan", "", "");
    assert!(page.starts_with("HTTP/1.1 303"), "sign in first: {page}");
    let signed = tls(
        "POST",
        "/api/v1/session",
        "Content-Type: application/json\r\n",
        &session_body(),
    );
    assert!(signed.starts_with("HTTP/1.1 200"), "{signed}");
    let cookie_line = signed
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .unwrap();
    assert!(
        cookie_line.contains("Secure") && cookie_line.contains("HttpOnly"),
        "{cookie_line}"
    );
    // Plain HTTP on the HTTPS port gets no page.
    let plain = http(port, "GET", "/login", "localhost", "", "");
    assert!(!plain.starts_with("HTTP/1.1 200"), "{plain}");
    let (shown, said) = server.stop_with_stdout();
    assert!(
        !shown.contains('█') && !shown.contains('▀') && !shown.contains('▄'),
        "no QR code of a loopback address: {shown}"
    );
    assert!(
        !said.contains("cannot keep the screen on"),
        "no warning over HTTPS: {said}"
    );
    assert!(
        said.contains("a phone cannot reach it") && !said.contains("on the same network"),
        "a loopback address is not offered to a phone: {said}"
    );
}

/// `--lan` on a port already in use: one line saying so, with another port to use; nothing
/// logged before it.
#[test]
fn lan_on_a_busy_port_says_so_once() {
    let dir = with_account();
    let taken = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let bind = format!("0.0.0.0:{port}");
    let r = run(&[
        "--data-dir",
        dir.path().to_str().unwrap(),
        "serve",
        "--lan",
        "--bind",
        &bind,
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {}", r.stderr);
    assert!(
        lines[0].starts_with(&format!("error: cannot listen on {bind}"))
            && lines[0].contains("--bind 0.0.0.0:0"),
        "{}",
        r.stderr
    );
    drop(taken);
}
