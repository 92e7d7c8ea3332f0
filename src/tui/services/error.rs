//! Why a service could not do what a command asked. The runtime shows the
//! message; nothing in the wizard decides anything from its text.

use std::io;
use std::path::PathBuf;

use crate::config_file::{FileError, PrepareError};
use crate::local_file::{ReadError, WriteFilesError};
use crate::probe::SetupError;
use crate::sim::SimError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The config file could not be read, or the edit for the plan was
    /// refused (invalid TOML, another `server_name`, ...).
    #[error(transparent)]
    Prepare(#[from] PrepareError),
    /// The config file could not be written (or changed after the diff).
    #[error(transparent)]
    File(#[from] FileError),
    /// The config file changed on disk after the diff was shown.
    #[error(
        "{}: the file changed on disk after the diff was made (another editor or a deployment \
         tool?). Nothing was written; w shows the diff of the current content",
        .0.display()
    )]
    ChangedOnDisk(PathBuf),
    /// The config file already holds exactly the plan's settings.
    #[error("{} already has these settings", .0.display())]
    AlreadyWritten(PathBuf),
    /// Saving with no generated artifact.
    #[error("there is nothing to save (no files were generated)")]
    NothingToSave,
    /// An artifact's file exists with other content.
    #[error(
        "{} already exists with other content; choose an empty folder (nothing was written)",
        .0.display()
    )]
    WouldReplace(PathBuf),
    /// Something other than a regular file is where an artifact goes (a
    /// symlink, a FIFO, a folder), or the folder could not be written.
    #[error(transparent)]
    Save(#[from] WriteFilesError),
    /// A file already at an artifact's name could not be read to compare.
    #[error(transparent)]
    Read(ReadError),
    /// An artifact's file name would leave the output folder.
    #[error("refusing the file name `{0}`: it leaves the output folder")]
    LeavesFolder(String),
    /// A report file of that name exists already.
    #[error("{} already exists; choose another name (nothing was written)", .0.display())]
    ReportExists(PathBuf),
    /// Reading, creating or writing a file the wizard saves failed.
    #[error("cannot {doing} {}: {}", .path.display(), io_words(.source))]
    Io {
        doing: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    /// The network of the checks could not be set up (resolver
    /// configuration, trusted roots).
    #[error(transparent)]
    Network(#[from] SetupError),
    /// No built-in simulated deployment by that name (or a broken one).
    #[error(transparent)]
    Scenario(SimError),
    /// The simulated deployment's servers could not start.
    #[error("cannot start the simulated deployment {name}: {source}")]
    SimStart { name: String, source: SimError },
    /// `demo` has no simulated deployment running yet.
    #[error("no simulated deployment is running (pick one first)")]
    NoDemoRunning,
    /// A demo start asked of services whose checks go to the real network.
    #[error("not a demo: the checks go to the real network")]
    NotADemo,
    /// Installing the proxy configuration is not possible here (`demo`
    /// never touches this machine's proxy).
    #[error("installing the proxy configuration is not available here (not in `demo`)")]
    NoInstall,
    /// The config file to take the listen address from could not be read.
    #[error(transparent)]
    SelfCheckConfig(#[from] crate::config_file::LoadError),
    /// The config file's `address`, `port` or `unix_socket_path` is not usable.
    #[error("{}: {problem}", .path.display())]
    Listen {
        path: PathBuf,
        problem: crate::selfcheck::listen::ListenError,
    },
    /// These services cannot ask a homeserver (test doubles).
    #[error("the self-check is not available here")]
    NoSelfCheck,
    /// Services with no simulated internet at all.
    #[error("no simulated internet here (only `matrix-delegate demo`)")]
    NoSimulation,
}

impl ServiceError {
    pub(super) fn io(doing: &'static str, path: &std::path::Path, source: io::Error) -> Self {
        ServiceError::Io {
            doing,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// An operating-system error in words, without the `(os error N)` code:
/// what happened, by its kind.
fn io_words(e: &io::Error) -> String {
    use io::ErrorKind as K;
    let words = match e.kind() {
        K::NotFound => "no such file or folder",
        K::PermissionDenied => "permission denied (run as a user who may, e.g. with sudo)",
        K::AlreadyExists => "it already exists",
        K::ReadOnlyFilesystem => "the file system is read-only",
        K::StorageFull => "the disk is full",
        K::NotADirectory => "a part of the path is a file, not a folder",
        K::IsADirectory => "it is a folder",
        K::InvalidFilename => "the name is too long or not allowed",
        K::DirectoryNotEmpty => "the folder is not empty",
        _ => {
            return e
                .to_string()
                .split(" (os error")
                .next()
                .unwrap_or_default()
                .to_string();
        }
    };
    words.to_string()
}
