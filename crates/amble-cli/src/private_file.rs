//! Files Amble writes hold health data (exports, reports, calendars): they are created readable
//! and writable by their owner only (0600 on Unix), also when they replace an existing file.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path`, created (or truncated) with mode 0600 on Unix.
pub fn write(path: &Path, bytes: impl AsRef<[u8]>) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let mut file = options.open(path)?;
        // An existing file keeps its mode on open: narrow it too.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        file.write_all(bytes.as_ref())?;
        file.sync_all()
    }
    #[cfg(not(unix))]
    {
        let mut file = options.open(path)?;
        file.write_all(bytes.as_ref())?;
        file.sync_all()
    }
}
