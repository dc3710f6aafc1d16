//! `amble serve --lan`: which addresses a phone on the same network can open, which names
//! `Host` may carry, and the first address as a QR code drawn with block characters.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;

/// This machine as the local network sees it.
pub struct Addresses {
    /// The IPv4 addresses to open, most likely first (home networks' 192.168/16, then 10/8,
    /// 172.16/12, then the rest, such as a private network's 100.64/10).
    pub open: Vec<Ipv4Addr>,
    /// Every name and address of this machine `Host` may carry (loopback is always allowed).
    pub hosts: Vec<String>,
}

impl Addresses {
    /// For a server bound to `bind`: its own address when it names one, else every
    /// non-loopback IPv4 address of the machine's interfaces.
    pub fn of_this_machine(bind: SocketAddr) -> Addresses {
        let interfaces: Vec<IpAddr> = if_addrs::get_if_addrs()
            .map(|list| list.iter().map(|i| i.ip()).collect())
            .unwrap_or_default();
        let mut open: Vec<Ipv4Addr> = match bind.ip() {
            IpAddr::V4(v4) if !v4.is_unspecified() => vec![v4],
            _ => interfaces
                .iter()
                .filter_map(|ip| match ip {
                    IpAddr::V4(v4) if !v4.is_loopback() && !v4.is_link_local() => Some(*v4),
                    _ => None,
                })
                .collect(),
        };
        open.sort_by_key(|ip| (rank(*ip), *ip));
        open.dedup();
        let mut hosts: Vec<String> = interfaces.iter().map(IpAddr::to_string).collect();
        hosts.push(bind.ip().to_string());
        if let Some(name) = host_name() {
            hosts.push(format!("{name}.local"));
            hosts.push(name);
        }
        hosts.sort();
        hosts.dedup();
        Addresses { open, hosts }
    }

    /// Whether a phone may reach one of the addresses to open: none known, or only this
    /// computer's own (loopback, e.g. `--bind 127.0.0.1:PORT`), is no address for a phone, so
    /// no QR code is drawn for it.
    pub fn for_a_phone(&self) -> bool {
        self.open.iter().any(|ip| !ip.is_loopback())
    }

    /// The addresses to open, as URLs with the scheme and port of `served` (the URL the
    /// server bound, e.g. `https://0.0.0.0:8080/`); `served` itself when none is known.
    pub fn urls(&self, served: &str) -> Vec<String> {
        let (scheme, rest) = served.split_once("://").unwrap_or(("http", served));
        let port = rest
            .trim_end_matches('/')
            .rsplit_once(':')
            .map_or("8080", |(_, p)| p);
        if self.open.is_empty() {
            return vec![served.to_string()];
        }
        self.open
            .iter()
            .map(|ip| format!("{scheme}://{ip}:{port}/"))
            .collect()
    }
}

/// Lower is more likely the network a phone is on.
fn rank(ip: Ipv4Addr) -> u8 {
    match ip.octets() {
        [192, 168, ..] => 0,
        [10, ..] => 1,
        [172, b, ..] if (16..32).contains(&b) => 2,
        _ => 3,
    }
}

/// The machine's name, lower case, if it can be read.
fn host_name() -> Option<String> {
    let from_file = |p: &str| std::fs::read_to_string(p).ok();
    let raw = from_file("/proc/sys/kernel/hostname")
        .or_else(|| from_file("/etc/hostname"))
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .or_else(|| {
            std::process::Command::new("hostname")
                .output()
                .ok()
                .filter(|o| o.status.success())
                .and_then(|o| String::from_utf8(o.stdout).ok())
        })?;
    let name = raw.trim().trim_end_matches(".local").to_ascii_lowercase();
    let ok = !name.is_empty()
        && name.len() <= 253
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    ok.then_some(name)
}

/// `text` as a QR code for a terminal: two rows of modules per line of text (█ ▀ ▄), light
/// modules drawn as blocks, as on the usual dark terminal background, with the quiet zone.
pub fn qr(text: &str) -> String {
    match QrCode::new(text.as_bytes()) {
        Ok(code) => {
            let mut s = code
                .render::<Dense1x2>()
                .dark_color(Dense1x2::Light)
                .light_color(Dense1x2::Dark)
                .build();
            s.push('\n');
            s
        }
        // Only for text far longer than any address.
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_take_the_served_scheme_and_port() {
        let a = Addresses {
            open: vec![Ipv4Addr::new(192, 168, 1, 20), Ipv4Addr::new(10, 0, 0, 5)],
            hosts: vec![],
        };
        assert_eq!(
            a.urls("https://0.0.0.0:8443/"),
            ["https://192.168.1.20:8443/", "https://10.0.0.5:8443/"]
        );
        let none = Addresses {
            open: vec![],
            hosts: vec![],
        };
        assert_eq!(none.urls("http://0.0.0.0:8080/"), ["http://0.0.0.0:8080/"]);
    }

    #[test]
    fn only_an_address_off_this_computer_is_for_a_phone() {
        let at = |open: Vec<Ipv4Addr>| Addresses {
            open,
            hosts: Vec::new(),
        };
        assert!(!at(vec![Ipv4Addr::LOCALHOST]).for_a_phone());
        assert!(!at(vec![Ipv4Addr::new(127, 0, 1, 1)]).for_a_phone());
        assert!(!at(Vec::new()).for_a_phone(), "no address known");
        assert!(at(vec![Ipv4Addr::new(192, 168, 1, 20)]).for_a_phone());
    }

    #[test]
    fn home_networks_come_first() {
        let mut ips = [
            Ipv4Addr::new(100, 101, 1, 2),
            Ipv4Addr::new(172, 17, 0, 1),
            Ipv4Addr::new(10, 1, 1, 1),
            Ipv4Addr::new(192, 168, 0, 9),
        ];
        ips.sort_by_key(|ip| (rank(*ip), *ip));
        assert_eq!(ips[0], Ipv4Addr::new(192, 168, 0, 9));
        assert_eq!(ips[3], Ipv4Addr::new(100, 101, 1, 2));
    }

    #[test]
    fn the_qr_code_is_blocks_of_even_width() {
        let q = qr("https://192.168.1.20:8080/");
        let lines: Vec<&str> = q.lines().collect();
        assert!(lines.len() > 10);
        let width = lines[0].chars().count();
        assert!(lines.iter().all(|l| l.chars().count() == width));
        assert!(
            q.chars().all(|c| matches!(c, '█' | '▀' | '▄' | ' ' | '\n')),
            "{q}"
        );
        assert!(lines[0].chars().all(|c| c == '█'), "quiet zone first");
    }
}
