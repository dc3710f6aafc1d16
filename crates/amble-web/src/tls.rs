//! HTTPS for `amble serve --lan --tls-cert FILE --tls-key FILE` (contract §13): rustls on ring,
//! the certificate chain and key read from PEM files. A phone's browser needs a secure context
//! to keep the screen on and to work offline (docs/phone.md).
//!
//! Handshakes run on tasks of their own, so a slow or silent client never holds up the others;
//! a handshake that does not finish in [`HANDSHAKE_SECONDS`] is dropped.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::server::TlsStream;

/// Longest a client may take over the TLS handshake.
pub const HANDSHAKE_SECONDS: u64 = 10;

/// The certificate (chain) and private key, as PEM files.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("--tls-cert {path}: {detail}")]
    Cert { path: PathBuf, detail: String },
    #[error("--tls-key {path}: {detail}")]
    Key { path: PathBuf, detail: String },
    #[error("--tls-cert {} and --tls-key {}: {detail}", cert.display(), key.display())]
    Mismatch {
        cert: PathBuf,
        key: PathBuf,
        detail: String,
    },
}

/// Reads and checks the files: a server configuration, or a message naming the file and the
/// problem.
pub fn server_config(files: &TlsFiles) -> Result<ServerConfig, TlsError> {
    let cert_err = |detail: String| TlsError::Cert {
        path: files.cert.clone(),
        detail,
    };
    let key_err = |detail: String| TlsError::Key {
        path: files.key.clone(),
        detail,
    };
    let cert_pem = read(&files.cert).map_err(cert_err)?;
    let key_pem = read(&files.key).map_err(key_err)?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| cert_err(format!("not a PEM certificate ({e})")))?;
    if certs.is_empty() {
        return Err(cert_err(
            "no certificate found (expected a PEM file with -----BEGIN CERTIFICATE-----)".into(),
        ));
    }
    let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| {
        key_err(format!(
            "no private key found ({e}; expected a PEM file with -----BEGIN PRIVATE KEY-----)"
        ))
    })?;
    // ring builds with a C compiler alone (aws-lc needs cmake and nasm); rustls marks it
    // deprecated only for lacking post-quantum key exchange, which no phone browser requires.
    #[allow(deprecated)]
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let mismatch = |e: tokio_rustls::rustls::Error| TlsError::Mismatch {
        cert: files.cert.clone(),
        key: files.key.clone(),
        detail: format!(
            "the key does not go with the certificate, or is of a kind not supported ({e})"
        ),
    };
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(mismatch)?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(mismatch)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// A file's bytes, bounded (a certificate chain is a few kilobytes).
fn read(path: &Path) -> Result<Vec<u8>, String> {
    const LIMIT: u64 = 1024 * 1024;
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read it ({e})"))?;
    if meta.len() > LIMIT {
        return Err(format!("{} bytes is too large for a PEM file", meta.len()));
    }
    std::fs::read(path).map_err(|e| format!("cannot read it ({e})"))
}

/// A listener that hands axum finished TLS connections.
pub(crate) struct TlsListener {
    local: SocketAddr,
    ready: mpsc::Receiver<(TlsStream<tokio::net::TcpStream>, SocketAddr)>,
}

impl TlsListener {
    /// Accepts on `tcp` and runs each handshake on its own task.
    pub(crate) fn new(tcp: TcpListener, config: ServerConfig) -> std::io::Result<TlsListener> {
        let local = tcp.local_addr()?;
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let (tx, rx) = mpsc::channel(64);
        tokio::spawn(async move {
            loop {
                let (stream, peer) = match tcp.accept().await {
                    Ok(c) => c,
                    Err(_) => {
                        // Out of file descriptors and the like: wait instead of spinning.
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let acceptor = acceptor.clone();
                let sender = tx.clone();
                tokio::spawn(async move {
                    let shake = tokio::time::timeout(
                        Duration::from_secs(HANDSHAKE_SECONDS),
                        acceptor.accept(stream),
                    )
                    .await;
                    if let Ok(Ok(tls)) = shake {
                        let _ = sender.send((tls, peer)).await;
                    }
                });
                if tx.is_closed() {
                    break;
                }
            }
        });
        Ok(TlsListener { local, ready: rx })
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<tokio::net::TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(c) => c,
            // The accepting task ended: nothing more will come.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.local)
    }
}
