//! Finished output that cannot be printed yet (a failing name's report
//! waits for the summary table; a JSON line waits for the names before it)
//! goes to a spool: a temporary file that is unlinked as soon as it is
//! created, so memory stays flat however many names there are, and nothing
//! is left behind however the program ends. Without a usable temporary
//! directory the spool falls back to memory.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// Where one spooled piece is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Spooled {
    offset: u64,
    len: usize,
}

#[derive(Debug)]
pub(super) struct Spool {
    store: Store,
    end: u64,
}

#[derive(Debug)]
enum Store {
    File(File),
    Memory(Vec<u8>),
}

impl Spool {
    /// A spool in `dir` (normally [`std::env::temp_dir`]), in memory when
    /// no file can be made there.
    pub(super) fn new(dir: &Path) -> Spool {
        let store = match unlinked_file(dir) {
            Ok(file) => Store::File(file),
            Err(_) => Store::Memory(Vec::new()),
        };
        Spool { store, end: 0 }
    }

    pub(super) fn put(&mut self, bytes: &[u8]) -> io::Result<Spooled> {
        let at = Spooled {
            offset: self.end,
            len: bytes.len(),
        };
        match &mut self.store {
            Store::File(file) => file.write_all_at(bytes, self.end)?,
            Store::Memory(buf) => buf.extend_from_slice(bytes),
        }
        self.end += bytes.len() as u64;
        Ok(at)
    }

    pub(super) fn get(&self, at: Spooled) -> io::Result<Vec<u8>> {
        match &self.store {
            Store::File(file) => {
                let mut out = vec![0; at.len];
                file.read_exact_at(&mut out, at.offset)?;
                Ok(out)
            }
            Store::Memory(buf) => {
                let start = usize::try_from(at.offset).map_err(io::Error::other)?;
                buf.get(start..start + at.len)
                    .map(<[u8]>::to_vec)
                    .ok_or_else(|| io::Error::other("spooled piece out of range"))
            }
        }
    }

    /// Copies a spooled piece to `out`.
    pub(super) fn copy_to(&self, at: Spooled, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(&self.get(at)?)
    }
}

/// A new file only this process can read, removed from the directory at
/// once (it lives until the handle is closed).
fn unlinked_file(dir: &Path) -> io::Result<File> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    for attempt in 0..16u32 {
        let path = dir.join(format!(
            ".matrix-delegate-spool-{}-{nanos}-{attempt}",
            std::process::id()
        ));
        match OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
        {
            Ok(file) => {
                std::fs::remove_file(&path)?;
                return Ok(file);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("no free spool file name"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_come_back_in_any_order_and_nothing_is_left_in_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let mut spool = Spool::new(dir.path());
        assert!(matches!(spool.store, Store::File(_)));
        let a = spool.put(b"first\n").unwrap();
        let b = spool.put(b"second\n").unwrap();
        assert_eq!(spool.get(b).unwrap(), b"second\n");
        assert_eq!(spool.get(a).unwrap(), b"first\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn memory_fallback() {
        let mut spool = Spool::new(Path::new("/nonexistent/directory"));
        assert!(matches!(spool.store, Store::Memory(_)));
        let a = spool.put(b"x").unwrap();
        let mut out = Vec::new();
        spool.copy_to(a, &mut out).unwrap();
        assert_eq!(out, b"x");
    }
}
