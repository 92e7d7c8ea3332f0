//! Running nginx: its own test of the whole configuration and its reload.
//!
//! Under the real root the installed files are tested as they are
//! (`nginx -t`). Under another root, and for a dry run, nginx tests a copy
//! of `/etc/nginx` in a private temporary folder in which the paths that
//! name files are moved under the root (`install::nginx::relocate`), since
//! Debian's nginx.conf names its includes, logs and certificates by
//! absolute paths; nginx's messages then name the files under the root.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{ApplyError, inside, tree};
use crate::install::FileOp;
use crate::install::nginx::{CONF_DIR, MAIN, relocate};

/// Debian's compiled-in prefix (`nginx -V`: `--prefix=/usr/share/nginx`):
/// where relative `pid`, log and module paths point.
const PREFIX: &str = "/usr/share/nginx";

/// The nginx program: `PATH`, then the sbin folders Debian installs it in.
pub fn program() -> Option<PathBuf> {
    find("nginx")
}

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

/// A relocated copy of the configuration folder, removed when dropped.
pub struct Copy {
    pub dir: PathBuf,
}

impl Drop for Copy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn root_prefix(root: &Path) -> String {
    let r = root.display().to_string();
    if r == "/" {
        String::new()
    } else {
        r.trim_end_matches('/').to_string()
    }
}

/// Copies `<root>/etc/nginx` with its paths relocated, then lays `overlay`
/// (the planned operations, for a dry run) over the copy.
pub fn copy(root: &Path, overlay: &[FileOp]) -> Result<Copy, ApplyError> {
    use std::os::unix::fs::DirBuilderExt;
    let dir = std::env::temp_dir().join(format!(
        "matrix-delegate-nginx-test.{}.{}",
        std::process::id(),
        time::OffsetDateTime::now_utc().unix_timestamp_nanos()
    ));
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(&dir)
        .map_err(|source| ApplyError::Io {
            path: dir.clone(),
            doing: "creating a private folder for nginx's test",
            source,
        })?;
    let copy = Copy { dir };
    let root_text = root_prefix(root);
    let copy_text = copy.dir.display().to_string();
    let to = relocate::Relocation {
        conf_dir: CONF_DIR,
        copy: &copy_text,
        root: &root_text,
    };
    copy_tree(root, CONF_DIR, &copy.dir, to, 0)?;
    for op in overlay {
        let Some(rest) = op.path().strip_prefix(CONF_DIR) else {
            continue;
        };
        let dest = copy
            .dir
            .join(CONF_DIR.trim_start_matches('/'))
            .join(rest.trim_start_matches('/'));
        let text = match op {
            FileOp::Write { contents, .. } => contents.clone(),
            FileOp::Link { path, target } => {
                let parent = path.rsplit_once('/').map_or("", |(p, _)| p);
                let target_path = if target.starts_with('/') {
                    target.clone()
                } else {
                    format!("{parent}/{target}")
                };
                match overlay.iter().find(|o| {
                    matches!(o, FileOp::Write { path, .. } if tree_normal(path) == tree_normal(&target_path))
                }) {
                    Some(FileOp::Write { contents, .. }) => contents.clone(),
                    _ => std::fs::read_to_string(tree::resolve(root, &target_path)).unwrap_or_default(),
                }
            }
        };
        write(&dest, relocate::relocate(&text, to).as_bytes())?;
    }
    Ok(copy)
}

fn tree_normal(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn write(dest: &Path, bytes: &[u8]) -> Result<(), ApplyError> {
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

/// Copies `dir` (inside the root) into the copy: folders as folders,
/// files and links that lead to files (followed inside the root) as
/// relocated files; dangling links are left out, as nginx's glob would.
fn copy_tree(
    root: &Path,
    dir: &str,
    copy: &Path,
    to: relocate::Relocation<'_>,
    depth: u8,
) -> Result<(), ApplyError> {
    if depth > 8 {
        return Ok(());
    }
    let full = inside(root, dir);
    let Ok(entries) = std::fs::read_dir(&full) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = format!("{dir}/{name}");
        let dest = copy.join(path.trim_start_matches('/'));
        let resolved = tree::resolve(root, &path);
        let Ok(meta) = std::fs::metadata(&resolved) else {
            continue;
        };
        if meta.is_dir() {
            if entry.file_type().is_ok_and(|t| !t.is_symlink()) {
                copy_tree(root, &path, copy, to, depth + 1)?;
            }
        } else if meta.is_file() {
            let bytes = std::fs::read(&resolved).map_err(|source| ApplyError::Io {
                path: resolved.clone(),
                doing: "reading for nginx's test",
                source,
            })?;
            let bytes = match String::from_utf8(bytes) {
                Ok(text) => relocate::relocate(&text, to).into_bytes(),
                Err(e) => e.into_bytes(),
            };
            write(&dest, &bytes)?;
        }
    }
    Ok(())
}

fn run(mut cmd: Command, copy: Option<&Copy>, root: &Path) -> Result<Ran, ApplyError> {
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

/// The nginx command line for the copy (or the real configuration).
fn nginx(program: &Path, root: &Path, copy: Option<&Copy>, args: &[&str]) -> Command {
    let mut cmd = Command::new(program);
    if let Some(copy) = copy {
        let prefix = format!("{}{PREFIX}/", root_prefix(root));
        cmd.args(["-e", "stderr", "-p", &prefix, "-c"])
            .arg(copy.dir.join(MAIN.trim_start_matches('/')));
    }
    cmd.args(args);
    cmd
}

/// `nginx -t` of the whole configuration: of `copy` when given, else of
/// the real one.
pub fn test(program: &Path, root: &Path, copy: Option<&Copy>) -> Result<Ran, ApplyError> {
    run(nginx(program, root, copy, &["-t"]), copy, root)
}

/// Reloads the running nginx: through systemd when it manages nginx
/// (real root only), else `nginx -s reload`, which signals the master
/// process named by the configuration's pid file.
pub fn reload(program: &Path, root: &Path, copy: Option<&Copy>) -> Result<Ran, ApplyError> {
    if copy.is_none()
        && Path::new("/run/systemd/system").is_dir()
        && let Some(systemctl) = find("systemctl")
    {
        let mut active = Command::new(&systemctl);
        active.args(["is-active", "--quiet", "nginx"]);
        if run(active, None, root)?.success {
            let mut cmd = Command::new(&systemctl);
            cmd.args(["reload", "nginx"]);
            return run(cmd, None, root);
        }
    }
    // `-s reload` reports a missing or stale pid file through the error
    // log; a second one on stderr lets the report quote it.
    run(
        nginx(
            program,
            root,
            copy,
            &["-g", "error_log stderr;", "-s", "reload"],
        ),
        copy,
        root,
    )
}
