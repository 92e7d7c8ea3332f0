//! The last guard before an edit is offered: the result parses, holds the
//! target's values, and every value outside the section is what it was.
//! A failure here is a bug in the editor, and nothing gets written.

use crate::config_file::edit::{EditOptions, EditTarget, Want};
use crate::config_file::error::EditError;
use crate::config_file::keys::{self, PLAN_KEYS, REMOVED_RTC_KEY};
use crate::config_file::layout::Layout;
use crate::config_file::section;

pub(crate) fn verify(
    before: &str,
    after: &str,
    target: &EditTarget,
    options: EditOptions,
) -> Result<(), EditError> {
    let internal = |message: String| EditError::Internal { message };
    let layout =
        Layout::parse(after).map_err(|e| internal(format!("the result is not valid TOML: {e}")))?;
    let found = section::locate(&layout);
    for key in PLAN_KEYS {
        let value = found.entry(key).and_then(|e| e.string.as_deref());
        match target.want(key) {
            Want::Set(v) if value != Some(v) => {
                return Err(internal(format!("`{key}` is not `{v}` afterwards")));
            }
            Want::Unset if found.entry(key).is_some() => {
                return Err(internal(format!("`{key}` is still set afterwards")));
            }
            _ => {}
        }
    }
    let (mut old, old_section) = split(before, target, options)?;
    let (mut new, new_section) = split(after, target, options)?;
    for t in [&mut old, &mut new] {
        if options.normalise {
            drop_ignored(t);
        }
        // A `[global]` left empty holds no value of its own.
        if t.get("global")
            .and_then(|g| g.as_table())
            .is_some_and(|g| g.is_empty())
        {
            t.remove("global");
        }
    }
    if !same_table(&old, &new) {
        return Err(internal(
            "a value outside [global.well_known] would change".into(),
        ));
    }
    if !same_table(&old_section, &new_section) {
        return Err(internal(
            "a key of [global.well_known] the plan does not set would change".into(),
        ));
    }
    Ok(())
}

/// The document without `[global.well_known]`, and that section without
/// the keys the edit is meant to change.
fn split(
    text: &str,
    target: &EditTarget,
    options: EditOptions,
) -> Result<(toml::Table, toml::Table), EditError> {
    let mut doc: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| EditError::Internal {
            message: format!("the text does not parse: {}", e.message()),
        })?;
    let mut section = doc
        .get_mut("global")
        .and_then(|g| g.as_table_mut())
        .and_then(|g| g.remove("well_known"))
        .and_then(|w| match w {
            toml::Value::Table(t) => Some(t),
            _ => None,
        })
        .unwrap_or_default();
    section.retain(|k, _| {
        !(matches!(target.want(k), Want::Set(_) | Want::Unset)
            || (options.normalise && k == REMOVED_RTC_KEY))
    });
    Ok((doc, section))
}

/// Whether two parsed tables hold the same values, `nan` equal to `nan`:
/// TOML has NaN literals (TOML 1.0, "Float") and NaN is unequal to itself,
/// so a plain comparison would call an untouched `x = nan` changed.
/// Other floats compare bit for bit (`-0.0` is not `0.0`).
fn same_table(a: &toml::Table, b: &toml::Table) -> bool {
    a.len() == b.len()
        && a.iter()
            .all(|(k, v)| b.get(k).is_some_and(|w| same_value(v, w)))
}

fn same_value(a: &toml::Value, b: &toml::Value) -> bool {
    use toml::Value;
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => {
            x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same_value(v, w))
        }
        (Value::Table(x), Value::Table(y)) => same_table(x, y),
        _ => a == b,
    }
}

/// What normalising comments out.
fn drop_ignored(doc: &mut toml::Table) {
    doc.remove("well_known");
    doc.retain(|k, _| keys::deprecated_global_key(k).is_none());
    if let Some(global) = doc.get_mut("global").and_then(|g| g.as_table_mut()) {
        global.retain(|k, _| keys::deprecated_global_key(k).is_none() && k != REMOVED_RTC_KEY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> toml::Table {
        text.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn nan_is_the_same_value_as_nan_and_other_values_compare_exactly() {
        let nan = table("a = nan\nb = [-nan, { c = nan }]\n");
        assert!(same_table(
            &nan,
            &table("a = nan\nb = [-nan, { c = nan }]\n")
        ));
        assert!(!same_table(
            &nan,
            &table("a = \"nan\"\nb = [-nan, { c = nan }]\n")
        ));
        assert!(!same_table(
            &nan,
            &table("a = nan\nb = [-nan, { c = 1.0 }]\n")
        ));
        assert!(!same_table(&table("x = 0.0"), &table("x = -0.0")));
        assert!(!same_table(&table("x = 1"), &table("x = 1\ny = 2")));
        assert!(same_table(&table("x = 1.5"), &table("x = 1.5")));
    }
}
