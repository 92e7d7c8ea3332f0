//! Why a config file could not be read or changed. Every message says what
//! happened and what to do; none of these errors leaves the file changed.

use std::path::{Path, PathBuf};

use crate::local_file::{FileKind, ReadError, bytes_in_words};

/// The text is not something we can work on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "the file is not valid TOML: line {line}, column {column}: {message}. Fix that line \
         (the homeserver cannot read the file either) and run again"
    )]
    InvalidToml {
        line: usize,
        column: usize,
        message: String,
    },
}

/// Why an edit was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("{0}. Nothing was changed")]
    Config(#[from] ConfigError),
    #[error(
        "the config file's server_name is `{found}` (line {line}) but the plan is for \
         `{wanted}`. The server name cannot change without wiping the homeserver's database: \
         every user ID, room and signing key is tied to it. Nothing was changed. If `{found}` \
         is right, run again with that server name; if you really mean to start over as \
         `{wanted}`, wipe the database and set server_name yourself first"
    )]
    ServerNameMismatch {
        found: String,
        wanted: String,
        line: usize,
    },
    #[error(
        "the environment variable {var} sets server_name to `{found}` but the plan is for \
         `{wanted}`. The server name cannot change without wiping the homeserver's database. \
         Nothing was changed"
    )]
    ServerNameMismatchEnv {
        found: String,
        wanted: String,
        var: String,
    },
    #[error("line {line}: {message}. Nothing was changed")]
    Unsupported { line: usize, message: String },
    #[error(
        "the edit did not come out right ({message}); nothing was written. Please report this \
         with the config file (secrets removed)"
    )]
    Internal { message: String },
}

/// Why reading or writing the file failed. The original file is untouched.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{}: no such file. Check the path (or pass --config PATH)", .path.display())]
    NotFound { path: PathBuf },
    #[error("{}: permission denied while {doing}. Run as a user who may {may} (for example with sudo), or copy the file somewhere writable. Nothing was changed", .path.display())]
    PermissionDenied {
        path: PathBuf,
        doing: &'static str,
        may: &'static str,
    },
    #[error("{}: the file system is read-only. Remount it read-write or edit the config where it is writable (for a container, the host-side file). Nothing was changed", .path.display())]
    ReadOnly { path: PathBuf },
    #[error("{}: the disk is full. Free some space and run again. Nothing was changed", .path.display())]
    DiskFull { path: PathBuf },
    #[error("{}: is a directory, not a config file", .path.display())]
    IsDirectory { path: PathBuf },
    #[error("{}: is {kind}, not a config file; nothing was read from it", .path.display())]
    NotAFile { path: PathBuf, kind: FileKind },
    #[error(
        "{}: is too large for a homeserver config ({}; the limit is {}). Check the path; \
         nothing was changed",
        .path.display(),
        .size.map_or_else(|| format!("more than {}", bytes_in_words(*.limit)), bytes_in_words),
        bytes_in_words(*.limit)
    )]
    TooLarge {
        path: PathBuf,
        size: Option<u64>,
        limit: u64,
    },
    #[error("{}: the file is not UTF-8 text (invalid byte at line {line}). Nothing was changed; re-save it as UTF-8", .path.display())]
    NotUtf8 { path: PathBuf, line: usize },
    #[error("{}: the file changed on disk after it was read (another editor or a deployment tool?). Nothing was written; run again to work on the current content", .path.display())]
    ChangedOnDisk { path: PathBuf },
    #[error("{}: cannot keep the file's owner {uid}:{gid} ({source}). Run as root or as the owner. Nothing was changed", .path.display())]
    Owner {
        path: PathBuf,
        uid: u32,
        gid: u32,
        source: std::io::Error,
    },
    #[error("{}: {doing} failed: {source}. Nothing was changed", .path.display())]
    Io {
        path: PathBuf,
        doing: &'static str,
        source: std::io::Error,
    },
}

impl FileError {
    /// Maps an I/O error to the message that tells the operator what to do.
    pub fn from_io(
        path: impl Into<PathBuf>,
        doing: &'static str,
        source: std::io::Error,
    ) -> FileError {
        use std::io::ErrorKind as K;
        let path = path.into();
        match source.kind() {
            K::NotFound => FileError::NotFound { path },
            K::PermissionDenied => FileError::PermissionDenied {
                path,
                doing,
                may: if doing.starts_with("read") {
                    "read it"
                } else {
                    "write the file and its directory"
                },
            },
            K::ReadOnlyFilesystem => FileError::ReadOnly { path },
            K::StorageFull | K::QuotaExceeded => FileError::DiskFull { path },
            K::IsADirectory => FileError::IsDirectory { path },
            _ => FileError::Io {
                path,
                doing,
                source,
            },
        }
    }
}

impl FileError {
    /// The message for a file that could not be read the careful way
    /// (`path` is the path as the operator gave it).
    pub fn from_read(path: &Path, e: ReadError) -> FileError {
        let path = path.to_path_buf();
        match e {
            ReadError::NotAFile {
                kind: FileKind::Directory,
                ..
            } => FileError::IsDirectory { path },
            ReadError::NotAFile { kind, .. } => FileError::NotAFile { path, kind },
            ReadError::TooLarge { size, limit, .. } => FileError::TooLarge { path, size, limit },
            ReadError::NotUtf8 { line, .. } => FileError::NotUtf8 { path, line },
            ReadError::NotFound { .. } => FileError::NotFound { path },
            ReadError::PermissionDenied { .. } => FileError::PermissionDenied {
                path,
                doing: "reading",
                may: "read it",
            },
            ReadError::Io { source, .. } => FileError::from_io(path, "reading", source),
        }
    }
}

/// Reading a config file from disk and inspecting it.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error("{}: {source}", .path.display())]
    Config { path: PathBuf, source: ConfigError },
}
