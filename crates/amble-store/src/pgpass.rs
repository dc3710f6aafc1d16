//! What libpq does and the Rust client does not (docs/deploy.md): a password from
//! `PGPASSWORD`, else from the password file (`PGPASSFILE`, else `~/.pgpass`), when the
//! address has none; and messages that say why a connection failed ("password authentication
//! failed for user ...") instead of only "db error", never with the password.

use std::path::PathBuf;

use postgres::config::Host;

/// The password for `config` from the environment or the password file, when it has none.
pub(crate) fn fill_password(config: &mut postgres::Config) {
    if config.get_password().is_some() {
        return;
    }
    if let Some(p) = std::env::var_os("PGPASSWORD").filter(|p| !p.is_empty()) {
        config.password(p.to_string_lossy().as_bytes());
        return;
    }
    let file = std::env::var_os("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pgpass")));
    let Some(text) = file.and_then(|f| std::fs::read_to_string(f).ok()) else {
        return;
    };
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        Some(Host::Unix(_)) | None => "localhost".to_string(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let db = config.get_dbname().unwrap_or_default().to_string();
    let user = config.get_user().unwrap_or_default().to_string();
    if let Some(p) = lookup(&text, &[&host, &port, &db, &user]) {
        config.password(p.as_bytes());
    }
}

/// The password of the first line of a password file matching `want` (host, port, database,
/// user; `*` matches anything; `\:` and `\\` are escapes, `#` starts a comment).
fn lookup(text: &str, want: &[&str; 4]) -> Option<String> {
    for line in text.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields = split(line);
        if fields.len() < 5 {
            continue;
        }
        let matches = fields[..4]
            .iter()
            .zip(want.iter())
            .all(|(f, w)| f == "*" || f == w || (*w == "localhost" && f == "localhost"));
        if matches {
            return Some(fields[4..].join(":"));
        }
    }
    None
}

fn split(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(n), Some(last)) = (chars.next(), out.last_mut()) {
                    last.push(n);
                }
            }
            ':' if out.len() < 5 => out.push(String::new()),
            _ => {
                if let Some(last) = out.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    out
}

/// A connection error in words: the server's own message when it sent one.
pub(crate) fn explain(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.severity(), db.message()),
        None => {
            let mut s = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(cause) = source {
                s.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_file_is_read_as_libpq_does() {
        let file = "# comment\nother:5432:*:amble:nope\nlocalhost:5432:amble:amble:s3c\\:ret\n*:*:*:*:fallback\n";
        assert_eq!(
            lookup(file, &["localhost", "5432", "amble", "amble"]).as_deref(),
            Some("s3c:ret")
        );
        assert_eq!(
            lookup(file, &["db.example", "5433", "x", "y"]).as_deref(),
            Some("fallback")
        );
        assert_eq!(lookup("a:b:c\n", &["a", "b", "c", "d"]), None);
    }
}
