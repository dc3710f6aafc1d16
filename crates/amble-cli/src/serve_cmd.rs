//! `amble serve`: the local web app on the same journal as the CLI.

use std::io::Write;
use std::net::SocketAddr;

use amble_web::AppState;
use clap::Args;

use crate::Global;
use crate::assess_cmd::load_kb;
use crate::failure::Failure;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR:PORT")]
    bind: String,
    /// Kept so that asking for it gets a clear answer: serving other computers needs accounts
    /// (a PostgreSQL database with users), and then any address may be bound.
    #[arg(long, hide = true)]
    allow_remote: bool,
    /// Coach alerts (with accounts): a rise in pain of this many points over the week before.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=10))]
    alert_pain_rise: u8,
    /// Coach alerts: any pain rating of this or more in the last week.
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u8).range(1..=10))]
    alert_pain: u8,
    /// Coach alerts: no entries for this many days.
    #[arg(long, default_value_t = 14, value_parser = clap::value_parser!(i64).range(1..=365))]
    alert_quiet_days: i64,
    /// Open the app in your web browser once it is running.
    #[arg(long)]
    open: bool,
}

pub fn run(global: &Global, args: &ServeArgs) -> Result<(), Failure> {
    let addr: SocketAddr = args.bind.parse().map_err(|_| {
        Failure::BadInput(format!(
            "--bind: expected an address like 127.0.0.1:8080, found \"{}\"",
            args.bind
        ))
    })?;
    // Accounts: a PostgreSQL database with any user. Then every request signs in, and any
    // address may be bound (behind the clinic's TLS proxy).
    let accounts = match global.storage()? {
        amble_store::Database::Postgres(pg, _) if pg.has_users()? => Some(pg),
        _ => None,
    };
    if accounts.is_none() && (!addr.ip().is_loopback() || args.allow_remote) {
        return Err(Failure::BadInput(format!(
            "--bind {addr}: without accounts Amble serves this computer only (127.0.0.1 or ::1): anyone on the network could otherwise read and change the journal. Accounts live in a PostgreSQL database (docs/deploy.md)"
        )));
    }
    let today = match &global.today {
        Some(t) => Some(crate::context::parse_date("--today", t)?),
        None => None,
    };
    let state = match accounts {
        Some(pg) => AppState::with_database(
            amble_store::Database::Postgres(pg.clone(), amble_store::DEFAULT_JOURNAL),
            load_kb()?,
            today,
        )
        .with_accounts(pg)
        .with_alert_thresholds(amble_web::coach::AlertThresholds {
            pain_rise: args.alert_pain_rise,
            pain_high: args.alert_pain,
            quiet_days: args.alert_quiet_days,
        }),
        None => AppState::with_database(global.database()?, load_kb()?, today),
    };
    let open = args.open;
    amble_web::serve_blocking(addr, state, |url| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{url}");
        let _ = out.flush();
        eprintln!("Amble is running at {url} - open it in your browser. Press Ctrl-C to stop.");
        if open {
            open_browser(url);
        }
    })
    .map_err(|e| Failure::Other(e.into()))
}

/// Best effort: hand the URL to the desktop's browser; say so if that isn't possible.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(target_os = "windows") {
        "explorer"
    } else {
        "xdg-open"
    };
    let started = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if started.is_err() {
        eprintln!("(Could not open a browser here; open {url} yourself.)");
    }
}
