//! What an edit checks and says about the world outside the section: the
//! server name it must not change, keys it cannot change because the file
//! holds them as tables, and environment variables that override what it
//! writes.

use crate::config_file::edit::{EditTarget, Want};
use crate::config_file::env::EnvSetting;
use crate::config_file::error::EditError;
use crate::config_file::inspect::{env_global, file_global};
use crate::config_file::keys::{KNOWN_KEYS, PLAN_KEYS};
use crate::config_file::layout::Layout;
use crate::config_file::section::{SECTION, Section};
use crate::safe_text::printable;

/// Refuses a file made for another server name: a homeserver's server_name
/// can never change without wiping its database.
pub(super) fn guard_server_name(
    layout: &Layout,
    env: &[EnvSetting],
    target: &EditTarget,
) -> Result<Vec<String>, EditError> {
    let Some(wanted) = target.server_name.as_deref() else {
        return Ok(Vec::new());
    };
    let file = file_global(layout, "server_name");
    if let Some((found, var)) = env_global(env, "server_name") {
        if found != wanted {
            return Err(EditError::ServerNameMismatchEnv {
                found: found.to_string(),
                wanted: wanted.to_string(),
                var: var.to_string(),
            });
        }
        return Ok(match file {
            Some((f, line)) if f != wanted => vec![format!(
                "the file's server_name `{}` (line {}) is overridden by {var}; the homeserver \
                 runs as `{wanted}`",
                printable(&f),
                line + 1
            )],
            _ => Vec::new(),
        });
    }
    match file {
        Some((found, line)) if found != wanted => Err(EditError::ServerNameMismatch {
            found: printable(&found),
            wanted: wanted.to_string(),
            line: line + 1,
        }),
        Some(_) => Ok(Vec::new()),
        None => Ok(vec![format!(
            "server_name is not set in this file (commented out?) and not in the environment \
             seen here: make sure the homeserver's server_name is `{wanted}`"
        )]),
    }
}

pub(super) fn env_notes(env: &[EnvSetting], target: &EditTarget) -> Vec<String> {
    let mut notes = Vec::new();
    for s in env.iter().filter(|s| s.read_by_continuwuity()) {
        for key in KNOWN_KEYS {
            let Some(value) = s.well_known_value(key) else {
                continue;
            };
            let differs = match target.want(key) {
                Want::Set(v) => v != value,
                Want::Unset => true,
                Want::Keep => false,
            };
            if differs {
                notes.push(format!(
                    "{} sets {key} = `{}` and overrides the file: change or remove it too",
                    s.var,
                    printable(value)
                ));
            }
        }
    }
    notes
}

/// Refuses to set or unset a key the section holds as a table (`client.x =
/// 1`, `[global.well_known.client]`, `client = { .. }` spelt with dotted
/// keys inside an inline table): there is no `key = value` line to change,
/// and adding one would define the key twice.
pub(super) fn guard_table_valued_keys(
    layout: &Layout,
    section: &Section,
    target: &EditTarget,
) -> Result<(), EditError> {
    for key in PLAN_KEYS {
        if target.want(key) == Want::Keep || section.entry(key).is_some() {
            continue;
        }
        if layout.item(&[SECTION[0], SECTION[1], key]).is_none() {
            continue;
        }
        let line = section
            .entries
            .iter()
            .find(|e| e.key == key)
            .map(|e| e.first_line)
            .or_else(|| {
                section
                    .subtables
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, l)| *l)
            })
            .or_else(|| section.inline.as_ref().map(|e| e.first_line))
            .unwrap_or(0);
        return Err(EditError::Unsupported {
            line: line + 1,
            message: format!(
                "`{key}` in [global.well_known] is a table, not a string (Continuwuity refuses \
                 to start with it); replace it with `{key} = \"...\"` by hand first"
            ),
        });
    }
    Ok(())
}
