//! Reading the file, and replacing it so that at every instant the path
//! holds either the old or the new content, never a mixture or nothing:
//! backup first, new content in a temporary file in the same directory,
//! fsync, mode and owner copied, a last check that nobody changed the file,
//! rename over the original, fsync the directory.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::error::FileError;
use crate::local_file::{open_regular, read_capped};

/// A config file as read, with what is needed to write it back safely.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The path as given.
    pub path: PathBuf,
    /// The file it names, symlinks followed: what gets replaced.
    pub target: PathBuf,
    pub text: String,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
}

/// The largest homeserver config read. Real ones, the commented example
/// included, are tens of KiB; anything near this is not a config file, and
/// refusing it keeps a wrong path from filling memory.
pub const MAX_CONFIG_BYTES: u64 = 4 << 20;

/// Reads `path` (following symlinks) as UTF-8 text. A directory, FIFO,
/// device or socket is refused before anything is read, and so is a file
/// over [`MAX_CONFIG_BYTES`].
pub fn read(path: &Path) -> Result<Loaded, FileError> {
    let target = fs::canonicalize(path).map_err(|e| FileError::from_io(path, "reading", e))?;
    let file = open_regular(&target).map_err(|e| FileError::from_read(path, e))?;
    let meta = file
        .metadata()
        .map_err(|e| FileError::from_io(path, "reading", e))?;
    let bytes =
        read_capped(file, &target, MAX_CONFIG_BYTES).map_err(|e| FileError::from_read(path, e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        FileError::NotUtf8 {
            path: path.to_path_buf(),
            line: good.iter().filter(|b| **b == b'\n').count() + 1,
        }
    })?;
    Ok(Loaded {
        path: path.to_path_buf(),
        target,
        text,
        mode: meta.permissions().mode() & 0o7777,
        uid: meta.uid(),
        gid: meta.gid(),
    })
}

/// The steps of [`write()`], in order; a test hook can stop before any of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    CheckUnchanged,
    Backup,
    CreateTemp,
    WriteTemp,
    SyncTemp,
    CopyModeAndOwner,
    RecheckUnchanged,
    Rename,
    SyncDir,
}

impl Step {
    pub const ALL: [Step; 9] = [
        Step::CheckUnchanged,
        Step::Backup,
        Step::CreateTemp,
        Step::WriteTemp,
        Step::SyncTemp,
        Step::CopyModeAndOwner,
        Step::RecheckUnchanged,
        Step::Rename,
        Step::SyncDir,
    ];
}

/// What a test hook wants to happen before a step.
pub enum Hook {
    Continue,
    /// Stop dead, cleaning nothing up: what a kill or power loss leaves.
    Crash,
    /// The step fails with this error (disk full, read-only, ...).
    Fail(io::Error),
}

/// The result of a successful write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub target: PathBuf,
    pub backup: PathBuf,
    /// Something the operator should know (the write itself succeeded).
    pub warning: Option<String>,
}

/// Replaces the file with `new_text`, keeping a backup.
pub fn write(loaded: &Loaded, new_text: &str) -> Result<Written, FileError> {
    write_with_hook(loaded, new_text, &mut |_| Hook::Continue)
}

/// [`write()`] with a hook called before each [`Step`] (for the crash tests).
pub fn write_with_hook(
    loaded: &Loaded,
    new_text: &str,
    hook: &mut dyn FnMut(Step) -> Hook,
) -> Result<Written, FileError> {
    let mut w = Writer {
        loaded,
        hook,
        backup: None,
        temp: None,
    };
    match w.run(new_text) {
        Ok(written) => Ok(written),
        Err(Stop::Crashed) => Err(FileError::Io {
            path: loaded.path.clone(),
            doing: "writing (stopped by a test hook)",
            source: io::Error::other("simulated crash"),
        }),
        Err(Stop::Failed(e)) => {
            // Leave no trace of an attempt that failed.
            for p in [w.temp.take(), w.backup.take()].into_iter().flatten() {
                let _ = fs::remove_file(p);
            }
            Err(e)
        }
    }
}

enum Stop {
    Crashed,
    Failed(FileError),
}

struct Writer<'a> {
    loaded: &'a Loaded,
    hook: &'a mut dyn FnMut(Step) -> Hook,
    backup: Option<PathBuf>,
    temp: Option<PathBuf>,
}

impl Writer<'_> {
    fn step(&mut self, step: Step, doing: &'static str) -> Result<(), Stop> {
        match (self.hook)(step) {
            Hook::Continue => Ok(()),
            Hook::Crash => Err(Stop::Crashed),
            Hook::Fail(e) => Err(self.io(doing, e)),
        }
    }

    fn io(&self, doing: &'static str, e: io::Error) -> Stop {
        Stop::Failed(FileError::from_io(&self.loaded.path, doing, e))
    }

    fn dir(&self) -> &Path {
        self.loaded.target.parent().unwrap_or(Path::new("/"))
    }

    fn file_name(&self) -> String {
        self.loaded
            .target
            .file_name()
            .map_or_else(|| "config".into(), |n| n.to_string_lossy().into_owned())
    }

    fn check_unchanged(&mut self, step: Step) -> Result<(), Stop> {
        self.step(step, "checking the file")?;
        // Whatever now stands at the path is read the same careful way: a
        // file that grew past the limit or became a FIFO has changed too.
        let now = open_regular(&self.loaded.target)
            .and_then(|file| read_capped(file, &self.loaded.target, MAX_CONFIG_BYTES));
        if now.ok().as_deref() != Some(self.loaded.text.as_bytes()) {
            return Err(Stop::Failed(FileError::ChangedOnDisk {
                path: self.loaded.path.clone(),
            }));
        }
        Ok(())
    }

    fn run(&mut self, new_text: &str) -> Result<Written, Stop> {
        self.check_unchanged(Step::CheckUnchanged)?;

        self.step(Step::Backup, "writing the backup")?;
        let backup = self.new_file(&format!("{}.bak.{}", self.file_name(), timestamp()))?;
        self.backup = Some(backup.0.clone());
        self.fill(backup.1, self.loaded.text.as_bytes(), "writing the backup")?;
        // The backup holds the same secrets as the original: same owner (when
        // we may) and the same mode, so it is no more readable than it.
        let _ = std::os::unix::fs::chown(&backup.0, Some(self.loaded.uid), Some(self.loaded.gid));
        fs::set_permissions(&backup.0, fs::Permissions::from_mode(self.loaded.mode))
            .map_err(|e| self.io("writing the backup", e))?;

        self.step(Step::CreateTemp, "creating a temporary file")?;
        let pid = std::process::id();
        let temp = self.new_file(&format!(".{}.matrix-delegate.{pid}.tmp", self.file_name()))?;
        self.temp = Some(temp.0.clone());
        self.step(Step::WriteTemp, "writing the new content")?;
        let mut file = temp.1;
        file.write_all(new_text.as_bytes())
            .map_err(|e| self.io("writing the new content", e))?;
        self.step(Step::SyncTemp, "flushing the new content to disk")?;
        file.sync_all()
            .map_err(|e| self.io("flushing the new content to disk", e))?;
        drop(file);

        self.step(Step::CopyModeAndOwner, "copying mode and owner")?;
        self.copy_mode_and_owner(&temp.0)?;

        self.check_unchanged(Step::RecheckUnchanged)?;
        self.step(Step::Rename, "replacing the file")?;
        fs::rename(&temp.0, &self.loaded.target).map_err(|e| self.io("replacing the file", e))?;
        self.temp = None;

        // From here on the new file is in place: problems become warnings.
        let warning = match self.step(Step::SyncDir, "flushing the directory") {
            Err(Stop::Crashed) => return Err(Stop::Crashed),
            Err(Stop::Failed(e)) => Some(e.to_string()),
            Ok(()) => File::open(self.dir())
                .and_then(|d| d.sync_all())
                .err()
                .map(|e| format!("the directory could not be flushed to disk ({e}); the change may not survive a power cut")),
        };
        Ok(Written {
            target: self.loaded.target.clone(),
            backup: backup.0,
            warning,
        })
    }

    /// Creates a new file `name` in the target's directory (private until
    /// its mode is set), adding `.1`, `.2`, ... if the name is taken.
    fn new_file(&self, name: &str) -> Result<(PathBuf, File), Stop> {
        let mut candidate = self.dir().join(name);
        for n in 1..1000 {
            match OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&candidate)
            {
                Ok(f) => return Ok((candidate, f)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    candidate = self.dir().join(format!("{name}.{n}"));
                }
                Err(e) => return Err(self.io("creating a file next to the config", e)),
            }
        }
        Err(self.io(
            "creating a file next to the config",
            io::Error::other("too many files with the same name"),
        ))
    }

    fn fill(&self, mut file: File, bytes: &[u8], doing: &'static str) -> Result<(), Stop> {
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| self.io(doing, e))
    }

    fn copy_mode_and_owner(&self, temp: &Path) -> Result<(), Stop> {
        let l = self.loaded;
        fs::set_permissions(temp, fs::Permissions::from_mode(l.mode))
            .map_err(|e| self.io("copying the file mode", e))?;
        let meta = fs::metadata(temp).map_err(|e| self.io("copying the owner", e))?;
        if (meta.uid(), meta.gid()) != (l.uid, l.gid) {
            std::os::unix::fs::chown(temp, Some(l.uid), Some(l.gid)).map_err(|source| {
                Stop::Failed(FileError::Owner {
                    path: l.path.clone(),
                    uid: l.uid,
                    gid: l.gid,
                    source,
                })
            })?;
            // chown may clear setuid/setgid bits: set the mode again.
            fs::set_permissions(temp, fs::Permissions::from_mode(l.mode))
                .map_err(|e| self.io("copying the file mode", e))?;
        }
        Ok(())
    }
}

/// `20260415T095326Z`: sorts by time, no characters shells care about.
fn timestamp() -> String {
    let t = time::OffsetDateTime::now_utc();
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}
