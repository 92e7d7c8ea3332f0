//! Changing the `[global.well_known]` section of a config file's text, and
//! nothing else. A pure function: text (and environment) in, new text out.
//!
//! The edit is a set of splices at the byte ranges toml_edit's spans give
//! (see [`super::layout`]); every byte outside them is copied unchanged, so
//! comments, blank lines, key order, tabs, CRLF and a BOM all survive. The
//! result is re-parsed and checked before it is returned.
//!
//! Keys a plan does not set: `support_*` (and the keys a plan has no field
//! for) are left as they are — the operator may have set them by hand. A
//! `server` the plan's strategy must not publish (`srv`, `none`) is
//! commented out, because a live `m.server` would override the SRV record.

mod forms;
mod guard;
mod place;
mod verify;

use crate::domain::Plan;
use crate::domain::plan::WellKnownSection;
use crate::safe_text::printable;
use crate::toml_syntax::toml_string;

use self::guard::{env_notes, guard_server_name, guard_table_valued_keys};
use self::place::{new_section_place, section_text};
use self::verify::verify;
use super::env;
use super::error::EditError;
use super::keys::{KNOWN_KEYS, PLAN_KEYS};
use super::layout::Layout;
use super::report::SectionForm;
use super::section::{self, Section};
use super::splice::Splices;
use super::text::{BOM, Source, dominant_eol, indentation};

/// What the edit must achieve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditTarget {
    /// The edit refuses a file whose server_name differs (`None`: no check).
    pub server_name: Option<String>,
    /// The values to set; `None` keys are kept as the file has them...
    pub section: WellKnownSection,
    /// ...except these, which are commented out when the file sets them.
    pub unset: Vec<&'static str>,
}

impl EditTarget {
    pub fn from_plan(plan: &Plan) -> EditTarget {
        let section = plan.well_known_section();
        let unset = if section.server.is_none() {
            vec!["server"]
        } else {
            Vec::new()
        };
        EditTarget {
            server_name: Some(plan.server_name.as_str().to_string()),
            section,
            unset,
        }
    }

    /// Sets the section's values, keeps every key it leaves `None`, and
    /// does not check the server name.
    pub fn from_section(section: WellKnownSection) -> EditTarget {
        EditTarget {
            server_name: None,
            section,
            unset: Vec::new(),
        }
    }

    pub(crate) fn want(&self, key: &str) -> Want<'_> {
        let value = self
            .section
            .entries()
            .into_iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v);
        match value {
            Some(v) => Want::Set(v),
            None if self.unset.contains(&key) => Want::Unset,
            None => Want::Keep,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want<'a> {
    Set(&'a str),
    Unset,
    Keep,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EditOptions {
    /// Move an inline table or dotted keys into one `[global.well_known]`
    /// table and comment out the forms Continuwuity ignores.
    pub normalise: bool,
}

/// One thing the edit does, for the summary under the diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// 1-based line in the original file.
    pub line: usize,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub before: String,
    pub after: String,
    pub changes: Vec<Change>,
    /// What the operator should know (environment overrides, ...).
    pub notes: Vec<String>,
}

impl Edit {
    pub fn is_noop(&self) -> bool {
        self.before == self.after
    }
}

/// Shared state of one edit.
pub(crate) struct Ctx<'l, 'a> {
    pub layout: &'l Layout<'a>,
    pub section: &'l Section,
    pub target: &'l EditTarget,
    pub eol: &'static str,
    pub splices: Splices,
    pub changes: Vec<Change>,
    /// A file without a final newline gets one before the first line added
    /// at its end (and only then).
    pub eof_newline_added: bool,
}

impl Ctx<'_, '_> {
    /// The line ending to put before text inserted at `at`, if any.
    pub(crate) fn newline_before(&mut self, at: usize) -> &'static str {
        let body = self.layout.body;
        if at == body.len() && !body.is_empty() && !body.ends_with('\n') && !self.eof_newline_added
        {
            self.eof_newline_added = true;
            self.eol
        } else {
            ""
        }
    }

    pub(crate) fn change(&mut self, line0: usize, description: impl Into<String>) {
        self.changes.push(Change {
            line: line0 + 1,
            description: description.into(),
        });
    }
}

/// The edit for a plan: its well-known values, its server name guard.
pub fn edit_for_plan(
    text: &str,
    plan: &Plan,
    options: EditOptions,
    env: &[(String, String)],
) -> Result<Edit, EditError> {
    edit(text, &EditTarget::from_plan(plan), options, env)
}

pub fn edit(
    text: &str,
    target: &EditTarget,
    options: EditOptions,
    env: &[(String, String)],
) -> Result<Edit, EditError> {
    let source = Source::new(text);
    let layout = Layout::parse(source.body)?;
    let env = env::analyse(env);
    let mut notes = guard_server_name(&layout, &env, target)?;
    // A `[global.well_known]` header cannot extend a value (a string, an
    // inline table `global = { ... }`), and under `[[global]]` (an array of
    // tables) it would extend the last element, which is no `[global]`
    // section the homeserver reads.
    let global_kind = match layout.item(&["global"]) {
        Some(toml_edit::Item::Value(toml_edit::Value::InlineTable(_))) => {
            Some("an inline table `global = { ... }`")
        }
        Some(toml_edit::Item::Value(other)) => Some(other.type_name()),
        Some(toml_edit::Item::ArrayOfTables(_)) => Some("an array of tables `[[global]]`"),
        _ => None,
    };
    if let Some(kind) = global_kind {
        let line = layout
            .entry(&["global"])
            .map(|e| e.first_line)
            .or_else(|| layout.array_header_line(&["global"]))
            .unwrap_or(0);
        return Err(EditError::Unsupported {
            line: line + 1,
            message: format!(
                "`global` is {kind}, not a [global] section; write it as a [global] section first"
            ),
        });
    }
    let section = section::locate(&layout);
    if let Some((line, kind)) = section.not_a_table {
        return Err(EditError::Unsupported {
            line: line + 1,
            message: format!(
                "`well_known` in [global] is a {kind}, not a table; replace it with a \
                 [global.well_known] section first"
            ),
        });
    }
    guard_table_valued_keys(&layout, &section, target)?;
    let mut cx = Ctx {
        layout: &layout,
        section: &section,
        target,
        eol: dominant_eol(source.body),
        splices: Splices::default(),
        changes: Vec::new(),
        eof_newline_added: false,
    };
    match (section.form, options.normalise) {
        (SectionForm::Table { .. }, _) => edit_table(&mut cx),
        (SectionForm::Missing, _) => create_section(&mut cx),
        (SectionForm::InlineTable { .. }, false) => forms::edit_inline(&mut cx)?,
        (SectionForm::DottedKeys { .. }, false) => forms::edit_dotted(&mut cx),
        (_, true) => forms::normalise_into_table(&mut cx)?,
    }
    if options.normalise {
        forms::comment_out_ignored(&mut cx);
    }
    notes.extend(env_notes(&env, target));
    let Ctx {
        splices, changes, ..
    } = cx;
    let body = splices
        .apply(source.body)
        .map_err(|o| EditError::Internal {
            message: format!("two changes overlap at byte {}", o.at),
        })?;
    let after = if source.bom {
        format!("{BOM}{body}")
    } else {
        body
    };
    verify(
        source.body,
        after.strip_prefix(BOM).unwrap_or(&after),
        target,
        options,
    )?;
    Ok(Edit {
        before: text.to_string(),
        after,
        changes,
        notes,
    })
}

fn edit_table(cx: &mut Ctx) {
    let Some(h) = cx.section.header else { return };
    let header_line = cx.layout.headers[h].line;
    let placeholders = section::placeholders(cx.layout, cx.section);
    // The line each key is (or becomes) live on, to insert new keys after
    // the key that precedes them in the documented order.
    let mut live: Vec<(&str, usize)> = cx
        .section
        .entries
        .iter()
        .filter(|e| !e.nested)
        .filter_map(|e| {
            KNOWN_KEYS
                .iter()
                .find(|k| **k == e.key)
                .map(|k| (*k, e.last_line))
        })
        .collect();
    for key in PLAN_KEYS {
        let entry = cx.section.entry(key).cloned();
        match (cx.target.want(key), entry) {
            (Want::Set(v), Some(e)) if e.string.as_deref() == Some(v) => {}
            (Want::Set(v), Some(e)) => {
                cx.splices.replace(e.value_span.clone(), toml_string(v));
                let old = printable(&e.display);
                cx.change(e.first_line, format!("{key}: `{old}` → `{}`", printable(v)));
            }
            (Want::Set(v), None) => {
                let line = match section::placeholder_for(&placeholders, key) {
                    Some(p) => {
                        let text = cx.layout.line(p.line);
                        let start = cx.layout.lines.start(p.line);
                        let live_line = format!("{}{key} = {}", indentation(text), toml_string(v));
                        cx.splices.replace(start..start + text.len(), live_line);
                        cx.change(
                            p.line,
                            format!("{key} = `{}` (was commented out)", printable(v)),
                        );
                        p.line
                    }
                    None => {
                        let anchor = preceding_live_line(&live, key).unwrap_or(header_line);
                        insert_line_after(cx, anchor, &format!("{key} = {}", toml_string(v)));
                        cx.change(anchor, format!("{key} = `{}` (added)", printable(v)));
                        anchor
                    }
                };
                live.push((key, line));
            }
            (Want::Unset, Some(e)) => {
                cx.splices.comment_out(cx.layout, e.first_line, e.last_line);
                cx.change(
                    e.first_line,
                    format!("{key} commented out: the chosen strategy publishes no m.server"),
                );
            }
            (Want::Unset | Want::Keep, _) => {}
        }
    }
}

fn preceding_live_line(live: &[(&str, usize)], key: &str) -> Option<usize> {
    let pos = KNOWN_KEYS.iter().position(|k| *k == key)?;
    KNOWN_KEYS[..pos]
        .iter()
        .rev()
        .find_map(|k| live.iter().filter(|(l, _)| l == k).map(|(_, n)| *n).max())
}

/// Inserts `text` as a new line after 0-based line `anchor`, indented like it.
pub(crate) fn insert_line_after(cx: &mut Ctx, anchor: usize, text: &str) {
    let indent = indentation(cx.layout.line(anchor)).to_string();
    let at = cx.layout.lines.end(anchor);
    let mut out = cx.newline_before(at).to_string();
    out.push_str(&indent);
    out.push_str(text);
    out.push_str(cx.eol);
    cx.splices.insert(at, out);
}

/// Adds a `[global.well_known]` table holding the plan's values (nothing
/// when the plan sets none).
fn create_section(cx: &mut Ctx) {
    let lines: Vec<String> = PLAN_KEYS
        .iter()
        .filter_map(|k| match cx.target.want(k) {
            Want::Set(v) => Some(format!("{k} = {}", toml_string(v))),
            _ => None,
        })
        .collect();
    insert_section(cx, lines, "");
}

/// Inserts a `[global.well_known]` table with `lines` where the example
/// config puts it, `header_suffix` after the header (a carried comment).
pub(crate) fn insert_section(cx: &mut Ctx, lines: Vec<String>, header_suffix: &str) {
    if lines.is_empty() {
        return;
    }
    let place = new_section_place(cx.layout, cx.section);
    let (at, mut text) = section_text(cx.layout, &place, header_suffix, &lines, cx.eol);
    // Everything before it moves into it (normalising dotted keys at the
    // top of the file): no blank line to separate it from.
    if at > 0 && cx.splices.nothing_left_before(at) {
        while let Some(rest) = text.strip_prefix(cx.eol) {
            text = rest.to_string();
        }
    }
    cx.splices.insert(at, text);
    let line = place
        .before_line
        .unwrap_or_else(|| cx.layout.lines.count().saturating_sub(1));
    cx.change(
        line,
        format!(
            "[global.well_known] created {} with {} line(s)",
            place.description,
            lines.len()
        ),
    );
}
