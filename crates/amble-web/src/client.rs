//! Who is on the other end of a request, and which address this server is known by.
//!
//! The client's address is the socket's peer, unless that peer is one of the proxies named with
//! `amble serve --trusted-proxy ADDR|CIDR`: then `X-Forwarded-For` is read from the right, past
//! every trusted proxy, and the first address that is not one is the client. From any other peer
//! `X-Forwarded-For` and `X-Forwarded-Proto` are removed before anything reads them, so a client
//! cannot choose its own address (and escape the sign-in throttle) or claim TLS.
//!
//! `amble serve --public-url URL` is the address people use: links that leave the server
//! (invites, calendar addresses) are built from it, never from `Host`, and with accounts a
//! request for any other `Host` is refused (421, in `security`).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

/// An address or a network (`10.0.0.0/8`, `::1`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustedProxy {
    net: IpAddr,
    prefix: u8,
}

impl TrustedProxy {
    /// `ADDR` or `ADDR/BITS`; the message names what is wrong.
    pub fn parse(text: &str) -> Result<TrustedProxy, String> {
        let text = text.trim();
        let (addr, bits) = match text.split_once('/') {
            Some((a, b)) => (a, Some(b)),
            None => (text, None),
        };
        let net: IpAddr = addr.parse().map_err(|_| {
            format!("--trusted-proxy {text:?}: expected an IP address or a network like 10.0.0.0/8")
        })?;
        let net = net.to_canonical();
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = match bits {
            None => max,
            Some(b) => b.parse::<u8>().ok().filter(|b| *b <= max).ok_or_else(|| {
                format!("--trusted-proxy {text:?}: the prefix must be a number from 0 to {max}")
            })?,
        };
        Ok(TrustedProxy { net, prefix })
    }

    /// Whether `ip` is this address or inside this network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.net, ip.to_canonical()) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// The address people use for this server (`--public-url`): scheme, host and port only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    /// `https://amble.clinic.example` (no trailing slash; the port only when not the default).
    origin: String,
    /// The host name, lower case (IPv6 without brackets).
    host: String,
    port: u16,
    https: bool,
}

impl PublicUrl {
    /// `http(s)://HOST[:PORT][/]`: no user, path, query or fragment.
    pub fn parse(text: &str) -> Result<PublicUrl, String> {
        let bad = |why: &str| format!("--public-url {text:?}: {why}");
        let t = text.trim();
        let (https, rest) = if let Some(r) = t.strip_prefix("https://") {
            (true, r)
        } else if let Some(r) = t.strip_prefix("http://") {
            (false, r)
        } else {
            return Err(bad("expected an address like https://amble.clinic.example"));
        };
        let authority = rest.strip_suffix('/').unwrap_or(rest).to_ascii_lowercase();
        if authority.is_empty()
            || authority.chars().any(|c| {
                matches!(c, '/' | '?' | '#' | '@' | '\\') || c.is_whitespace() || c.is_control()
            })
        {
            return Err(bad(
                "only the scheme, host and port (no path, query or user)",
            ));
        }
        let default = if https { 443 } else { 80 };
        let (host, port) = if let Some(inner) = authority.strip_prefix('[') {
            let (h, after) = inner
                .split_once(']')
                .ok_or_else(|| bad("an IPv6 address needs its closing ]"))?;
            let port = match after.strip_prefix(':') {
                Some(p) => p
                    .parse::<u16>()
                    .map_err(|_| bad("the port must be a number"))?,
                None if after.is_empty() => default,
                None => return Err(bad("unexpected text after the address")),
            };
            (h.to_string(), port)
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (
                    h.to_string(),
                    p.parse::<u16>()
                        .map_err(|_| bad("the port must be a number"))?,
                ),
                None => (authority.clone(), default),
            }
        };
        if host.is_empty() || port == 0 {
            return Err(bad("a host and a port from 1 are needed"));
        }
        let shown = if host.contains(':') {
            format!("[{host}]")
        } else {
            host.clone()
        };
        let origin = if port == default {
            format!("{}://{shown}", if https { "https" } else { "http" })
        } else {
            format!("{}://{shown}:{port}", if https { "https" } else { "http" })
        };
        Ok(PublicUrl {
            origin,
            host,
            port,
            https,
        })
    }

    /// `https://amble.clinic.example`: links are this plus a path.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn https(&self) -> bool {
        self.https
    }

    /// Whether a request's `Host` names this address (its port may be left out when it is the
    /// default one).
    pub(crate) fn matches_host(&self, headers: &HeaderMap) -> bool {
        let Some(host) = headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
        else {
            return false;
        };
        let host = host.trim().to_ascii_lowercase();
        let default = if self.https { 443 } else { 80 };
        let (name, port) = if let Some(inner) = host.strip_prefix('[') {
            match inner.split_once(']') {
                Some((n, "")) => (n.to_string(), Some(default)),
                Some((n, after)) => (
                    n.to_string(),
                    after.strip_prefix(':').and_then(|p| p.parse::<u16>().ok()),
                ),
                None => return false,
            }
        } else {
            match host.rsplit_once(':') {
                Some((n, p)) => (n.to_string(), p.parse::<u16>().ok()),
                None => (host.clone(), Some(default)),
            }
        };
        port == Some(self.port) && name.trim_end_matches('.') == self.host
    }
}

/// The client's address as the sign-in throttle counts it (`unknown` when the server was not
/// told its peer): an IPv4 address, or an IPv6 address's /64 network (one home or phone
/// usually has a whole /64, so counting single IPv6 addresses would give it endless fresh ones).
#[derive(Debug, Clone)]
pub(crate) struct ClientAddr(pub String);

fn throttle_key(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let net = u128::from(v6) & (u128::MAX << 64);
            format!("{}/64", std::net::Ipv6Addr::from(net))
        }
    }
}

/// Marks a request that came over this server's own TLS.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OverTls;

/// The peer of a connection to this server's own TLS listener.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TlsPeer(SocketAddr);

impl
    axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, crate::tls::TlsListener>>
    for TlsPeer
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, crate::tls::TlsListener>) -> TlsPeer {
        TlsPeer(*stream.remote_addr())
    }
}

/// The client from `X-Forwarded-For`, read from the right past every trusted proxy.
fn forwarded_client(headers: &HeaderMap, trusted: &[TrustedProxy]) -> Option<IpAddr> {
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .collect();
    for hop in hops.iter().rev() {
        let ip: IpAddr = hop.parse().ok()?;
        let ip = ip.to_canonical();
        if !trusted.iter().any(|t| t.contains(ip)) {
            return Some(ip);
        }
    }
    // Every hop a trusted proxy: the leftmost one is the client.
    hops.first()
        .and_then(|h| h.parse::<IpAddr>().ok())
        .map(|ip| ip.to_canonical())
}

/// Decides the client's address and cleans the forwarded headers (see the module
/// documentation).
pub(crate) async fn layer(State(app): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
        .or_else(|| {
            req.extensions()
                .get::<ConnectInfo<TlsPeer>>()
                .map(|c| c.0.0)
        })
        .map(|a| a.ip().to_canonical());
    let trusted = app.trusted_proxies();
    let from_proxy = peer.is_some_and(|p| trusted.iter().any(|t| t.contains(p)));
    let client = if from_proxy {
        forwarded_client(req.headers(), trusted).or(peer)
    } else {
        peer
    };
    let tls = req.extensions().get::<OverTls>().is_some();
    let headers = req.headers_mut();
    if !from_proxy {
        headers.remove("x-forwarded-for");
        headers.remove("x-forwarded-proto");
    }
    if tls {
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https"));
    }
    let addr = client.map_or_else(|| "unknown".to_string(), throttle_key);
    req.extensions_mut().insert(ClientAddr(addr));
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn trusted_proxies_are_addresses_or_networks() {
        let one = TrustedProxy::parse("127.0.0.1").unwrap_or_else(|e| panic!("{e}"));
        assert!(one.contains(ip("127.0.0.1")) && !one.contains(ip("127.0.0.2")));
        assert!(
            one.contains(ip("::ffff:127.0.0.1")),
            "IPv4 seen through IPv6"
        );
        let net = TrustedProxy::parse("10.1.0.0/16").unwrap_or_else(|e| panic!("{e}"));
        assert!(net.contains(ip("10.1.200.3")) && !net.contains(ip("10.2.0.1")));
        assert!(!net.contains(ip("::1")));
        let v6 = TrustedProxy::parse("fd00::/8").unwrap_or_else(|e| panic!("{e}"));
        assert!(v6.contains(ip("fd12::1")) && !v6.contains(ip("fe80::1")));
        let all = TrustedProxy::parse("0.0.0.0/0").unwrap_or_else(|e| panic!("{e}"));
        assert!(all.contains(ip("8.8.8.8")));
        for bad in [
            "",
            "nginx",
            "10.0.0.0/33",
            "::/129",
            "10.0.0.0/x",
            "10.0.0.0/",
        ] {
            assert!(TrustedProxy::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_client_is_the_first_untrusted_hop_from_the_right() {
        let trusted = [TrustedProxy::parse("10.0.0.0/8").unwrap_or_else(|e| panic!("{e}"))];
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 203.0.113.7, 10.0.0.2"),
        );
        assert_eq!(forwarded_client(&h, &trusted), Some(ip("203.0.113.7")));
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("not an address, 10.0.0.2"),
        );
        assert_eq!(forwarded_client(&h, &trusted), None);
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("10.0.0.5, 10.0.0.2"),
        );
        assert_eq!(forwarded_client(&h, &trusted), Some(ip("10.0.0.5")));
        assert_eq!(forwarded_client(&HeaderMap::new(), &trusted), None);
    }

    #[test]
    fn ipv6_clients_count_by_their_64_network() {
        assert_eq!(throttle_key(ip("203.0.113.9")), "203.0.113.9");
        assert_eq!(throttle_key(ip("::ffff:203.0.113.9")), "203.0.113.9");
        assert_eq!(
            throttle_key(ip("2001:db8:1:2:aaaa::1")),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            throttle_key(ip("2001:db8:1:2:ffff::9")),
            throttle_key(ip("2001:db8:1:2::1"))
        );
        assert_ne!(
            throttle_key(ip("2001:db8:1:3::1")),
            throttle_key(ip("2001:db8:1:2::1"))
        );
    }

    fn host(h: &str) -> HeaderMap {
        let mut m = HeaderMap::new();
        m.insert(
            axum::http::header::HOST,
            HeaderValue::from_str(h).unwrap_or_else(|e| panic!("{e}")),
        );
        m
    }

    #[test]
    fn the_public_url_is_a_scheme_a_host_and_a_port() {
        let p = PublicUrl::parse("https://Amble.Clinic.example/").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.origin(), "https://amble.clinic.example");
        assert!(p.https());
        for ok in [
            "amble.clinic.example",
            "AMBLE.clinic.example:443",
            "amble.clinic.example.",
        ] {
            assert!(p.matches_host(&host(ok)), "{ok}");
        }
        for bad in [
            "evil.example",
            "amble.clinic.example:8443",
            "amble.clinic.example.evil",
            "localhost",
        ] {
            assert!(!p.matches_host(&host(bad)), "{bad}");
        }
        assert!(!p.matches_host(&HeaderMap::new()));
        let p = PublicUrl::parse("http://[::1]:8080").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.origin(), "http://[::1]:8080");
        assert!(p.matches_host(&host("[::1]:8080")) && !p.matches_host(&host("[::1]")));
        for bad in [
            "",
            "amble.clinic.example",
            "ftp://x.example",
            "https://",
            "https://x.example/path",
            "https://x.example?q",
            "https://user@x.example",
            "https://x.example:99999",
            "https://x.example:0",
            "https://x.example:port",
        ] {
            assert!(PublicUrl::parse(bad).is_err(), "{bad:?}");
        }
    }
}
