//! The first half of a config write, shared by `generate --write-config`
//! and the wizard: read the file, compute the edit for a plan, and the diff
//! to show before anything is written. The second half is [`super::write`]
//! with the [`Loaded`] kept here, which refuses a file that changed since.

use std::collections::hash_map::DefaultHasher;
use std::hash::Hasher;
use std::path::{Path, PathBuf};

use super::diff::unified_diff;
use super::edit::{Edit, EditOptions, edit_for_plan};
use super::error::{EditError, FileError};
use super::write::{self, Loaded};
use crate::domain::Plan;

/// Why no edit could be prepared. Nothing was changed either way.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    /// The file could not be read (the message names it).
    #[error(transparent)]
    File(#[from] FileError),
    /// The edit was refused: invalid TOML (with line and column), a
    /// different `server_name`, a form the editor cannot change.
    #[error("{}: {source}", .path.display())]
    Edit { path: PathBuf, source: EditError },
}

/// A file as read, and the edit that would give it the plan's settings.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub loaded: Loaded,
    pub edit: Edit,
}

impl Prepared {
    /// The unified diff of the edit, labelled with the path as given; empty
    /// when nothing would change.
    pub fn diff(&self) -> String {
        if self.edit.is_noop() {
            return String::new();
        }
        let label = self.loaded.path.display().to_string();
        unified_diff(&self.edit.before, &self.edit.after, &label)
    }

    /// Identifies the content that was read (see [`fingerprint`]).
    pub fn fingerprint(&self) -> String {
        fingerprint(self.loaded.text.as_bytes())
    }
}

/// Reads `path` and computes the edit for `plan` (`env`: the environment
/// the homeserver runs with, for the server-name guard and override notes).
pub fn prepare(
    path: &Path,
    plan: &Plan,
    options: EditOptions,
    env: &[(String, String)],
) -> Result<Prepared, PrepareError> {
    let loaded = write::read(path)?;
    let edit =
        edit_for_plan(&loaded.text, plan, options, env).map_err(|source| PrepareError::Edit {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(Prepared { loaded, edit })
}

/// A short fingerprint of file content: its length and a 64-bit hash. It
/// tells whether a file changed between showing a diff and writing it (an
/// accident, not an attack: the writer compares the full content again
/// right before replacing the file). Stable within one process only.
pub fn fingerprint(bytes: &[u8]) -> String {
    let mut hasher = DefaultHasher::new();
    hasher.write(bytes);
    format!("{}:{:016x}", bytes.len(), hasher.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Answers, plan};

    /// A config file naming `server_name`, and the seed example's plan.
    fn setup(server_name: &str) -> (tempfile::TempDir, PathBuf, Plan) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("c.toml");
        let text = format!("[global]\nserver_name = \"{server_name}\"\n");
        std::fs::write(&path, text).expect("write");
        (dir, path, plan(&Answers::example()).expect("plan"))
    }

    #[test]
    fn prepares_the_edit_and_its_diff() {
        let (_dir, path, p) = setup("example.com");
        let prepared = prepare(&path, &p, EditOptions::default(), &[]).expect("prepared");
        let diff = prepared.diff();
        assert!(
            diff.contains("+server = \"matrix.example.com:443\""),
            "{diff}"
        );
        assert_eq!(
            prepared.fingerprint(),
            fingerprint(b"[global]\nserver_name = \"example.com\"\n")
        );
        assert_ne!(fingerprint(b"a"), fingerprint(b"b"));

        std::fs::write(&path, &prepared.edit.after).expect("write");
        let again = prepare(&path, &p, EditOptions::default(), &[]).expect("prepared");
        assert_eq!(again.diff(), "", "nothing left to change");
    }

    #[test]
    fn refusals_name_the_file() {
        let (dir, path, p) = setup("example.org");
        let e = prepare(&path, &p, EditOptions::default(), &[]).expect_err("other name");
        let msg = e.to_string();
        assert!(msg.starts_with(&path.display().to_string()), "{msg}");
        assert!(msg.contains("cannot change without wiping"), "{msg}");
        let missing = dir.path().join("nope.toml");
        let e = prepare(&missing, &p, EditOptions::default(), &[]).expect_err("missing");
        assert!(
            matches!(e, PrepareError::File(FileError::NotFound { .. })),
            "{e}"
        );
    }
}
