//! Opening and reading a file the user named: regular files only, size capped.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use rustix::fs::{Mode, OFlags};

use super::{FileKind, ReadError};

/// Opens `path` (symlinks followed: a config under `/etc` is often one) for
/// reading and checks that what was opened is a regular file. A FIFO, a
/// device, a socket or a directory is refused without reading from it; the
/// open cannot block on a FIFO without a writer (`O_NONBLOCK`), and a
/// terminal device never becomes the controlling terminal (`O_NOCTTY`). The
/// returned file can be streamed (line by line for a long list); for a
/// whole read under a limit use [`read_capped`] or [`read_to_string_capped`].
pub fn open_regular(path: &Path) -> Result<File, ReadError> {
    // A look before opening, so that a device is not even opened (opening
    // some has effects: a tape rewinds, a serial line hangs up). What counts
    // is the check of the opened descriptor below: the path may change in
    // between.
    let before = std::fs::metadata(path).map_err(|e| ReadError::from_io(path.into(), e))?;
    refuse_unless_regular(path, &before)?;
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
    let fd = rustix::fs::open(path, flags, Mode::empty())
        .map_err(|e| ReadError::from_io(path.into(), e.into()))?;
    let file = File::from(fd);
    let opened = file
        .metadata()
        .map_err(|e| ReadError::from_io(path.into(), e))?;
    refuse_unless_regular(path, &opened)?;
    Ok(file)
}

fn refuse_unless_regular(path: &Path, metadata: &std::fs::Metadata) -> Result<(), ReadError> {
    match FileKind::of(metadata.file_type()) {
        FileKind::Regular => Ok(()),
        kind => Err(ReadError::NotAFile {
            path: path.to_path_buf(),
            kind,
        }),
    }
}

/// Reads all of `file` (opened from `path` by [`open_regular`]) if it holds
/// at most `limit` bytes. A file that claims more is refused before reading;
/// one that holds more than it claims is refused after `limit + 1` bytes.
pub fn read_capped(mut file: File, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let claimed = file
        .metadata()
        .map_err(|e| ReadError::from_io(path.into(), e))?
        .len();
    if claimed > limit {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            size: Some(claimed),
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(claimed).unwrap_or(0));
    (&mut file)
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::from_io(path.into(), e))?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > limit {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            size: None,
            limit,
        });
    }
    Ok(bytes)
}

/// [`open_regular`] and [`read_capped`], as UTF-8 text (an invalid byte is
/// refused with its line number).
pub fn read_to_string_capped(path: &Path, limit: u64) -> Result<String, ReadError> {
    let bytes = read_capped(open_regular(path)?, path, limit)?;
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        ReadError::NotUtf8 {
            path: path.to_path_buf(),
            line: good.iter().filter(|b| **b == b'\n').count() + 1,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_holding_more_than_it_claims_is_cut_at_the_limit() {
        // Files under /proc claim a size of 0 and hold more.
        let path = Path::new("/proc/self/status");
        let file = open_regular(path).expect("a regular file, as far as stat knows");
        match read_capped(file, path, 16) {
            Err(ReadError::TooLarge {
                size: None,
                limit: 16,
                ..
            }) => {}
            other => panic!("expected TooLarge without a size: {other:?}"),
        }
    }

    #[test]
    fn a_file_at_the_limit_is_read_whole() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("f");
        std::fs::write(&path, "12345678").expect("write");
        assert_eq!(read_to_string_capped(&path, 8).expect("read"), "12345678");
        assert!(matches!(
            read_to_string_capped(&path, 7),
            Err(ReadError::TooLarge { size: Some(8), .. })
        ));
    }

    #[test]
    fn invalid_utf8_names_its_line() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("f");
        std::fs::write(&path, b"a\nb\n\xff").expect("write");
        assert!(matches!(
            read_to_string_capped(&path, 100),
            Err(ReadError::NotUtf8 { line: 3, .. })
        ));
    }
}
