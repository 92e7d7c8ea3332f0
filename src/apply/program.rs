//! What every proxy's test and reload share: finding the program,
//! running it and keeping what it said, and a private temporary folder
//! for a copy of the configuration that the program tests instead of the
//! files under the root. Also which homeserver units systemd knows, for
//! the advice to restart it after its config file changed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::ApplyError;

/// The homeserver units systemd knows on this machine (none when there
/// is no systemctl), in [`crate::selfcheck::restart::UNITS`] order.
pub fn homeserver_units() -> Vec<&'static str> {
    Command::new("systemctl")
        .args(["list-unit-files", "--no-legend", "--type=service"])
        .args(crate::selfcheck::restart::UNITS)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map(|o| crate::selfcheck::restart::units_in(&String::from_utf8_lossy(&o.stdout)))
        .unwrap_or_default()
}

/// A program: `PATH`, then the sbin folders Debian installs proxies in.
pub fn find(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/local/sbin", "/usr/sbin", "/sbin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|p| {
            p.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// What a program said, and whether its exit status says it succeeded.
#[derive(Debug, Clone)]
pub struct Ran {
    /// The command line, for the report.
    pub command: String,
    pub success: bool,
    /// stderr then stdout, with the private copy's folder shown as the
    /// root it stands for.
    pub output: String,
}

/// A private temporary folder (mode 0700), removed when dropped.
pub struct Copy {
    pub dir: PathBuf,
}

impl Drop for Copy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Copy {
    pub fn new(label: &str) -> Result<Copy, ApplyError> {
        use std::os::unix::fs::DirBuilderExt;
        let dir = std::env::temp_dir().join(format!(
            "matrix-delegate-{label}.{}.{}",
            std::process::id(),
            time::OffsetDateTime::now_utc().unix_timestamp_nanos()
        ));
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&dir)
            .map_err(|source| ApplyError::Io {
                path: dir.clone(),
                doing: "creating a private folder for the proxy's test",
                source,
            })?;
        Ok(Copy { dir })
    }
}

/// The root as a path prefix: empty for `/`.
pub fn root_prefix(root: &Path) -> String {
    let r = root.display().to_string();
    if r == "/" {
        String::new()
    } else {
        r.trim_end_matches('/').to_string()
    }
}

/// Writes a file into a copy, folders created.
pub fn write(dest: &Path, bytes: &[u8]) -> Result<(), ApplyError> {
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent).map_err(|source| ApplyError::Io {
            path: parent.to_path_buf(),
            doing: "creating a folder in the test copy",
            source,
        })?;
    }
    std::fs::write(dest, bytes).map_err(|source| ApplyError::Io {
        path: dest.to_path_buf(),
        doing: "writing the test copy",
        source,
    })
}

/// Runs `cmd` to the end. With a `copy`, the copy's folder is shown as
/// the root it stands for, in the output and in the command line.
pub fn run(mut cmd: Command, copy: Option<&Copy>, root: &Path) -> Result<Ran, ApplyError> {
    let command = format!("{cmd:?}").replace('"', "");
    let output = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|source| ApplyError::Io {
            path: PathBuf::from(cmd.get_program()),
            doing: "running",
            source,
        })?;
    let mut text = String::from_utf8_lossy(&output.stderr).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stdout));
    let mut command = command;
    if let Some(copy) = copy {
        let shown = root_prefix(root);
        let private = copy.dir.display().to_string();
        text = text.replace(&private, &shown);
        command = command.replace(&private, &format!("<copy of {shown}>"));
    }
    Ok(Ran {
        command,
        success: output.status.success(),
        output: text.trim_end().to_string(),
    })
}

/// Copies `dir` (inside the root) into the copy: folders as folders,
/// files and links that lead to files (followed inside the root) as
/// files, text passed through `relocate`; dangling links are left out, as
/// the programs' own wildcard includes would.
pub fn copy_tree(
    root: &Path,
    dir: &str,
    copy: &Path,
    relocate: &dyn Fn(&str) -> String,
    depth: u8,
) -> Result<(), ApplyError> {
    if depth > 8 {
        return Ok(());
    }
    let Ok(entries) = std::fs::read_dir(super::inside(root, dir)) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = format!("{dir}/{name}");
        let dest = copy.join(path.trim_start_matches('/'));
        let resolved = super::tree::resolve(root, &path);
        let Ok(meta) = std::fs::metadata(&resolved) else {
            continue;
        };
        if meta.is_dir() {
            if entry.file_type().is_ok_and(|t| !t.is_symlink()) {
                copy_tree(root, &path, copy, relocate, depth + 1)?;
            }
        } else if meta.is_file() {
            let bytes = std::fs::read(&resolved).map_err(|source| ApplyError::Io {
                path: resolved.clone(),
                doing: "reading for the proxy's test",
                source,
            })?;
            let bytes = match String::from_utf8(bytes) {
                Ok(text) => relocate(&text).into_bytes(),
                Err(e) => e.into_bytes(),
            };
            write(&dest, &bytes)?;
        }
    }
    Ok(())
}
