//! The homeserver's config file: find it, read what matters for delegation,
//! change exactly the `[global.well_known]` section, and write it back safely.
//!
//! Reading and editing are pure functions over the text (and an environment
//! list); only [`write`] and [`locate`] touch the file system.

pub mod diff;
pub mod edit;
mod edit_forms;
mod edit_place;
mod edit_verify;
pub mod env;
pub mod error;
mod inspect;
mod inspect_section;
mod inspect_values;
pub mod keys;
pub mod layout;
pub mod locate;
pub mod render;
pub mod report;
pub mod section;
mod splice;
pub mod text;
pub mod write;

pub use edit::{Change, Edit, EditOptions, EditTarget, edit, edit_for_plan};
pub use error::{ConfigError, EditError, FileError};
pub use inspect::inspect;
pub use report::{
    ConfigReport, Finding, KeyReport, SectionForm, ServerNameInFile, Setting, Severity, Source,
};
