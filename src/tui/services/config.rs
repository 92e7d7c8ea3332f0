//! The homeserver config file for the wizard, with the same code as
//! `config show` and `generate --write-config`: find it (and say why that
//! one), read what it says, show the diff of the edit, and write it safely
//! (backup, atomic replace, refused when the file changed after the diff).

use std::path::{Path, PathBuf};

use crate::config_file::locate::{PACKAGED_PATHS, locate};
use crate::config_file::report::{ConfigReport, Setting, Severity, Source};
use crate::config_file::write::write;
use crate::config_file::{ConfigError, EditOptions, FileError, LoadError, inspect_file, prepare};
use crate::domain::Plan;

use super::ServiceError;
use crate::tui::data::{ConfigInfo, ConfigPreview, ConfigStatus, Listener, WriteOutcome};

/// The wizard edits only the section and never moves other forms around
/// (`generate --write-config --normalise` does that, on request).
const OPTIONS: EditOptions = EditOptions { normalise: false };

/// Finds the config (`path: None`: the `CONTINUWUITY_CONFIG`-style variables
/// in `env`, then the packaged locations) or reads the one named, and says
/// what it holds. `env` is the environment the homeserver would run with.
pub fn load_config(path: Option<&Path>, env: &[(String, String)]) -> ConfigStatus {
    let candidates: Vec<PathBuf> = PACKAGED_PATHS.iter().map(PathBuf::from).collect();
    let lookup = |var: &str| env.iter().find(|(k, _)| k == var).map(|(_, v)| v.clone());
    let located = match locate(path, &lookup, &candidates, &|p| p.exists()) {
        Ok(l) => l,
        Err(_) => return ConfigStatus::NotFound,
    };
    // A typed path is not a `--config` flag, whatever `locate` calls it.
    let why = path.is_none().then(|| located.explain());
    let report = match inspect_file(&located.path, env) {
        Ok(r) => r,
        Err(LoadError::File(FileError::NotFound { path })) => {
            let why = why.map(|w| format!(" ({w})")).unwrap_or_default();
            let path = path.display();
            return ConfigStatus::Problem(format!("{path}: no such file{why}"));
        }
        // In the wizard's words: there is no command to "run again".
        Err(LoadError::Config {
            path,
            source:
                ConfigError::InvalidToml {
                    line,
                    column,
                    message,
                },
        }) => {
            return ConfigStatus::Problem(format!(
                "{}: the file is not valid TOML: line {line}, column {column}: {message}. Fix \
                 that line (the homeserver cannot read the file either); nothing was changed",
                path.display()
            ));
        }
        Err(e) => return ConfigStatus::Problem(e.to_string()),
    };
    let mut notes = located.notes.clone();
    for f in report
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
    {
        let at = f.line.map(|l| format!("line {l}: ")).unwrap_or_default();
        notes.push(format!("{at}{}", f.message));
    }
    ConfigStatus::Found(Box::new(ConfigInfo {
        why: why.unwrap_or_else(|| "the file you named".into()),
        server_name: report.server_name().map(str::to_string),
        well_known: report.effective_section(),
        listener: listener(&report),
        path: located.path,
        notes,
    }))
}

/// Where the proxy reaches the homeserver by this config: its unix socket,
/// else `address` and `port` (the first of each when a list), a wildcard
/// address reached on loopback. `None` when neither is set anywhere (the
/// wizard's default is Continuwuity's).
fn listener(report: &ConfigReport) -> Option<Listener> {
    if let Some(socket) = report
        .unix_socket_path
        .as_ref()
        .filter(|s| s.source != Source::Default)
    {
        return Some(Listener {
            upstream: format!("unix:{}", socket.value.trim()),
            origin: origin(&[socket]),
        });
    }
    let set: Vec<&Setting> = [&report.address, &report.port]
        .into_iter()
        .filter(|s| s.source != Source::Default)
        .collect();
    if set.is_empty() {
        return None;
    }
    let address = match first_of(&report.address.value).as_str() {
        "" | "0.0.0.0" => "127.0.0.1".to_string(),
        "::" => "[::1]".to_string(),
        ip if ip.contains(':') => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    let port = match first_of(&report.port.value).as_str() {
        "" => "8008".to_string(),
        port => port.to_string(),
    };
    Some(Listener {
        upstream: format!("{address}:{port}"),
        origin: origin(&set),
    })
}

/// The first value of a TOML value written as a scalar or a list, without
/// quotes: `["127.0.0.1", "::1"]` → `127.0.0.1`.
fn first_of(value: &str) -> String {
    let inner = value.trim().trim_start_matches('[').trim_end_matches(']');
    inner
        .split(',')
        .next()
        .unwrap_or_default()
        .trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .to_string()
}

/// `from your config, line 12` (`lines 3 and 4`), `from CONTINUWUITY_PORT`.
fn origin(settings: &[&Setting]) -> String {
    let mut lines = Vec::new();
    let mut vars = Vec::new();
    for s in settings {
        match &s.source {
            Source::File { line } => lines.push(line.to_string()),
            Source::Env { var } => vars.push(var.clone()),
            Source::Default => {}
        }
    }
    let mut parts = Vec::new();
    match lines.as_slice() {
        [] => {}
        [one] => parts.push(format!("from your config, line {one}")),
        many => parts.push(format!("from your config, lines {}", many.join(" and "))),
    }
    if !vars.is_empty() {
        parts.push(format!("from {}", vars.join(" and ")));
    }
    parts.join(", ")
}

/// The diff writing `plan`'s section into `path` would make, with a
/// fingerprint of the bytes it was computed from.
pub fn preview_config_write(
    path: &Path,
    plan: &Plan,
    env: &[(String, String)],
) -> Result<ConfigPreview, ServiceError> {
    let prepared = prepare(path, plan, OPTIONS, env)?;
    Ok(ConfigPreview {
        path: path.to_path_buf(),
        diff: prepared.diff(),
        fingerprint: prepared.fingerprint(),
        notes: prepared.edit.notes.clone(),
    })
}

/// Writes the edit shown in `preview`: the file is read again and the
/// write refused when it is no longer what the diff was computed from.
pub fn write_config(
    plan: &Plan,
    preview: &ConfigPreview,
    env: &[(String, String)],
) -> Result<WriteOutcome, ServiceError> {
    let prepared = prepare(&preview.path, plan, OPTIONS, env)?;
    if prepared.fingerprint() != preview.fingerprint {
        return Err(ServiceError::ChangedOnDisk(preview.path.clone()));
    }
    if prepared.edit.is_noop() {
        return Err(ServiceError::AlreadyWritten(preview.path.clone()));
    }
    let written = write(&prepared.loaded, &prepared.edit.after)?;
    Ok(WriteOutcome {
        path: preview.path.clone(),
        backup: Some(written.backup),
        warning: written.warning,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Answers, plan};

    const CONFIG: &str = "# my homeserver\n[global]\nserver_name = \"example.com\"\n\
                          allow_federation = false\n\n[global.well_known]\n\
                          client = \"https://old.example.com\"\nservr = \"x\"\n";

    fn env(vars: &[(&str, &str)]) -> Vec<(String, String)> {
        vars.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn file(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("conduwuit.toml");
        std::fs::write(&path, text).expect("write config");
        (dir, path)
    }

    #[test]
    fn loads_what_the_file_says_and_why_this_file() {
        let (_dir, path) = file(CONFIG);
        let shown = path.to_string_lossy().into_owned();
        let status = load_config(None, &env(&[("CONTINUWUITY_CONFIG", &shown)]));
        let ConfigStatus::Found(info) = status else {
            panic!("{status:?}")
        };
        assert_eq!(info.path, path);
        assert_eq!(
            info.why,
            "named by the environment variable CONTINUWUITY_CONFIG"
        );
        assert_eq!(info.server_name.as_deref(), Some("example.com"));
        assert_eq!(
            info.well_known.client.as_deref(),
            Some("https://old.example.com")
        );
        for want in [
            "line 4: federation is disabled",
            "line 8: unknown key `servr`",
        ] {
            assert!(
                info.notes.iter().any(|n| n.starts_with(want)),
                "{want}: {:?}",
                info.notes
            );
        }
        // The environment overrides the file, as it does for the homeserver.
        let vars = env(&[("CONTINUWUITY_SERVER_NAME", "example.org")]);
        let ConfigStatus::Found(info) = load_config(Some(&path), &vars) else {
            panic!("found")
        };
        assert_eq!(info.server_name.as_deref(), Some("example.org"));
        assert_eq!(info.why, "the file you named");
    }

    #[test]
    fn missing_and_broken_files_say_so() {
        let (dir, _) = file(CONFIG);
        let missing = dir.path().join("nope.toml");
        let ConfigStatus::Problem(e) = load_config(Some(&missing), &[]) else {
            panic!("a problem")
        };
        assert_eq!(e, format!("{}: no such file", missing.display()));
        let vars = env(&[("CONDUWUIT_CONFIG", "/nonexistent/c.toml")]);
        let ConfigStatus::Problem(e) = load_config(None, &vars) else {
            panic!("a problem")
        };
        assert_eq!(
            e,
            "/nonexistent/c.toml: no such file (named by the environment variable CONDUWUIT_CONFIG)"
        );
        let (_d, broken) = file("[global\nserver_name = 1\n");
        let ConfigStatus::Problem(e) = load_config(Some(&broken), &[]) else {
            panic!("a problem")
        };
        assert!(e.contains("line 1, column"), "{e}");
    }

    #[test]
    fn preview_then_write_keeps_a_backup_and_the_rest_of_the_file() {
        let (dir, path) = file(CONFIG);
        let p = plan(&Answers::example()).expect("plan");
        let preview = preview_config_write(&path, &p, &[]).expect("preview");
        assert!(preview.changes_anything());
        assert!(
            preview.diff.contains(
                "-client = \"https://old.example.com\"\n+client = \"https://matrix.example.com\""
            ),
            "{}",
            preview.diff
        );
        let outcome = write_config(&p, &preview, &[]).expect("written");
        assert_eq!(outcome.path, path);
        let backup = outcome.backup.expect("a backup");
        assert!(backup.starts_with(dir.path()), "{}", backup.display());
        assert_eq!(std::fs::read_to_string(&backup).expect("backup"), CONFIG);
        let now = std::fs::read_to_string(&path).expect("read");
        assert!(now.starts_with("# my homeserver\n[global]\n"), "{now}");
        assert!(now.contains("server = \"matrix.example.com:443\""), "{now}");
        // Writing the same preview again: the file is no longer what it showed.
        let e = write_config(&p, &preview, &[])
            .expect_err("stale preview")
            .to_string();
        assert!(e.contains("changed on disk"), "{e}");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), now);
        let fresh = preview_config_write(&path, &p, &[]).expect("preview");
        assert!(!fresh.changes_anything(), "{}", fresh.diff);
    }

    #[test]
    fn a_file_changed_after_the_preview_is_not_written() {
        let (_dir, path) = file(CONFIG);
        let p = plan(&Answers::example()).expect("plan");
        let preview = preview_config_write(&path, &p, &[]).expect("preview");
        let edited = format!("{CONFIG}# someone else was here\n");
        std::fs::write(&path, &edited).expect("edit");
        let e = write_config(&p, &preview, &[])
            .expect_err("refused")
            .to_string();
        assert!(
            e.contains("changed on disk") && e.contains("Nothing was written"),
            "{e}"
        );
        assert_eq!(std::fs::read_to_string(&path).expect("read"), edited);
    }

    #[test]
    fn refusals_are_clear() {
        let (_dir, other) = file("[global]\nserver_name = \"example.org\"\n");
        let p = plan(&Answers::example()).expect("plan");
        let e = preview_config_write(&other, &p, &[])
            .expect_err("other server name")
            .to_string();
        assert!(
            e.contains("`example.org`") && e.contains("without wiping"),
            "{e}"
        );
        let (_d, broken) = file("[global]\nserver_name = \"example.com\"\nport = [\n");
        let e = preview_config_write(&broken, &p, &[])
            .expect_err("invalid TOML")
            .to_string();
        assert!(e.contains("not valid TOML: line 3, column"), "{e}");
    }
}
