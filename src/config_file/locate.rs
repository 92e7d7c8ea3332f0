//! Finding the config file: `--config PATH`, else the environment variables
//! the homeservers read, else the packaged locations. The environment and
//! the file system are passed in, so tests do not depend on the machine.

use std::path::{Path, PathBuf};

/// In the order this tool prefers them. Continuwuity itself reads
/// `CONDUIT_CONFIG`, `CONDUWUIT_CONFIG` and `CONTINUWUITY_CONFIG` (merging all
/// that are set, later ones winning key by key); tuwunel reads `TUWUNEL_CONFIG`.
pub const CONFIG_VARS: [&str; 4] = [
    "CONTINUWUITY_CONFIG",
    "CONDUWUIT_CONFIG",
    "CONDUIT_CONFIG",
    "TUWUNEL_CONFIG",
];

/// Where packages and container images put the file (Continuwuity has no
/// default path of its own).
pub const PACKAGED_PATHS: [&str; 4] = [
    "/etc/continuwuity/continuwuity.toml",
    "/etc/continuwuity.toml",
    "/etc/conduwuit/conduwuit.toml",
    "/etc/tuwunel/tuwunel.toml",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// `--config PATH`.
    Flag,
    /// Named by this environment variable.
    EnvVar(String),
    /// The first packaged location that exists.
    Packaged,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub path: PathBuf,
    pub reason: Reason,
    /// Other candidates the operator should know about.
    pub notes: Vec<String>,
}

impl Located {
    /// Why this file, in one sentence.
    pub fn explain(&self) -> String {
        match &self.reason {
            Reason::Flag => "given with --config".to_string(),
            Reason::EnvVar(var) => format!("named by the environment variable {var}"),
            Reason::Packaged => format!(
                "the first packaged location that exists (looked at {})",
                PACKAGED_PATHS.join(", ")
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "no config file found: --config was not given, {} are unset, and none of {} exists. \
     Pass --config PATH",
    CONFIG_VARS.join(", "),
    .tried.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
)]
pub struct NotFound {
    pub tried: Vec<PathBuf>,
}

/// Picks the config file. `env` looks a variable up; `candidates` are the
/// packaged locations to try (normally [`PACKAGED_PATHS`]); `exists` asks
/// the file system.
pub fn locate(
    flag: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
    candidates: &[PathBuf],
    exists: &dyn Fn(&Path) -> bool,
) -> Result<Located, NotFound> {
    let set: Vec<(&str, String)> = CONFIG_VARS
        .iter()
        .filter_map(|v| env(v).filter(|p| !p.trim().is_empty()).map(|p| (*v, p)))
        .collect();
    if let Some(path) = flag {
        let notes = set
            .iter()
            .map(|(var, p)| {
                format!("{var} names {p}: the homeserver reads that file too (it wins key by key over earlier files)")
            })
            .collect();
        return Ok(Located {
            path: path.to_path_buf(),
            reason: Reason::Flag,
            notes,
        });
    }
    if let Some(((var, path), others)) = set.split_first() {
        let mut notes: Vec<String> = others
            .iter()
            .filter(|(_, p)| p != path)
            .map(|(v, p)| {
                format!(
                    "{v} also names {p}: Continuwuity reads every file named by CONDUIT_CONFIG, \
                     CONDUWUIT_CONFIG and CONTINUWUITY_CONFIG, later ones winning key by key"
                )
            })
            .collect();
        if !exists(Path::new(path)) {
            notes.push(format!("{path} (from {var}) does not exist"));
        }
        return Ok(Located {
            path: PathBuf::from(path),
            reason: Reason::EnvVar(var.to_string()),
            notes,
        });
    }
    let found: Vec<&PathBuf> = candidates.iter().filter(|p| exists(p)).collect();
    match found.split_first() {
        Some((first, rest)) => Ok(Located {
            path: first.to_path_buf(),
            reason: Reason::Packaged,
            notes: rest
                .iter()
                .map(|p| format!("{} exists too (not used)", p.display()))
                .collect(),
        }),
        None => Err(NotFound {
            tried: candidates.to_vec(),
        }),
    }
}

/// [`locate`] with the process environment and the real file system.
pub fn locate_here(flag: Option<&Path>) -> Result<Located, NotFound> {
    let candidates: Vec<PathBuf> = PACKAGED_PATHS.iter().map(PathBuf::from).collect();
    locate(
        flag,
        &|v| std::env::var_os(v).map(|s| s.to_string_lossy().into_owned()),
        &candidates,
        &|p| p.exists(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(
        flag: Option<&str>,
        vars: &[(&str, &str)],
        existing: &[&str],
    ) -> Result<Located, NotFound> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let existing: Vec<PathBuf> = existing.iter().map(PathBuf::from).collect();
        let candidates: Vec<PathBuf> = PACKAGED_PATHS.iter().map(PathBuf::from).collect();
        locate(
            flag.map(Path::new),
            &|v| vars.iter().find(|(k, _)| k == v).map(|(_, p)| p.clone()),
            &candidates,
            &|p| existing.iter().any(|e| e == p),
        )
    }

    #[test]
    fn the_flag_wins_and_mentions_variables() {
        let l = run(Some("/x.toml"), &[("CONDUWUIT_CONFIG", "/y.toml")], &[]).expect("found");
        assert_eq!((l.path, l.reason), (PathBuf::from("/x.toml"), Reason::Flag));
        assert_eq!(l.notes.len(), 1);
        assert!(l.notes[0].starts_with("CONDUWUIT_CONFIG names /y.toml"));
    }

    #[test]
    fn variables_in_order_then_packaged_paths() {
        let l = run(
            None,
            &[
                ("CONDUWUIT_CONFIG", "/b.toml"),
                ("CONTINUWUITY_CONFIG", "/a.toml"),
                ("TUWUNEL_CONFIG", ""),
            ],
            &["/a.toml"],
        )
        .expect("found");
        assert_eq!(l.path, PathBuf::from("/a.toml"));
        assert_eq!(l.reason, Reason::EnvVar("CONTINUWUITY_CONFIG".into()));
        assert_eq!(l.notes.len(), 1, "{:?}", l.notes);

        let l = run(None, &[("TUWUNEL_CONFIG", "/t.toml")], &[]).expect("found");
        assert_eq!(l.reason, Reason::EnvVar("TUWUNEL_CONFIG".into()));
        assert!(l.notes[0].contains("does not exist"));

        let l = run(
            None,
            &[],
            &["/etc/conduwuit/conduwuit.toml", "/etc/tuwunel/tuwunel.toml"],
        )
        .expect("found");
        assert_eq!(l.path, PathBuf::from("/etc/conduwuit/conduwuit.toml"));
        assert_eq!(l.reason, Reason::Packaged);
        assert_eq!(
            l.notes,
            vec!["/etc/tuwunel/tuwunel.toml exists too (not used)".to_string()]
        );
    }

    #[test]
    fn nothing_found_says_what_was_tried() {
        let e = run(None, &[], &[]).expect_err("nothing there");
        let msg = e.to_string();
        assert!(
            msg.contains("/etc/continuwuity.toml") && msg.contains("--config"),
            "{msg}"
        );
    }
}
