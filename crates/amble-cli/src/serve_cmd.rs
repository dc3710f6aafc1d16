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
    /// Allow an address other than this computer (127.0.0.1 / ::1). Amble has no accounts yet:
    /// anyone who can reach the address can read and change the journal.
    #[arg(long)]
    allow_remote: bool,
}

pub fn run(global: &Global, args: &ServeArgs) -> Result<(), Failure> {
    let addr: SocketAddr = args.bind.parse().map_err(|_| {
        Failure::BadInput(format!(
            "--bind: expected an address like 127.0.0.1:8080, found \"{}\"",
            args.bind
        ))
    })?;
    if !addr.ip().is_loopback() {
        if !args.allow_remote {
            return Err(Failure::BadInput(format!(
                "--bind {addr}: this would let other computers reach your journal. Amble has no accounts yet; add --allow-remote if you really want this"
            )));
        }
        eprintln!(
            "warning: serving on {addr}, reachable from other computers. Amble has no accounts yet: anyone who can reach this address can read and change your journal."
        );
    }
    let today = match &global.today {
        Some(t) => Some(crate::context::parse_date("--today", t)?),
        None => None,
    };
    let state = AppState::new(global.data_dir()?, load_kb()?, today);
    amble_web::serve_blocking(addr, state, |url| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{url}");
        let _ = out.flush();
        eprintln!("Amble is running at {url} - open it in your browser. Press Ctrl-C to stop.");
    })
    .map_err(|e| Failure::Other(e.into()))
}
