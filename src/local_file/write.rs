//! Writing new files into a folder the user named, never through a symlink
//! or into a special file, whatever appears there while it runs.

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{self, Write};
use std::os::fd::OwnedFd;
use std::path::{Component, Path, PathBuf};

use rustix::fs::{AtFlags, CWD, FileType, Mode, OFlags, RenameFlags};
use rustix::io::Errno;

use super::FileKind;

/// One file to write: its path relative to the output folder
/// (`well-known/matrix/server`) and its bytes.
#[derive(Debug, Clone, Copy)]
pub struct NewFile<'a> {
    pub relative: &'a str,
    pub contents: &'a [u8],
}

/// What may be replaced at the names written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replace {
    /// Nothing: every name must be free.
    Nothing,
    /// Regular files (the new file takes the old one's permission bits).
    /// Symlinks, folders and special files are refused all the same.
    RegularFiles,
}

/// Something in the way of a file to write: a regular file (only in the
/// way when nothing may be replaced), or anything else at the file's name
/// or at one of the folders above it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub path: PathBuf,
    pub kind: FileKind,
}

/// Why the files were not (all) written.
#[derive(Debug, thiserror::Error)]
pub enum WriteFilesError {
    #[error("`{name}` is not a path inside the output folder; nothing was written")]
    LeavesFolder { name: String },
    /// Found before anything was written: nothing was.
    #[error("{}; nothing was written", conflicts_in_words(.conflicts))]
    Refused { conflicts: Vec<Conflict> },
    #[error("{}: {doing} failed: {source}; nothing was written", .path.display())]
    Io {
        path: PathBuf,
        doing: &'static str,
        source: io::Error,
    },
    /// Something took a name after the checks (another program at work in
    /// the folder). It was left as it was; the files listed in `written`
    /// had been put in place already, the others were not written.
    #[error(
        "{}: {} appeared there while the files were being written; it was left alone and the \
         files from there on were not written{}",
        .conflict.path.display(), .conflict.kind, written_in_words(.written)
    )]
    Raced {
        conflict: Conflict,
        written: Vec<PathBuf>,
    },
}

fn conflicts_in_words(conflicts: &[Conflict]) -> String {
    conflicts
        .iter()
        .map(|c| match c.kind {
            FileKind::Regular => format!("{} exists", c.path.display()),
            kind => format!("{} is {kind}", c.path.display()),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn written_in_words(written: &[PathBuf]) -> String {
    if written.is_empty() {
        return String::new();
    }
    let list: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    format!(" (already written: {})", list.join(", "))
}

/// Writes `files` under `dir` (created if missing; a symlink the user gave
/// as `dir` itself is followed). First every name is looked at: anything
/// that is not a regular file (a symlink, dangling or not, a FIFO, a
/// folder, ...) at a file's name or in place of a folder above it is
/// refused, and so are regular files unless `replace` allows them; then
/// nothing is written. Otherwise each file is written to a new temporary
/// file beside its name and renamed over it, so a file is either absent,
/// as it was, or complete. Returns the paths written, in order.
pub fn write_files(
    dir: &Path,
    files: &[NewFile<'_>],
    replace: Replace,
) -> Result<Vec<PathBuf>, WriteFilesError> {
    let parsed = files
        .iter()
        .map(|f| split(f.relative).map(|(folders, name)| (folders, name, f.contents)))
        .collect::<Result<Vec<_>, _>>()?;
    std::fs::create_dir_all(dir).map_err(|source| WriteFilesError::Io {
        path: dir.to_path_buf(),
        doing: "creating the folder",
        source,
    })?;
    let root = rustix::fs::openat(
        CWD,
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| WriteFilesError::Io {
        path: dir.to_path_buf(),
        doing: "opening the folder",
        source: e.into(),
    })?;
    let mut folders = Folders {
        dir: dir.to_path_buf(),
        root,
        opened: HashMap::new(),
    };

    let mut conflicts: Vec<Conflict> = Vec::new();
    for (parents, name, _) in &parsed {
        let found = match folders.existing(parents) {
            Ok(Some(fd)) => kind_at(fd, name).map_err(|source| WriteFilesError::Io {
                path: folders.path_of(parents, Some(name)),
                doing: "looking at the file",
                source,
            })?,
            Ok(None) => None,
            Err(conflict) => {
                if !conflicts.contains(&conflict) {
                    conflicts.push(conflict);
                }
                continue;
            }
        };
        match (found, replace) {
            (None, _) | (Some(FileKind::Regular), Replace::RegularFiles) => {}
            (Some(kind), _) => conflicts.push(Conflict {
                path: folders.path_of(parents, Some(name)),
                kind,
            }),
        }
    }
    if !conflicts.is_empty() {
        return Err(WriteFilesError::Refused { conflicts });
    }

    let mut staged: Vec<Staged> = Vec::new();
    for (parents, name, contents) in &parsed {
        match folders.stage(parents, name, contents) {
            Ok(s) => staged.push(s),
            Err(e) => {
                folders.discard(&staged);
                return Err(e);
            }
        }
    }

    let mut written = Vec::new();
    for (i, s) in staged.iter().enumerate() {
        if let Err(e) = folders.commit(s, replace, &written) {
            folders.discard(&staged[i..]);
            return Err(e);
        }
        written.push(folders.path_of(&s.parents, Some(&s.name)));
    }
    // The renames survive a power cut only once each folder is flushed; a
    // failure here loses nothing that is already visible.
    for fd in std::iter::once(&folders.root).chain(folders.opened.values()) {
        let _ = rustix::fs::fsync(fd);
    }
    Ok(written)
}

/// `well-known/matrix/server` → (`[well-known, matrix]`, `server`); only
/// plain names, so nothing can leave the folder.
fn split(relative: &str) -> Result<(Vec<OsString>, OsString), WriteFilesError> {
    let leaves = || WriteFilesError::LeavesFolder {
        name: relative.to_string(),
    };
    let mut parts = Vec::new();
    for c in Path::new(relative).components() {
        match c {
            Component::Normal(part) => parts.push(part.to_os_string()),
            Component::CurDir => {}
            _ => return Err(leaves()),
        }
    }
    let name = parts.pop().ok_or_else(leaves)?;
    Ok((parts, name))
}

fn kind_of(file_type: FileType) -> FileKind {
    match file_type {
        FileType::RegularFile => FileKind::Regular,
        FileType::Directory => FileKind::Directory,
        FileType::Symlink => FileKind::Symlink,
        FileType::Fifo => FileKind::Fifo,
        FileType::CharacterDevice => FileKind::CharDevice,
        FileType::BlockDevice => FileKind::BlockDevice,
        FileType::Socket => FileKind::Socket,
        FileType::Unknown => FileKind::Unknown,
    }
}

/// What `name` in the folder `fd` is, without following a symlink; `None`
/// when nothing has that name.
fn kind_at(fd: &OwnedFd, name: &OsStr) -> io::Result<Option<FileKind>> {
    match rustix::fs::statat(fd, name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(stat) => Ok(Some(kind_of(FileType::from_raw_mode(stat.st_mode)))),
        Err(Errno::NOENT) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// A folder below the output folder, opened without following a symlink.
fn open_child(parent: &OwnedFd, name: &OsStr) -> Result<OwnedFd, Errno> {
    rustix::fs::openat(
        parent,
        name,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )
}

/// A file written under a temporary name, waiting to be renamed.
struct Staged {
    parents: Vec<OsString>,
    name: OsString,
    temp: OsString,
    file: File,
}

/// The output folder and the folders below it opened so far, by their
/// relative path.
struct Folders {
    dir: PathBuf,
    root: OwnedFd,
    opened: HashMap<Vec<OsString>, OwnedFd>,
}

impl Folders {
    fn path_of(&self, parents: &[OsString], name: Option<&OsStr>) -> PathBuf {
        let mut path = self.dir.clone();
        path.extend(parents);
        if let Some(name) = name {
            path.push(name);
        }
        path
    }

    fn fd(&self, parents: &[OsString]) -> &OwnedFd {
        self.opened.get(parents).unwrap_or(&self.root)
    }

    /// The folder `parents` if it exists (`None` when a part is missing),
    /// or what stands in place of one of its parts.
    fn existing(&mut self, parents: &[OsString]) -> Result<Option<&OwnedFd>, Conflict> {
        for depth in 1..=parents.len() {
            let key = &parents[..depth];
            if self.opened.contains_key(key) {
                continue;
            }
            let parent = self.fd(&parents[..depth - 1]);
            let part = &parents[depth - 1];
            let conflict = |kind| Conflict {
                path: self.path_of(key, None),
                kind,
            };
            match kind_at(parent, part) {
                Ok(None) => return Ok(None),
                Ok(Some(FileKind::Directory)) => {}
                Ok(Some(kind)) => return Err(conflict(kind)),
                Err(_) => return Err(conflict(FileKind::Unknown)),
            }
            match open_child(parent, part) {
                Ok(fd) => {
                    self.opened.insert(key.to_vec(), fd);
                }
                // Replaced by something else since the look just above.
                Err(_) => return Err(conflict(FileKind::Unknown)),
            }
        }
        Ok(Some(self.fd(parents)))
    }

    /// The folder `parents`, created where missing; never through a symlink.
    fn create(&mut self, parents: &[OsString]) -> Result<&OwnedFd, WriteFilesError> {
        for depth in 1..=parents.len() {
            let key = &parents[..depth];
            if self.opened.contains_key(key) {
                continue;
            }
            let parent = self.fd(&parents[..depth - 1]);
            let part = &parents[depth - 1];
            let io = |doing, e: Errno| WriteFilesError::Io {
                path: self.path_of(key, None),
                doing,
                source: e.into(),
            };
            match rustix::fs::mkdirat(parent, part, Mode::from_raw_mode(0o777)) {
                Ok(()) | Err(Errno::EXIST) => {}
                Err(e) => return Err(io("creating the folder", e)),
            }
            let fd = open_child(parent, part).map_err(|e| match e {
                Errno::LOOP | Errno::NOTDIR => WriteFilesError::Raced {
                    conflict: Conflict {
                        path: self.path_of(key, None),
                        kind: FileKind::Unknown,
                    },
                    written: Vec::new(),
                },
                e => io("opening the folder", e),
            })?;
            self.opened.insert(key.to_vec(), fd);
        }
        Ok(self.fd(parents))
    }

    /// Writes `contents` to a new temporary file beside `name` and flushes it.
    fn stage(
        &mut self,
        parents: &[OsString],
        name: &OsStr,
        contents: &[u8],
    ) -> Result<Staged, WriteFilesError> {
        let pid = std::process::id();
        let fd = self.create(parents)?;
        let mut temp_name = None;
        for n in 0..100u32 {
            let mut temp = OsString::from(".");
            temp.push(name);
            temp.push(format!(".matrix-delegate.{pid}.{n}.tmp"));
            // O_EXCL: a name that exists in any form (a symlink too) fails.
            let flags =
                OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
            match rustix::fs::openat(fd, &temp, flags, Mode::from_raw_mode(0o666)) {
                Ok(file) => {
                    temp_name = Some((temp, File::from(file)));
                    break;
                }
                Err(Errno::EXIST) => {}
                Err(e) => {
                    return Err(WriteFilesError::Io {
                        path: self.path_of(parents, Some(&temp)),
                        doing: "creating a temporary file",
                        source: e.into(),
                    });
                }
            }
        }
        let Some((temp, mut file)) = temp_name else {
            return Err(WriteFilesError::Io {
                path: self.path_of(parents, Some(name)),
                doing: "creating a temporary file",
                source: io::Error::other("too many leftover temporary files with its name"),
            });
        };
        let staged = Staged {
            parents: parents.to_vec(),
            name: name.to_os_string(),
            temp,
            file: file.try_clone().map_err(|source| WriteFilesError::Io {
                path: self.path_of(parents, Some(name)),
                doing: "writing",
                source,
            })?,
        };
        if let Err(source) = file.write_all(contents).and_then(|()| file.sync_all()) {
            self.discard(std::slice::from_ref(&staged));
            return Err(WriteFilesError::Io {
                path: self.path_of(parents, Some(name)),
                doing: "writing",
                source,
            });
        }
        Ok(staged)
    }

    /// Renames a staged file over its name: only if the name is free, or
    /// (when allowed) a regular file.
    fn commit(
        &self,
        s: &Staged,
        replace: Replace,
        written: &[PathBuf],
    ) -> Result<(), WriteFilesError> {
        let fd = self.fd(&s.parents);
        let path = self.path_of(&s.parents, Some(&s.name));
        let raced = |kind| WriteFilesError::Raced {
            conflict: Conflict {
                path: path.clone(),
                kind,
            },
            written: written.to_vec(),
        };
        let io = |doing, e: Errno| WriteFilesError::Io {
            path: path.clone(),
            doing,
            source: e.into(),
        };
        match replace {
            Replace::Nothing => {
                match rustix::fs::renameat_with(fd, &s.temp, fd, &s.name, RenameFlags::NOREPLACE) {
                    Ok(()) => Ok(()),
                    Err(Errno::EXIST) => Err(raced(
                        kind_at(fd, &s.name)
                            .ok()
                            .flatten()
                            .unwrap_or(FileKind::Unknown),
                    )),
                    // File systems without RENAME_NOREPLACE: a hard link
                    // fails the same way when the name is taken.
                    Err(Errno::INVAL | Errno::NOSYS) => {
                        match rustix::fs::linkat(fd, &s.temp, fd, &s.name, AtFlags::empty()) {
                            Ok(()) => {
                                let _ = rustix::fs::unlinkat(fd, &s.temp, AtFlags::empty());
                                Ok(())
                            }
                            Err(Errno::EXIST) => Err(raced(
                                kind_at(fd, &s.name)
                                    .ok()
                                    .flatten()
                                    .unwrap_or(FileKind::Unknown),
                            )),
                            Err(e) => Err(io("renaming into place", e)),
                        }
                    }
                    Err(e) => Err(io("renaming into place", e)),
                }
            }
            Replace::RegularFiles => {
                // Looked at again just before the rename: if something else
                // slips in between, the rename replaces that entry itself
                // and still writes through nothing.
                match rustix::fs::statat(fd, &s.name, AtFlags::SYMLINK_NOFOLLOW) {
                    Ok(stat) => match kind_of(FileType::from_raw_mode(stat.st_mode)) {
                        FileKind::Regular => {
                            let mode = Mode::from_raw_mode(stat.st_mode & 0o7777);
                            rustix::fs::fchmod(&s.file, mode)
                                .map_err(|e| io("copying the permissions", e))?;
                        }
                        kind => return Err(raced(kind)),
                    },
                    Err(Errno::NOENT) => {}
                    Err(e) => return Err(io("looking at the file", e)),
                }
                rustix::fs::renameat(fd, &s.temp, fd, &s.name)
                    .map_err(|e| io("renaming into place", e))
            }
        }
    }

    /// Removes staged temporary files (after a failure).
    fn discard(&self, staged: &[Staged]) {
        for s in staged {
            let _ = rustix::fs::unlinkat(self.fd(&s.parents), &s.temp, AtFlags::empty());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folders(dir: &Path) -> Folders {
        let root = rustix::fs::openat(
            CWD,
            dir,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .expect("open dir");
        Folders {
            dir: dir.to_path_buf(),
            root,
            opened: HashMap::new(),
        }
    }

    /// The window between the look and the rename: a symlink planted there
    /// is refused when nothing may be replaced, and never written through
    /// when regular files may be.
    #[test]
    fn a_symlink_planted_after_the_look_is_never_written_through() {
        for replace in [Replace::Nothing, Replace::RegularFiles] {
            let out = tempfile::tempdir().expect("out");
            let elsewhere = tempfile::tempdir().expect("elsewhere");
            let victim = elsewhere.path().join("victim");
            std::fs::write(&victim, "precious").expect("victim");
            let mut f = folders(out.path());
            let staged = f
                .stage(&[], OsStr::new("artifact"), b"generated")
                .expect("staged");
            std::os::unix::fs::symlink(&victim, out.path().join("artifact")).expect("plant");
            let result = f.commit(&staged, replace, &[]);
            assert_eq!(
                std::fs::read_to_string(&victim).expect("victim"),
                "precious",
                "{replace:?}"
            );
            // Refused either way (the last look before a replacing rename
            // sees it too), and the symlink stays as it was.
            assert!(
                matches!(result, Err(WriteFilesError::Raced { .. })),
                "{replace:?}: {result:?}"
            );
            f.discard(std::slice::from_ref(&staged));
            let link = std::fs::symlink_metadata(out.path().join("artifact"));
            assert!(link.expect("still there").file_type().is_symlink());
            let left: Vec<_> = std::fs::read_dir(out.path())
                .expect("list")
                .map(|e| e.expect("entry").file_name())
                .collect();
            assert_eq!(
                left,
                vec![OsString::from("artifact")],
                "no temporary file left"
            );
        }
    }

    /// Even when the last look is beaten too, the rename replaces the
    /// entry: the file it pointed to keeps its content.
    #[test]
    fn a_rename_replaces_a_symlink_itself() {
        let out = tempfile::tempdir().expect("out");
        let elsewhere = tempfile::tempdir().expect("elsewhere");
        let victim = elsewhere.path().join("victim");
        std::fs::write(&victim, "precious").expect("victim");
        let mut f = folders(out.path());
        let staged = f
            .stage(&[], OsStr::new("artifact"), b"generated")
            .expect("staged");
        std::os::unix::fs::symlink(&victim, out.path().join("artifact")).expect("plant");
        rustix::fs::renameat(&f.root, &staged.temp, &f.root, "artifact").expect("rename");
        assert_eq!(
            std::fs::read_to_string(&victim).expect("victim"),
            "precious"
        );
        assert_eq!(
            std::fs::read_to_string(out.path().join("artifact")).expect("new"),
            "generated"
        );
    }

    #[test]
    fn names_that_leave_the_folder_are_refused() {
        for name in ["../x", "/etc/passwd", "", "a/../../b"] {
            assert!(
                matches!(split(name), Err(WriteFilesError::LeavesFolder { .. })),
                "{name}"
            );
        }
        assert_eq!(
            split("well-known/matrix/server").expect("plain"),
            (
                vec![OsString::from("well-known"), OsString::from("matrix")],
                OsString::from("server")
            )
        );
    }
}
