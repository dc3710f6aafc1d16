//! `amble serve`: the local web app on the same journal as the CLI; `--lan` serves the
//! person's own phone (contract §13), over HTTPS with `--tls-cert/--tls-key`.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use amble_web::AppState;
use clap::Args;

use crate::Global;
use crate::assess_cmd::load_kb;
use crate::failure::Failure;
use crate::lan;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port) [default: 127.0.0.1:8080; with --lan
    /// 0.0.0.0:8080].
    #[arg(long, value_name = "ADDR:PORT")]
    bind: Option<String>,
    /// Serve your own phone on the local network (needs an account: amble user add). Prints
    /// the addresses to open and a QR code of the first.
    #[arg(long)]
    lan: bool,
    /// Serve HTTPS with this certificate (chain), PEM; with --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The certificate's private key, PEM; with --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Kept so that asking for it gets a clear answer: serving other computers needs accounts,
    /// and then any address may be bound.
    #[arg(long, hide = true)]
    allow_remote: bool,
    /// Coach alerts (with accounts): a rise in pain of this many points over the weeks before
    /// (default from content/coach.toml: 2).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=10))]
    alert_pain_rise: Option<u8>,
    /// Coach alerts: any pain rating of this or more in the last week (default: 7).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=10))]
    alert_pain: Option<u8>,
    /// Coach alerts: no entries for this many days (default: 14).
    #[arg(long, value_parser = clap::value_parser!(i64).range(1..=365))]
    alert_quiet_days: Option<i64>,
    /// Open the app in your web browser once it is running.
    #[arg(long)]
    open: bool,
    /// The address people use (https://amble.clinic.example): links in invites and calendar
    /// addresses are built from it; with accounts, requests for any other Host get 421.
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// A proxy in front of Amble (an address or a network like 10.0.0.0/8; repeatable): only
    /// its X-Forwarded-For and X-Forwarded-Proto are believed, else the socket's address.
    #[arg(long, value_name = "ADDR[/BITS]")]
    trusted_proxy: Vec<String>,
    /// How the request log on stderr is written: text (one line per request) or json (one
    /// object per line). The level comes from AMBLE_LOG (else RUST_LOG; default info).
    #[arg(long, value_enum, default_value_t = crate::logs::LogFormat::Text)]
    log_format: crate::logs::LogFormat,
    /// A streaming replica of the PostgreSQL database (repeatable): journal reads go to it,
    /// except a journal this server wrote until the replica has replayed that write; a replica
    /// that lags or does not answer is skipped (docs/scale.md).
    #[arg(long, value_name = "URL")]
    replica: Vec<String>,
}

pub fn run(global: &Global, args: &ServeArgs) -> Result<(), Failure> {
    let bind = args.bind.as_deref().unwrap_or(if args.lan {
        "0.0.0.0:8080"
    } else {
        "127.0.0.1:8080"
    });
    let addr: SocketAddr = bind.parse().map_err(|_| {
        Failure::BadInput(format!(
            "--bind: expected an address like 127.0.0.1:8080, found \"{bind}\""
        ))
    })?;
    crate::logs::init(args.log_format)?;
    // A server never changes the schema (contract §12): on PostgreSQL it checks the version
    // and refuses an older one, naming `amble db migrate`.
    let storage = global.storage()?.for_server();
    let storage = with_replicas(storage, &args.replica)?;
    if let amble_store::Database::Postgres(db, _) = &storage {
        db.check_schema()?;
    }
    // Accounts: any user in the storage (the SQLite journal or a PostgreSQL database). Then
    // every request signs in, and any address may be bound.
    let accounts = match storage.accounts()? {
        Some(a) if a.has_users()? => Some(a),
        _ => None,
    };
    if args.lan && accounts.is_none() {
        return Err(Failure::BadInput(format!(
            "amble serve --lan needs an account first: anyone on the network could otherwise read and change the journal. Make yours with:\n  amble{} user add --email YOU@EXAMPLE.ORG --role person --password-stdin\n(the password is read from the first line of stdin; docs/phone.md)",
            where_flags(global)
        )));
    }
    if accounts.is_none() && (!addr.ip().is_loopback() || args.allow_remote) {
        return Err(Failure::BadInput(format!(
            "--bind {addr}: without accounts Amble serves this computer only (127.0.0.1 or ::1): anyone on the network could otherwise read and change the journal. Add an account (amble user add) and use amble serve --lan for your phone (docs/phone.md)"
        )));
    }
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(
            amble_web::tls::server_config(&amble_web::tls::TlsFiles {
                cert: cert.clone(),
                key: key.clone(),
            })
            .map_err(|e| Failure::BadInput(e.to_string()))?,
        ),
        _ => None,
    };
    let public_url = args
        .public_url
        .as_deref()
        .map(amble_web::PublicUrl::parse)
        .transpose()
        .map_err(Failure::BadInput)?;
    let trusted = args
        .trusted_proxy
        .iter()
        .map(|p| amble_web::TrustedProxy::parse(p))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Failure::BadInput)?;
    if accounts.is_some() && public_url.is_none() && !args.lan && !addr.ip().is_loopback() {
        eprintln!(
            "Note: without --public-url, invite links and calendar addresses are shown as paths, and any Host is answered; give the address people use, e.g. --public-url https://amble.clinic.example"
        );
    }
    let today = match &global.today {
        Some(t) => Some(crate::context::parse_date("--today", t)?),
        None => None,
    };
    let lan = args.lan.then(|| lan::Addresses::of_this_machine(addr));
    let accounts_for_purge = accounts.clone();
    let state = match accounts {
        Some(accounts) => {
            let kb = load_kb()?;
            let alerts = kb.coach.thresholds().with(
                args.alert_pain_rise,
                args.alert_pain,
                args.alert_quiet_days,
            );
            AppState::with_database(storage, kb, today)
                .with_accounts(accounts)
                .with_alert_thresholds(alerts)
        }
        None => AppState::with_database(
            with_replicas(global.database()?.for_server(), &args.replica)?,
            load_kb()?,
            today,
        ),
    };
    let state = match &lan {
        Some(l) => state.with_lan_hosts(l.hosts.clone()),
        None => state,
    };
    let state = match public_url {
        Some(url) => state.with_public_url(url),
        None => state,
    };
    let state = state.with_trusted_proxies(trusted);
    let open = args.open;
    let secure = tls.is_some();
    amble_web::serve_blocking_with(addr, state, tls, |url| {
        // Started once the address is taken: a port in use says so and nothing else.
        if let Some(accounts) = &accounts_for_purge {
            crate::logs::purge_hourly(accounts.clone());
        }
        let here = announce(url, lan.as_ref(), secure);
        if open {
            open_browser(&here);
        }
    })
    .map_err(|e| Failure::Other(anyhow::Error::msg(serve_failure(&e, secure))))
}

/// What `amble serve --lan` says when it serves plain HTTP.
const PLAIN_HTTP_ON_THE_NETWORK: &str = "This is plain HTTP: your password and your journal cross the network unencrypted, so anyone on the same network (a shared or public Wi-Fi) could read them, and the phone's browser cannot keep the screen on during a walk or work offline. Use it only on a network you trust, or serve HTTPS with --tls-cert FILE --tls-key FILE (docs/phone.md shows three ways to get a certificate).";

/// Why the server could not start, said once, with what to do when the port is taken.
fn serve_failure(e: &amble_web::ServeError, secure: bool) -> String {
    match e {
        amble_web::ServeError::Bind { addr, source }
            if source.kind() == std::io::ErrorKind::AddrInUse =>
        {
            let scheme = if secure { "https" } else { "http" };
            format!(
                "cannot listen on {addr}: another program (perhaps another amble serve) is using port {port}. Stop it (is {scheme}://{shown}/ already Amble?), or choose another port: --bind {ip}:{next}, or --bind {ip}:0 for any free one (the address is printed when it starts).",
                port = addr.port(),
                shown = if addr.ip().is_unspecified() {
                    std::net::SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), addr.port())
                } else {
                    *addr
                },
                ip = match addr.ip() {
                    std::net::IpAddr::V6(ip) => format!("[{ip}]"),
                    ip => ip.to_string(),
                },
                next = addr.port().saturating_add(1).max(1024),
            )
        }
        other => other.to_string(),
    }
}

/// Says where Amble is serving (with `--lan`, every address and a QR code of the first, unless
/// no address is one a phone can reach, such as a loopback `--bind`) and
/// returns the page to open here: with `--lan` the first address (a browser may not open 0.0.0.0).
fn announce(url: &str, lan: Option<&lan::Addresses>, secure: bool) -> String {
    let mut out = std::io::stdout().lock();
    // The page to open here: with --lan the first address (a browser may not open 0.0.0.0).
    let mut here = url.to_string();
    match lan {
        Some(l) => {
            let urls = l.urls(url);
            if let Some(first) = urls.first() {
                here.clone_from(first);
            }
            for u in &urls {
                let _ = writeln!(out, "{u}");
            }
            let _ = writeln!(out);
            if let Some(first) = urls.first().filter(|_| l.for_a_phone()) {
                let _ = write!(out, "{}", lan::qr(first));
            }
            let _ = out.flush();
            if l.open.is_empty() {
                eprintln!(
                    "No network address of this computer was found: is it connected to the network your phone is on?"
                );
            }
            if !l.open.is_empty() && l.open.iter().all(|ip| ip.is_loopback()) {
                eprintln!(
                    "{} is this computer's own address: a phone cannot reach it. To serve your phone, leave out --bind (or use --bind 0.0.0.0:PORT). Press Ctrl-C to stop.",
                    urls.first().map_or(url, String::as_str)
                );
            } else {
                eprintln!(
                    "Amble is serving your phone: scan the code, or open {} on a phone on the same network, and sign in. Press Ctrl-C to stop.",
                    urls.first().map_or(url, String::as_str)
                );
            }
            if !secure {
                eprintln!("{PLAIN_HTTP_ON_THE_NETWORK}");
            }
        }
        None => {
            let _ = writeln!(out, "{url}");
            let _ = out.flush();
            eprintln!("Amble is running at {url} - open it in your browser. Press Ctrl-C to stop.");
        }
    }
    here
}

/// The flags that chose the journal, to repeat in a command shown to the person.
fn where_flags(global: &Global) -> String {
    match (&global.database, &global.data_dir) {
        (Some(url), _) if !url.is_empty() => " --database URL".to_string(),
        (_, Some(dir)) => format!(" --data-dir {}", dir.display()),
        _ => String::new(),
    }
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

/// `--replica URL`: journal reads sent to these replicas (PostgreSQL only; docs/scale.md).
fn with_replicas(
    storage: amble_store::Database,
    replicas: &[String],
) -> Result<amble_store::Database, Failure> {
    if replicas.is_empty() {
        return Ok(storage);
    }
    if !matches!(storage, amble_store::Database::Postgres(..)) {
        return Err(Failure::BadInput(
            "--replica: replicas are PostgreSQL servers; give the primary with --database postgres://... (a SQLite journal has none)".into(),
        ));
    }
    storage
        .with_replicas(replicas)
        .map_err(|e| Failure::BadInput(e.to_string()))
}
