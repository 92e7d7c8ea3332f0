//! Carrying out the file operations under the root, remembering what was
//! there before so that every touched path can be put back byte for byte.
//! Files are written by `local_file::write_files` (temporary file beside
//! the name, renamed into place, never through a symlink); a replaced file
//! is first copied to the backup folder; links are made under a temporary
//! name and renamed over the old entry; a removed file is backed up first
//! and a removed link remembered by its target (a link is removed itself,
//! never followed).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::{ApplyError, inside};
use crate::install::FileOp;
use crate::local_file::{FileKind, NewFile, Replace, open_regular, read_capped, write_files};

/// The largest configuration file read back or backed up.
pub const MAX_FILE_BYTES: u64 = 4 << 20;

/// What stood at a path before the install touched it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Before {
    Absent,
    File { bytes: Vec<u8>, mode: u32 },
    Link { target: PathBuf },
}

/// One path the install changed.
#[derive(Debug, Clone)]
pub struct Touched {
    /// As seen inside the root.
    pub path: String,
    pub before: Before,
    pub backup: Option<PathBuf>,
}

/// The state of a path now, without following a symlink.
pub fn state_of(full: &Path) -> Result<Before, ApplyError> {
    let io = |source| ApplyError::Io {
        path: full.to_path_buf(),
        doing: "looking at the file",
        source,
    };
    match std::fs::symlink_metadata(full) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Before::Absent),
        Err(e) => Err(io(e)),
        Ok(meta) => match FileKind::of(meta.file_type()) {
            FileKind::Symlink => Ok(Before::Link {
                target: std::fs::read_link(full).map_err(io)?,
            }),
            FileKind::Regular => {
                let file = open_regular(full).map_err(ApplyError::Read)?;
                Ok(Before::File {
                    bytes: read_capped(file, full, MAX_FILE_BYTES).map_err(ApplyError::Read)?,
                    mode: meta.permissions().mode() & 0o7777,
                })
            }
            kind => Err(ApplyError::InTheWay {
                path: full.to_path_buf(),
                kind,
            }),
        },
    }
}

/// Records `path` as touched with its state `before`, a file's bytes
/// backed up under `backups` first, so that [`restore`] can put it back.
fn remember(
    touched: &mut Vec<Touched>,
    path: &str,
    before: &Before,
    backups: &Path,
) -> Result<(), ApplyError> {
    let backup = match before {
        Before::File { bytes, mode } => Some(back_up(backups, path, bytes, *mode)?),
        _ => None,
    };
    touched.push(Touched {
        path: path.to_string(),
        before: before.clone(),
        backup,
    });
    Ok(())
}

/// Carries out `ops` in order. On failure the paths touched so far come
/// back with the error, for [`restore`].
pub fn execute(
    root: &Path,
    ops: &[FileOp],
    backups: &Path,
) -> Result<Vec<Touched>, (ApplyError, Vec<Touched>)> {
    let mut touched: Vec<Touched> = Vec::new();
    for op in ops {
        let full = inside(root, op.path());
        let before = match state_of(&full) {
            Ok(b) => b,
            Err(e) => return Err((e, touched)),
        };
        let result = match (op, &before) {
            (FileOp::Write { .. }, Before::Link { .. }) => Err(ApplyError::InTheWay {
                path: full.clone(),
                kind: FileKind::Symlink,
            }),
            (FileOp::Link { .. }, Before::File { .. }) => Err(ApplyError::InTheWay {
                path: full.clone(),
                kind: FileKind::Regular,
            }),
            (FileOp::Write { contents, .. }, _) => {
                if let Err(e) = remember(&mut touched, op.path(), &before, backups) {
                    return Err((e, touched));
                }
                write_file(&full, contents.as_bytes())
            }
            (FileOp::Remove { .. }, Before::Absent) => Ok(()),
            (FileOp::Remove { .. }, _) => {
                // A file is backed up first, like a replaced one; a link is
                // remembered by its target. `remove_file` removes the link
                // itself, never what it points to.
                if let Err(e) = remember(&mut touched, op.path(), &before, backups) {
                    return Err((e, touched));
                }
                std::fs::remove_file(&full).map_err(|source| ApplyError::Io {
                    path: full.clone(),
                    doing: "removing the file",
                    source,
                })
            }
            (FileOp::Link { target, .. }, _) => {
                touched.push(Touched {
                    path: op.path().to_string(),
                    before: before.clone(),
                    backup: None,
                });
                make_link(&full, Path::new(target))
            }
        };
        if let Err(e) = result {
            return Err((e, touched));
        }
    }
    Ok(touched)
}

/// Puts every touched path back as it was, last first, and checks that
/// each now is byte for byte what it was. Returns the paths that could not
/// be restored, with why.
pub fn restore(root: &Path, touched: &[Touched]) -> Vec<(String, ApplyError)> {
    let mut failed = Vec::new();
    for t in touched.iter().rev() {
        let full = inside(root, &t.path);
        let result = match &t.before {
            Before::Absent => match std::fs::remove_file(&full) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(ApplyError::Io {
                    path: full.clone(),
                    doing: "removing the new file",
                    source: e,
                }),
                _ => Ok(()),
            },
            Before::File { bytes, mode } => write_file(&full, bytes).and_then(|()| {
                std::fs::set_permissions(&full, std::fs::Permissions::from_mode(*mode)).map_err(
                    |source| ApplyError::Io {
                        path: full.clone(),
                        doing: "restoring the file mode",
                        source,
                    },
                )
            }),
            Before::Link { target } => make_link(&full, target),
        };
        let result = result.and_then(|()| match state_of(&full) {
            Ok(now) if now == t.before => Ok(()),
            Ok(_) => Err(ApplyError::NotRestored { path: full.clone() }),
            Err(e) => Err(e),
        });
        if let Err(e) = result {
            failed.push((t.path.clone(), e));
        }
    }
    failed
}

fn split(full: &Path) -> Result<(&Path, String), ApplyError> {
    match (full.parent(), full.file_name()) {
        (Some(dir), Some(name)) => Ok((dir, name.to_string_lossy().into_owned())),
        _ => Err(ApplyError::InTheWay {
            path: full.to_path_buf(),
            kind: FileKind::Directory,
        }),
    }
}

fn write_file(full: &Path, bytes: &[u8]) -> Result<(), ApplyError> {
    let (dir, name) = split(full)?;
    write_files(
        dir,
        &[NewFile {
            relative: &name,
            contents: bytes,
        }],
        Replace::RegularFiles,
    )
    .map(|_| ())
    .map_err(ApplyError::Write)
}

/// A link made under a temporary name and renamed over the old entry, so
/// the name is never missing and nothing is written through a link.
fn make_link(full: &Path, target: &Path) -> Result<(), ApplyError> {
    let (dir, name) = split(full)?;
    let temp = dir.join(format!(
        ".{name}.matrix-delegate.{}.link",
        std::process::id()
    ));
    let io = |doing, source| ApplyError::Io {
        path: full.to_path_buf(),
        doing,
        source,
    };
    let _ = std::fs::remove_file(&temp);
    std::os::unix::fs::symlink(target, &temp).map_err(|e| io("creating the link", e))?;
    std::fs::rename(&temp, full).map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        io("renaming the link into place", e)
    })
}

/// Copies the old bytes of `path` to `<backups>/<path>`.
fn back_up(backups: &Path, path: &str, bytes: &[u8], mode: u32) -> Result<PathBuf, ApplyError> {
    let relative = path.trim_start_matches('/');
    write_files(
        backups,
        &[NewFile {
            relative,
            contents: bytes,
        }],
        Replace::Nothing,
    )
    .map_err(ApplyError::Write)?;
    let backup = backups.join(relative);
    // No more readable than the file it keeps.
    std::fs::set_permissions(&backup, std::fs::Permissions::from_mode(mode)).map_err(|source| {
        ApplyError::Io {
            path: backup.clone(),
            doing: "setting the backup's mode",
            source,
        }
    })?;
    Ok(backup)
}
