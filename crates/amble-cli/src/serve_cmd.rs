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
    /// Not available yet: serving other computers needs accounts (coach mode), which this
    /// version does not have. Kept so that asking for it gets a clear answer.
    #[arg(long, hide = true)]
    allow_remote: bool,
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
    if !addr.ip().is_loopback() || args.allow_remote {
        return Err(Failure::BadInput(format!(
            "--bind {addr}: Amble serves this computer only (127.0.0.1 or ::1). Serving other computers needs accounts, which this version does not have: without them anyone on the network could read and change your journal"
        )));
    }
    let today = match &global.today {
        Some(t) => Some(crate::context::parse_date("--today", t)?),
        None => None,
    };
    let state = AppState::with_database(global.database()?, load_kb()?, today);
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
