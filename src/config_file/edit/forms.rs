//! Editing the other forms Continuwuity reads (an inline table, dotted keys)
//! in place, moving them into one `[global.well_known]` table when the
//! operator agrees, and commenting out the forms it ignores.

use crate::config_file::edit::{Ctx, Want, insert_section};
use crate::config_file::error::EditError;
use crate::config_file::keys::{self, PLAN_KEYS, REMOVED_RTC_KEY};
use crate::config_file::section::{SECTION, SectionEntry};
use crate::config_file::text::indentation;
use crate::safe_text::printable;
use crate::toml_syntax::toml_string;

/// `well_known = { ... }`: values replaced in their spans, new keys added
/// before the closing brace, unset keys removed with one comma each.
pub(crate) fn edit_inline(cx: &mut Ctx) -> Result<(), EditError> {
    let Some(inline) = cx.section.inline.clone() else {
        return Ok(());
    };
    let body = cx.layout.body;
    let close = inline.value_span.end.saturating_sub(1);
    let inner = body.get(inline.value_span.start..close).unwrap_or("");
    let insert_at = inline.value_span.start + inner.trim_end().len();
    let entries = cx.section.entries.clone();
    let mut removed = vec![false; entries.len()];
    let mut added = Vec::new();
    for key in PLAN_KEYS {
        let found = entries.iter().position(|e| e.key == key && !e.nested);
        match (cx.target.want(key), found) {
            (Want::Set(v), Some(i)) if entries[i].string.as_deref() == Some(v) => {}
            (Want::Set(v), Some(i)) => replace_value(cx, &entries[i], key, v),
            (Want::Set(v), None) => added.push(format!("{key} = {}", toml_string(v))),
            (Want::Unset, Some(i)) => {
                removed[i] = true;
                cx.change(
                    entries[i].first_line,
                    format!("{key} removed from the inline table"),
                );
            }
            (Want::Unset | Want::Keep, _) => {}
        }
    }
    if removed.contains(&true) && entries.iter().any(|e| e.nested) {
        return Err(EditError::Unsupported {
            line: inline.first_line + 1,
            message: "the inline table uses dotted keys inside it; remove the key by hand, or \
                      move the table into [global.well_known]"
                .into(),
        });
    }
    // TOML 1.1 allows a comma after the last entry (`{ client = "c", }`),
    // and a comment or line break after it: new entries go right after
    // the last entry's value, before that comma, and removing every entry
    // takes that comma too.
    // The entries are in the order their keys appear; the values under a
    // dotted key (`{ a.x = 1, b = 2, a.y = 3 }`) may end after a later
    // key's, so the end of the last value is the furthest end of all.
    let values_end = entries.iter().map(|e| e.value_span.end).max();
    let trailing_comma = values_end.and_then(|end| {
        let after = body.get(end..close)?;
        let gap = after.len() - after.trim_start().len();
        after.trim_start().starts_with(',').then_some(end + gap)
    });
    let mut insert_at = values_end.unwrap_or(insert_at);
    for (start, mut end) in removal_ranges(&entries, &removed) {
        if let Some(comma) = trailing_comma.filter(|_| !removed.contains(&false))
            && end <= comma
        {
            end = comma + 1;
            insert_at = end;
        }
        cx.splices.replace(start..end, "");
    }
    if !added.is_empty() {
        let kept = removed.iter().filter(|r| !**r).count();
        let text = match (kept, entries.is_empty()) {
            (0, true) => format!(" {} ", added.join(", ")),
            // The spacing the removed entries had around them stays.
            (0, false) => added.join(", "),
            _ => format!(", {}", added.join(", ")),
        };
        cx.splices.insert(insert_at, text);
        cx.change(
            inline.first_line,
            format!("added to the inline table: {}", added.join(", ")),
        );
    }
    Ok(())
}

fn replace_value(cx: &mut Ctx, e: &SectionEntry, key: &str, v: &str) {
    cx.splices.replace(e.value_span.clone(), toml_string(v));
    let old = printable(&e.display);
    cx.change(e.first_line, format!("{key}: `{old}` → `{}`", printable(v)));
}

/// The bytes to delete to drop the `removed` entries of an inline table
/// (`entries` in text order): an entry followed by a kept one goes up to
/// the next entry's key, taking the comma after it; the removed entries
/// after the last kept one go together, from the end of that kept entry,
/// taking the comma before them. Each comma goes exactly once.
fn removal_ranges(entries: &[SectionEntry], removed: &[bool]) -> Vec<(usize, usize)> {
    let last_kept = removed.iter().rposition(|r| !*r);
    let mut ranges = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        if removed[i] && last_kept.is_some_and(|k| i < k) {
            ranges.push((e.key_span.start, entries[i + 1].key_span.start));
        }
    }
    let trailing_start = last_kept.map_or(0, |k| k + 1);
    if let Some(last) = entries.last()
        && trailing_start < entries.len()
    {
        let start = match last_kept {
            Some(k) => entries[k].value_span.end,
            None => entries[0].key_span.start,
        };
        ranges.push((start, last.value_span.end));
    }
    ranges
}

/// `well_known.client = ...` lines: values replaced, new keys added as
/// more dotted lines after the last one, an unset key commented out.
pub(crate) fn edit_dotted(cx: &mut Ctx) {
    let Some(last) = cx.section.entries.last().cloned() else {
        return;
    };
    let prefix = dotted_prefix(cx.layout.line(last.first_line));
    for key in PLAN_KEYS {
        let entry = cx.section.entry(key).cloned();
        match (cx.target.want(key), entry) {
            (Want::Set(v), Some(e)) if e.string.as_deref() == Some(v) => {}
            (Want::Set(v), Some(e)) => replace_value(cx, &e, key, v),
            (Want::Set(v), None) => {
                let at = cx.layout.lines.end(last.last_line);
                let mut text = cx.newline_before(at).to_string();
                text.push_str(&format!("{prefix}{key} = {}{}", toml_string(v), cx.eol));
                cx.splices.insert(at, text);
                cx.change(
                    last.last_line,
                    format!("{prefix}{key} = `{}` (added)", printable(v)),
                );
            }
            (Want::Unset, Some(e)) => {
                cx.splices.comment_out(cx.layout, e.first_line, e.last_line);
                cx.change(e.first_line, format!("{key} commented out"));
            }
            (Want::Unset | Want::Keep, _) => {}
        }
    }
}

/// `  well_known.` from `  well_known.client = "x"` (or `global.well_known.`);
/// plain `well_known.` after the indentation when the line is spelt otherwise.
fn dotted_prefix(line: &str) -> String {
    let fallback = || format!("{}well_known.", indentation(line));
    let Some(i) = line.find("well_known") else {
        return fallback();
    };
    let rest = &line[i + "well_known".len()..];
    let Some(after_dot) = rest.trim_start().strip_prefix('.') else {
        return fallback();
    };
    let key = after_dot.trim_start();
    line[..line.len() - key.len()].to_string()
}

/// The raw `key = value` text of an entry of the inline or dotted form
/// (several lines for a multi-line value), without the `well_known.` prefix.
fn raw_entry(cx: &Ctx, e: &SectionEntry, dotted: bool) -> Option<String> {
    let layout = cx.layout;
    if !dotted {
        // The key and the value as written, joined on one line: between
        // them an inline table can hold line breaks (the reader takes
        // `key =⏎ value` there) that a table's key/value pair cannot have
        // (TOML 1.0, "Keys": key, equals sign and value on the same line).
        let key = layout.body.get(e.key_span.clone())?;
        let value = layout.body.get(e.value_span.clone())?;
        return Some(format!("{key} = {value}"));
    }
    let first = layout.line(e.first_line);
    let prefix = dotted_prefix(first);
    let mut out = first.strip_prefix(prefix.as_str())?.to_string();
    for i in e.first_line + 1..=e.last_line {
        out.push_str(cx.eol);
        out.push_str(layout.line(i));
    }
    Some(out)
}

fn commented(text: &str, eol: &str) -> String {
    text.split(eol)
        .map(|l| format!("#{l}"))
        .collect::<Vec<_>>()
        .join(eol)
}

/// Moves the inline table or the dotted keys into a new `[global.well_known]`
/// table: the plan's values, the other keys as written, the old lines gone.
pub(crate) fn normalise_into_table(cx: &mut Ctx) -> Result<(), EditError> {
    let dotted = cx.section.inline.is_none();
    if let Some(inline) = &cx.section.inline {
        let count = cx
            .layout
            .item(&SECTION)
            .and_then(|i| i.as_inline_table())
            .map_or(0, |t| t.len());
        if count != cx.section.entries.len() || cx.section.entries.iter().any(|e| e.nested) {
            return Err(EditError::Unsupported {
                line: inline.first_line + 1,
                message: "the inline table uses dotted keys inside it; move it into \
                          [global.well_known] by hand"
                    .into(),
            });
        }
    }
    let mut lines = Vec::new();
    for key in PLAN_KEYS {
        let raw = cx.section.entry(key).and_then(|e| raw_entry(cx, e, dotted));
        match (cx.target.want(key), raw) {
            (Want::Set(v), _) => lines.push(format!("{key} = {}", toml_string(v))),
            (Want::Keep, Some(raw)) => lines.push(raw),
            (Want::Unset, Some(raw)) => lines.push(commented(&raw, cx.eol)),
            (_, None) => {}
        }
    }
    for e in cx
        .section
        .entries
        .iter()
        .filter(|e| e.nested || !PLAN_KEYS.contains(&e.key.as_str()))
    {
        let Some(raw) = raw_entry(cx, e, dotted) else {
            return Err(EditError::Unsupported {
                line: e.first_line + 1,
                message: format!(
                    "cannot move `{}` into [global.well_known]",
                    printable(&e.key)
                ),
            });
        };
        lines.push(if e.key == REMOVED_RTC_KEY {
            commented(&raw, cx.eol)
        } else {
            raw
        });
    }
    let mut suffix = String::new();
    match cx.section.inline.clone() {
        Some(inline) => {
            let tail = cx.layout.line(inline.last_line);
            let line_start = cx.layout.lines.start(inline.last_line);
            let after = tail
                .get(inline.value_span.end - line_start..)
                .unwrap_or("")
                .trim();
            if after.starts_with('#') {
                suffix = format!(" {after}");
            }
            cx.splices
                .delete_lines(cx.layout, inline.first_line, inline.last_line);
            cx.change(
                inline.first_line,
                "inline table moved into [global.well_known]",
            );
        }
        None => {
            let entries = cx.section.entries.clone();
            for e in &entries {
                cx.splices
                    .delete_lines(cx.layout, e.first_line, e.last_line);
                cx.change(
                    e.first_line,
                    format!("well_known.{} moved into [global.well_known]", e.key),
                );
            }
        }
    }
    insert_section(cx, lines, &suffix);
    Ok(())
}

/// Comments out what Continuwuity ignores: a top-level `[well_known]`
/// table, the deprecated `well_known_*` keys, the removed RTC key.
pub(crate) fn comment_out_ignored(cx: &mut Ctx) {
    let layout = cx.layout;
    for h in layout.headers.iter().filter(|h| h.path[0] == "well_known") {
        cx.splices.comment_out(layout, h.line, h.line);
        cx.change(
            h.line,
            format!(
                "[{}] commented out (ignored outside [global])",
                h.path.join(".")
            ),
        );
    }
    let table_form = cx.section.header.is_some();
    for e in &layout.entries {
        let top_level = e.path[0] == "well_known";
        let deprecated = (e.path.len() == 1 || (e.path.len() == 2 && e.path[0] == "global"))
            && e.path
                .last()
                .is_some_and(|k| keys::deprecated_global_key(k).is_some());
        let removed = e.path.last().is_some_and(|k| k == REMOVED_RTC_KEY)
            && ((e.path.len() == 2 && e.path[0] == "global")
                || (table_form && e.path.len() == 3 && e.path[..2] == SECTION));
        if top_level || deprecated || removed {
            cx.splices.comment_out(layout, e.first_line, e.last_line);
            let what = if top_level {
                "ignored outside [global]"
            } else if deprecated {
                "deprecated and ignored"
            } else {
                "removed; use [global.matrix_rtc] foci"
            };
            cx.change(
                e.first_line,
                format!("{} commented out ({what})", e.path.join(".")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::dotted_prefix;

    #[test]
    fn prefixes_of_dotted_lines() {
        assert_eq!(dotted_prefix("well_known.client = \"x\""), "well_known.");
        assert_eq!(
            dotted_prefix("\twell_known . client = 1"),
            "\twell_known . "
        );
        assert_eq!(
            dotted_prefix("global.well_known.server = 1"),
            "global.well_known."
        );
        assert_eq!(
            dotted_prefix("  \"well_known\".client = 1"),
            "  well_known."
        );
        assert_eq!(dotted_prefix("well_knownä = 1"), "well_known.");
    }
}
