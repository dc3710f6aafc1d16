//! A clinic's edges through the real `amble serve` (contract §12), on SQLite accounts: with
//! `--public-url` any other Host gets 421; the sign-in throttle counts the socket's address, so
//! a made-up `X-Forwarded-For` changes nothing, unless the peer is a `--trusted-proxy`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

mod common;

use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Stdio};

const PASSWORD: &str = "a long enough secret";

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(dir: &std::path::Path, args: &[&str]) -> Server {
        let mut child = amble()
            .args([
                "--data-dir",
                dir.to_str().unwrap(),
                "serve",
                "--bind",
                "127.0.0.1:0",
            ])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .trim_end_matches('/')
            .rsplit_once(':')
            .unwrap()
            .1
            .parse()
            .unwrap_or_else(|_| panic!("{line}"));
        Server { child, port }
    }

    /// The status line's code of one request.
    fn status(&self, method: &str, path: &str, host: &str, extra: &str, body: &str) -> u16 {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{extra}\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut resp = String::new();
        s.read_to_string(&mut resp).unwrap();
        resp.split_whitespace().nth(1).unwrap().parse().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sign_in(password: &str) -> String {
    format!(r#"{{"email":"ann@clinic.example","password":"{password}"}}"#)
}

#[test]
fn other_hosts_get_421_and_only_a_trusted_proxy_names_the_client() {
    let dir = tempfile::tempdir().unwrap();
    let r = run_with_stdin(
        &[
            "--data-dir",
            dir.path().to_str().unwrap(),
            "user",
            "add",
            "--email",
            "ann@clinic.example",
            "--role",
            "person",
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let direct = Server::start(dir.path(), &["--public-url", "http://amble.test"]);
    let host = "amble.test";
    assert_eq!(direct.status("GET", "/login", "evil.example", "", ""), 421);
    assert_eq!(direct.status("GET", "/login", "127.0.0.1", "", ""), 421);
    assert_eq!(direct.status("GET", "/login", host, "", ""), 200);
    // Three wrong passwords, each claiming another address: the socket's address counts.
    for i in 1..=3 {
        let xff = format!("X-Forwarded-For: 198.51.100.{i}\r\n");
        let wrong = sign_in("not the password");
        assert_eq!(
            direct.status("POST", "/api/v1/session", host, &xff, &wrong),
            401
        );
    }
    let xff = "X-Forwarded-For: 198.51.100.77\r\n";
    assert_eq!(
        direct.status("POST", "/api/v1/session", host, xff, &sign_in(PASSWORD)),
        429,
        "a made-up X-Forwarded-For escapes nothing"
    );
    // Behind a trusted proxy (here: loopback), the forwarded client counts: another client
    // signs in at once.
    let proxied = Server::start(
        dir.path(),
        &[
            "--public-url",
            "http://amble.test",
            "--trusted-proxy",
            "127.0.0.0/8",
        ],
    );
    assert_eq!(
        proxied.status("POST", "/api/v1/session", host, xff, &sign_in(PASSWORD)),
        200
    );
}
