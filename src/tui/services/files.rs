//! Files the wizard writes besides the config: the generated artifacts
//! (`s` on the review screen) and the check report (`e` on the checks
//! screen). Neither ever replaces a file that holds something else.

use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use crate::generate::Artifact;
use crate::local_file::{NewFile, ReadError, Replace, open_regular, read_capped, write_files};
use crate::report::{Report, json, markdown};

use super::ServiceError;
use crate::tui::data::SavedFiles;

/// Writes `<base>.md` and `<base>.json` with the shared renderers (the
/// JSON is exactly `check --json`'s documented contract). Refused, writing
/// nothing, when either file exists.
pub fn export_report(base: &Path, report: &Report) -> Result<Vec<PathBuf>, ServiceError> {
    let md = with_suffix(base, "md");
    let json = with_suffix(base, "json");
    for path in [&md, &json] {
        if path.exists() {
            return Err(ServiceError::ReportExists(path.clone()));
        }
    }
    // Like saving the files (`s`): a folder that does not exist yet is made.
    if let Some(dir) = md.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.is_dir()
    {
        fs::create_dir_all(dir).map_err(|e| ServiceError::io("create the folder", dir, e))?;
    }
    write_new(&md, markdown::render(report).as_bytes())?;
    let json_text = json::render(report) + "\n";
    if let Err(e) = write_new(&json, json_text.as_bytes()) {
        // All or nothing: the Markdown half alone would look complete.
        let _ = fs::remove_file(&md);
        return Err(e);
    }
    Ok(vec![md, json])
}

fn with_suffix(base: &Path, ext: &str) -> PathBuf {
    let mut name = base.as_os_str().to_os_string();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

/// Writes every artifact under `dir`. A file that already exists with other
/// content is never replaced: the whole save is refused before writing. The
/// new files are written by [`write_files`]: never through a symlink or
/// into a FIFO, device or folder named like an artifact (the save is
/// refused), and each one is complete or absent.
pub fn save_artifacts(dir: &Path, artifacts: &[Artifact]) -> Result<SavedFiles, ServiceError> {
    if artifacts.is_empty() {
        return Err(ServiceError::NothingToSave);
    }
    let mut files = Vec::new();
    let mut new = Vec::new();
    for a in artifacts {
        let path = dir.join(safe_file_name(&a.file_name)?);
        if !holds_exactly(&path, a.text.as_bytes())? {
            new.push(NewFile {
                relative: &a.file_name,
                contents: a.text.as_bytes(),
            });
        }
        files.push(path);
    }
    // Replace::Nothing: a file that appeared since the look above is refused
    // there and then, not overwritten.
    write_files(dir, &new, Replace::Nothing)?;
    Ok(SavedFiles {
        dir: dir.to_path_buf(),
        files,
    })
}

/// Whether `path` is a regular file holding exactly `bytes` (saved by an
/// earlier run): such a file is left as it is. A regular file with other
/// content refuses the save. Anything else at that name (nothing, a
/// symlink, a FIFO, a folder) is for [`write_files`] to write or refuse, so
/// it is not opened here.
fn holds_exactly(path: &Path, bytes: &[u8]) -> Result<bool, ServiceError> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_file() => {}
        Ok(_) => return Ok(false),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(ServiceError::io("look at", path, e)),
    }
    let limit = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    match open_regular(path).and_then(|file| read_capped(file, path, limit)) {
        Ok(existing) if existing == bytes => Ok(true),
        Ok(_) | Err(ReadError::TooLarge { .. }) => {
            Err(ServiceError::WouldReplace(path.to_path_buf()))
        }
        Err(e) => Err(ServiceError::Read(e)),
    }
}

/// Artifact file names are relative paths inside the output folder
/// (`well-known/matrix/client`); anything that could leave it is refused.
fn safe_file_name(name: &str) -> Result<PathBuf, ServiceError> {
    let path = Path::new(name);
    let ok = !name.is_empty()
        && path
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if ok {
        Ok(path.to_path_buf())
    } else {
        Err(ServiceError::LeavesFolder(name.to_string()))
    }
}

fn write_new(path: &Path, bytes: &[u8]) -> Result<(), ServiceError> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| ServiceError::io("create", path, e))?;
    file.write_all(bytes)
        .map_err(|e| ServiceError::io("write", path, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::model::{CheckId, CheckResult, Status};

    fn artifact(file: &str, text: &str) -> Artifact {
        Artifact {
            id: "test",
            title: file.into(),
            file_name: file.into(),
            text: text.into(),
            syntax: "text",
        }
    }

    #[test]
    fn saves_and_refuses_to_clobber_other_content() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("out");
        let saved = save_artifacts(
            &out,
            &[artifact("a.toml", "x = 1\n"), artifact("w/c", "{}")],
        )
        .expect("saved");
        assert_eq!(saved.files.len(), 2);
        assert_eq!(fs::read_to_string(out.join("w/c")).expect("read"), "{}");
        // Same content again is fine; different content is refused and nothing changes.
        save_artifacts(&out, &[artifact("a.toml", "x = 1\n")]).expect("idempotent");
        let e = save_artifacts(&out, &[artifact("new", "n"), artifact("a.toml", "x = 2\n")])
            .expect_err("refused")
            .to_string();
        assert!(e.contains("already exists"), "{e}");
        assert!(!out.join("new").exists());
        assert_eq!(
            fs::read_to_string(out.join("a.toml")).expect("read"),
            "x = 1\n"
        );
    }

    #[test]
    fn never_writes_through_a_symlink_or_into_a_special_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let elsewhere = tempfile::tempdir().expect("elsewhere");
        let out = dir.path().join("out");
        fs::create_dir(&out).expect("mkdir");
        // A dangling symlink, a live one, and a symlink in place of a folder.
        std::os::unix::fs::symlink(elsewhere.path().join("made"), out.join("a.toml"))
            .expect("dangling");
        std::os::unix::fs::symlink(elsewhere.path().join("kept"), out.join("b.toml"))
            .expect("live");
        fs::write(elsewhere.path().join("kept"), "mine").expect("write");
        std::os::unix::fs::symlink(elsewhere.path(), out.join("w")).expect("folder link");
        for name in ["a.toml", "b.toml", "w/c"] {
            let e = save_artifacts(&out, &[artifact("new", "n"), artifact(name, "x")])
                .expect_err(name)
                .to_string();
            assert!(e.contains("symbolic link"), "{name}: {e}");
            assert!(e.contains("nothing was written"), "{name}: {e}");
            assert!(!out.join("new").exists(), "{name}");
        }
        let mut left: Vec<_> = fs::read_dir(elsewhere.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        left.sort();
        assert_eq!(left, ["kept"]);
        assert_eq!(
            fs::read_to_string(elsewhere.path().join("kept")).expect("read"),
            "mine"
        );
        // A FIFO named like an artifact is refused without being opened
        // (opening it for reading would wait for a writer forever).
        let fifo = out.join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        let e = save_artifacts(&out, &[artifact("pipe", "x")])
            .expect_err("fifo")
            .to_string();
        assert!(e.contains("FIFO"), "{e}");
    }

    #[test]
    fn refuses_names_that_leave_the_folder() {
        let dir = tempfile::tempdir().expect("temp dir");
        for bad in ["../x", "/etc/passwd", ""] {
            let e = save_artifacts(dir.path(), &[artifact(bad, "x")])
                .expect_err(bad)
                .to_string();
            assert!(e.contains("refusing"), "{e}");
        }
        let e = save_artifacts(dir.path(), &[])
            .expect_err("empty")
            .to_string();
        assert!(e.contains("nothing to save"), "{e}");
    }

    #[test]
    fn exports_the_shared_json_and_markdown_without_overwriting() {
        let dir = tempfile::tempdir().expect("temp dir");
        let base = dir.path().join("report-run1");
        let report = Report::build(
            "example.com",
            None,
            None,
            vec![
                CheckResult::new(CheckId::ClientCors, Status::Fail, "no CORS \u{1b}[31m")
                    .remedy("add the header"),
                CheckResult::new(CheckId::DnsServerName, Status::Pass, "A 203.0.113.5"),
            ],
        );
        let files = export_report(&base, &report).expect("exported");
        assert_eq!(
            files,
            vec![with_suffix(&base, "md"), with_suffix(&base, "json")]
        );
        let json_text = fs::read_to_string(&files[1]).expect("json");
        assert_eq!(json_text, json::render(&report) + "\n");
        let value: serde_json::Value = serde_json::from_str(&json_text).expect("valid JSON");
        assert_eq!(value["ok"], false);
        // The root cause first, then report order.
        assert_eq!(value["checks"][0]["id"], "client.cors");
        assert_eq!(value["checks"][1]["id"], "dns.server-name");
        assert!(value["federation"]["step"].is_null());
        let md = fs::read_to_string(&files[0]).expect("markdown");
        assert_eq!(md, markdown::render(&report));
        assert!(!md.contains('\u{1b}'), "{md}");
        // A second export under the same name writes nothing.
        fs::remove_file(&files[0]).expect("remove md");
        let e = export_report(&base, &report)
            .expect_err("json exists")
            .to_string();
        assert!(e.contains("already exists"), "{e}");
        assert!(!files[0].exists(), "nothing was written");
    }
}
