//! The homeserver's config file: find it, read what matters for delegation,
//! change exactly the `[global.well_known]` section, and write it back safely.
//!
//! Reading and editing are pure functions over the text (and an environment
//! list); only [`write::write()`] and [`locate`] touch the file system.

pub mod diff;
pub mod edit;
pub mod env;
pub mod error;
mod inspect;
pub mod keys;
pub mod layout;
pub mod locate;
pub mod prepare;
pub mod render;
pub mod report;
pub mod section;
mod splice;
pub mod text;
pub mod write;

pub use edit::{Change, Edit, EditOptions, EditTarget, edit, edit_for_plan};
pub use error::{ConfigError, EditError, FileError, LoadError};
pub use inspect::inspect;
pub use prepare::{PrepareError, Prepared, prepare};
pub use report::{
    ConfigReport, Finding, KeyReport, SectionForm, ServerNameInFile, Setting, Severity, Source,
};

/// Reads the file at `path` (symlinks followed) and inspects it with the
/// environment `env`: what `check --config FILE` needs for its expectations.
pub fn inspect_file(
    path: &std::path::Path,
    env: &[(String, String)],
) -> Result<ConfigReport, LoadError> {
    let loaded = write::read(path)?;
    inspect(&loaded.text, env).map_err(|source| LoadError::Config {
        path: path.to_path_buf(),
        source,
    })
}
