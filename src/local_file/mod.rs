//! The one place that opens files and folders the user names on the command
//! line (`--config`, `--write-config`, `config show`, `--ca-file`, `--out`),
//! so that a path naming something other than a regular file cannot hang
//! the program, exhaust its memory or make it write somewhere else.
//!
//! Reading ([`open_regular`], [`read_to_string_capped`]): a FIFO, a device, a
//! socket or a directory is refused before a byte is read. The file is opened
//! with `O_NONBLOCK` (a FIFO with no writer cannot block the open) and the
//! type is taken from the opened descriptor (`fstat`), so the check holds for
//! the very file that is read. A capped read refuses a file over its limit
//! and never reads more than the limit plus one byte, whatever the size
//! claims (files in `/proc` say 0).
//!
//! A long list is streamed from the checked file rather than read whole:
//!
//! ```no_run
//! use std::io::{BufRead, BufReader};
//! use std::path::Path;
//!
//! use matrix_delegate::local_file::{ReadError, open_regular};
//!
//! fn count_names(path: &Path) -> Result<usize, ReadError> {
//!     let mut names = 0;
//!     for line in BufReader::new(open_regular(path)?).lines() {
//!         let line = line.map_err(|source| ReadError::Io {
//!             path: path.to_path_buf(),
//!             source,
//!         })?;
//!         if !line.trim().is_empty() && !line.trim_start().starts_with('#') {
//!             names += 1;
//!         }
//!     }
//!     Ok(names)
//! }
//! ```
//!
//! Writing ([`write_files`]): every file is created next to its final name
//! under a fresh temporary name (`O_CREAT | O_EXCL | O_NOFOLLOW`), flushed,
//! then renamed into place inside the opened folder (`renameat`). Folders
//! below the output folder are opened with `O_NOFOLLOW | O_DIRECTORY`. A
//! rename replaces a directory entry and never writes through it, so no
//! symlink or special file named like an output is ever followed, even if it
//! appears between the checks and the writes.

mod read;
mod write;

use std::fmt;
use std::io;
use std::path::PathBuf;

pub use read::{open_regular, read_capped, read_to_string_capped};
pub use write::{Conflict, NewFile, Replace, WriteFilesError, write_files};

/// What a path names, as far as these checks care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Regular,
    Directory,
    Symlink,
    Fifo,
    CharDevice,
    BlockDevice,
    Socket,
    Unknown,
}

impl FileKind {
    /// The kind of a file from its metadata (`lstat` or `fstat`).
    pub fn of(file_type: std::fs::FileType) -> FileKind {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_file() {
            FileKind::Regular
        } else if file_type.is_dir() {
            FileKind::Directory
        } else if file_type.is_symlink() {
            FileKind::Symlink
        } else if file_type.is_fifo() {
            FileKind::Fifo
        } else if file_type.is_char_device() {
            FileKind::CharDevice
        } else if file_type.is_block_device() {
            FileKind::BlockDevice
        } else if file_type.is_socket() {
            FileKind::Socket
        } else {
            FileKind::Unknown
        }
    }

    /// "a directory", "a FIFO (named pipe)", ...: what follows "is".
    pub fn described(self) -> &'static str {
        match self {
            FileKind::Regular => "a regular file",
            FileKind::Directory => "a directory",
            FileKind::Symlink => "a symbolic link",
            FileKind::Fifo => "a FIFO (named pipe)",
            FileKind::CharDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::Socket => "a socket",
            FileKind::Unknown => "not a regular file",
        }
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.described())
    }
}

/// Why a file the user named could not be read. Nothing was read into the
/// program beyond the limit, and nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{}: no such file", .path.display())]
    NotFound { path: PathBuf },
    #[error("{}: permission denied", .path.display())]
    PermissionDenied { path: PathBuf },
    #[error("{}: is {kind}, not a regular file; nothing was read from it", .path.display())]
    NotAFile { path: PathBuf, kind: FileKind },
    #[error(
        "{}: is too large ({}; the limit for this file is {}); nothing was used from it",
        .path.display(), too_large_size(*.size, *.limit), bytes_in_words(*.limit)
    )]
    TooLarge {
        path: PathBuf,
        /// The size the file claims, when that is what gave it away (a
        /// file can also grow while it is read).
        size: Option<u64>,
        limit: u64,
    },
    #[error("{}: the file is not UTF-8 text (invalid byte at line {line})", .path.display())]
    NotUtf8 { path: PathBuf, line: usize },
    #[error("{}: {source}", .path.display())]
    Io { path: PathBuf, source: io::Error },
}

impl ReadError {
    fn from_io(path: PathBuf, source: io::Error) -> ReadError {
        match source.kind() {
            io::ErrorKind::NotFound => ReadError::NotFound { path },
            io::ErrorKind::PermissionDenied => ReadError::PermissionDenied { path },
            io::ErrorKind::IsADirectory => ReadError::NotAFile {
                path,
                kind: FileKind::Directory,
            },
            _ => ReadError::Io { path, source },
        }
    }
}

fn too_large_size(size: Option<u64>, limit: u64) -> String {
    match size {
        Some(size) => bytes_in_words(size),
        None => format!("more than {}", bytes_in_words(limit)),
    }
}

/// `4 MiB`, `1.5 KiB`, `312 bytes`: limits and sizes in messages.
pub fn bytes_in_words(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            let whole = bytes / size;
            let tenths = (bytes % size) * 10 / size;
            return if tenths == 0 {
                format!("{whole} {unit}")
            } else {
                format!("{whole}.{tenths} {unit}")
            };
        }
    }
    format!("{bytes} bytes")
}
