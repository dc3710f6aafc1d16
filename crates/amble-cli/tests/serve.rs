//! `amble serve` as a program: the URL comes first on stdout, loopback by default, other
//! addresses only with --allow-remote and a warning.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod common;

use common::*;
use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;

fn start(args: &[&str]) -> (std::process::Child, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut child = amble()
        .args(["--data-dir", dir.path().to_str().unwrap(), "serve"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line)
}

#[test]
fn serve_prints_its_url_first_and_answers() {
    let (mut child, line) = start(&["--bind", "127.0.0.1:0"]);
    let url = line.trim();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with('/'),
        "{line:?}"
    );
    let port: u16 = url
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches('/')
        .parse()
        .unwrap();
    assert_ne!(port, 0, "port 0 picks a real free port");
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    use std::io::Write;
    s.write_all(b"GET /api/v1/journal HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    assert!(resp.contains("amble.journal/1"));
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn only_this_computer_is_served_until_there_are_accounts() {
    for args in [
        &["serve", "--bind", "0.0.0.0:0"][..],
        &["serve", "--bind", "0.0.0.0:0", "--allow-remote"][..],
        &["serve", "--bind", "192.168.1.20:8080", "--allow-remote"][..],
    ] {
        let r = run(args);
        assert_eq!(r.code, 2, "{args:?}");
        assert!(
            r.stderr.contains("this computer") && r.stderr.contains("accounts"),
            "{}",
            r.stderr
        );
    }
    let r = run(&["serve", "--bind", "localhost:http"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--bind"), "{}", r.stderr);
}

#[test]
fn replicas_need_a_postgres_primary() {
    let r = run(&["serve", "--replica", "postgres://amble@127.0.0.1:1/amble"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("--replica") && r.stderr.contains("--database postgres://"),
        "{}",
        r.stderr
    );
}

/// A port already in use: one message, said once, with what to do; no other line before it.
#[test]
fn a_busy_port_says_so_once_with_advice() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let bind = format!("127.0.0.1:{port}");
    let r = run(&["serve", "--bind", &bind]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {}", r.stderr);
    assert!(
        lines[0].starts_with(&format!("error: cannot listen on {bind}: another program")),
        "{}",
        r.stderr
    );
    assert!(
        lines[0].contains("--bind 127.0.0.1:0") && lines[0].contains(&format!("port {port}")),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stderr.matches("in use").count(),
        0,
        "the OS's words are not repeated: {}",
        r.stderr
    );
    drop(taken);
}
