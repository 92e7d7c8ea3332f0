//! The services this build can offer on its own: saving artifacts and
//! exporting reports are real; finding/editing the config file and running
//! the live checks answer "not available in this build" until the config
//! writer and the check runner are plugged in (wiring notes in [`super`]).

use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use crate::domain::Plan;
use crate::generate::Artifact;
use crate::tui::report::Report;

use super::{
    CheckRequest, CheckSink, ConfigPreview, ConfigStatus, RunHandle, SavedFiles, Services,
    WriteOutcome,
};

/// Said when the live checks are asked for and this build has no runner.
pub const UNAVAILABLE_CHECKS: &str = "live checks are not available in this build";
/// Said when the config file is looked for and this build has no finder.
pub const UNAVAILABLE_CONFIG_FINDER: &str =
    "finding and reading the homeserver config is not available in this build";
/// Said when the config file is asked for and this build has no reader/writer.
pub const UNAVAILABLE_CONFIG: &str = "reading and writing the homeserver config is not available in this build; \
     save the files (s) and paste the section by hand";

#[derive(Debug, Default, Clone)]
pub struct BuiltinServices;

impl Services for BuiltinServices {
    // PLACEHOLDER (lead): replace with the config_file finder/reader.
    fn load_config(&self, _path: Option<&Path>) -> ConfigStatus {
        ConfigStatus::Problem(UNAVAILABLE_CONFIG_FINDER.to_string())
    }

    // PLACEHOLDER (lead): replace with the check runner (stream events into `sink`).
    fn start_checks(&self, _request: CheckRequest, _sink: CheckSink) -> Result<RunHandle, String> {
        Err(UNAVAILABLE_CHECKS.to_string())
    }

    // PLACEHOLDER (lead): replace with the config_file diff.
    fn preview_config_write(&self, _path: &Path, _plan: &Plan) -> Result<ConfigPreview, String> {
        Err(UNAVAILABLE_CONFIG.to_string())
    }

    // PLACEHOLDER (lead): replace with the config_file safe writer.
    fn write_config(&self, _plan: &Plan, _preview: &ConfigPreview) -> Result<WriteOutcome, String> {
        Err(UNAVAILABLE_CONFIG.to_string())
    }

    fn save_artifacts(&self, dir: &Path, artifacts: &[Artifact]) -> Result<SavedFiles, String> {
        save_artifacts(dir, artifacts)
    }

    fn export_report(&self, base: &Path, report: &Report) -> Result<Vec<PathBuf>, String> {
        let md = with_suffix(base, "md");
        let json = with_suffix(base, "json");
        let json_text = serde_json::to_string_pretty(&report.to_json())
            .map_err(|e| format!("could not encode the report: {e}"))?;
        for path in [&md, &json] {
            if path.exists() {
                return Err(format!(
                    "{} already exists; choose another name (nothing was written)",
                    path.display()
                ));
            }
        }
        write_new(&md, report.to_markdown().as_bytes())?;
        write_new(&json, json_text.as_bytes())?;
        Ok(vec![md, json])
    }
}

fn with_suffix(base: &Path, ext: &str) -> PathBuf {
    let mut name = base.as_os_str().to_os_string();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

/// Writes every artifact under `dir`. A file that already exists with other
/// content is never replaced: the whole save is refused before writing.
pub fn save_artifacts(dir: &Path, artifacts: &[Artifact]) -> Result<SavedFiles, String> {
    if artifacts.is_empty() {
        return Err("there is nothing to save in this build (no files were generated)".into());
    }
    let mut plan = Vec::new();
    for a in artifacts {
        let path = dir.join(safe_file_name(&a.file_name)?);
        match fs::read(&path) {
            Ok(existing) if existing == a.text.as_bytes() => {}
            Ok(_) => {
                return Err(format!(
                    "{} already exists with other content; choose an empty folder (nothing was written)",
                    path.display()
                ));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        }
        plan.push((path, a));
    }
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut files = Vec::new();
    for (path, a) in plan {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        fs::write(&path, a.text.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        files.push(path);
    }
    Ok(SavedFiles {
        dir: dir.to_path_buf(),
        files,
    })
}

/// Artifact file names are relative paths inside the output folder
/// (`well-known/client`); anything that could leave it is refused.
fn safe_file_name(name: &str) -> Result<PathBuf, String> {
    let path = Path::new(name);
    let ok = !name.is_empty()
        && path
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if ok {
        Ok(path.to_path_buf())
    } else {
        Err(format!(
            "refusing the file name `{name}`: it leaves the output folder"
        ))
    }
}

fn write_new(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    file.write_all(bytes)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

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
            .expect_err("refused");
        assert!(e.contains("already exists"), "{e}");
        assert!(!out.join("new").exists());
        assert_eq!(
            fs::read_to_string(out.join("a.toml")).expect("read"),
            "x = 1\n"
        );
    }

    #[test]
    fn refuses_names_that_leave_the_folder() {
        let dir = tempfile::tempdir().expect("temp dir");
        for bad in ["../x", "/etc/passwd", ""] {
            let e = save_artifacts(dir.path(), &[artifact(bad, "x")]).expect_err(bad);
            assert!(e.contains("refusing"), "{e}");
        }
        let e = save_artifacts(dir.path(), &[]).expect_err("empty");
        assert!(e.contains("nothing to save"), "{e}");
    }
}
