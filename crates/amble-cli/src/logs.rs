//! The server's log (`amble serve`): structured records on stderr, as text or JSON lines, at
//! the level of `AMBLE_LOG` (else `RUST_LOG`; default `info`). The records themselves are
//! made by amble-web (`request_log`): never health data, query strings or emails.

use std::str::FromStr;
use std::time::Duration;

use clap::ValueEnum;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::prelude::*;

use crate::failure::Failure;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// The level filter from `AMBLE_LOG` or `RUST_LOG` (`info`, `warn`, `amble::request=warn,info`).
fn filter() -> Result<Targets, Failure> {
    let (name, value) = match std::env::var("AMBLE_LOG") {
        Ok(v) => ("AMBLE_LOG", v),
        Err(_) => match std::env::var("RUST_LOG") {
            Ok(v) => ("RUST_LOG", v),
            Err(_) => ("", "info".to_string()),
        },
    };
    // Each directive is a level, or TARGET=LEVEL (a bare word would name a target, silently).
    let levels = ["error", "warn", "info", "debug", "trace", "off"];
    let is_level = |l: &str| levels.iter().any(|x| x.eq_ignore_ascii_case(l.trim()));
    let every_known =
        value
            .split(',')
            .filter(|d| !d.trim().is_empty())
            .all(|d| match d.split_once('=') {
                Some((target, level)) => !target.trim().is_empty() && is_level(level),
                None => is_level(d),
            });
    if !every_known {
        return Err(Failure::BadInput(format!(
            "{name}: expected a level (error, warn, info, debug, trace, off) or TARGET=LEVEL pairs separated by commas, found {value:?}"
        )));
    }
    Targets::from_str(value.trim()).map_err(|e| {
        Failure::BadInput(format!(
            "{name}: expected a level (error, warn, info, debug, trace, off) or TARGET=LEVEL pairs separated by commas, found {value:?} ({e})"
        ))
    })
}

/// Installs the log writer for this process (once; a second call changes nothing).
pub fn init(format: LogFormat) -> Result<(), Failure> {
    let filter = filter()?;
    let registry = tracing_subscriber::registry().with(filter);
    let _ = match format {
        LogFormat::Text => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(std::io::stderr)
                    .with_target(true),
            )
            .try_init(),
        LogFormat::Json => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(false)
                    .with_span_list(false)
                    .with_writer(std::io::stderr),
            )
            .try_init(),
    };
    Ok(())
}

/// Purges expired sessions and old sign-in failures now and every hour after, on a thread of
/// its own (the audit log's retention is `amble db purge`, run by the owner).
pub fn purge_hourly(accounts: amble_store::Accounts) {
    std::thread::spawn(move || {
        loop {
            match accounts.purge(None) {
                Ok(p) => tracing::info!(
                    target: "amble::purge",
                    sessions = p.sessions,
                    sign_in_failures = p.sign_in_failures,
                    "purged what has expired"
                ),
                Err(e) => tracing::warn!(target: "amble::purge", cause = %e, "purge failed"),
            }
            std::thread::sleep(Duration::from_secs(3600));
        }
    });
}
