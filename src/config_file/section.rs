//! The `[global.well_known]` section as the file spells it: which of the
//! forms Continuwuity reads is used, and where each key and value sits.

use std::ops::Range;

use toml_edit::{Item, Value};

use super::keys;
use super::layout::{Entry, Layout};
use super::report::SectionForm;

pub const SECTION: [&str; 2] = ["global", "well_known"];

/// One `key = value` of the section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionEntry {
    /// The key directly under the section (`x` for `x.y = 1`).
    pub key: String,
    /// `x.y = 1` or a sub-table: not a plain key.
    pub nested: bool,
    pub key_span: Range<usize>,
    pub value_span: Range<usize>,
    /// 0-based.
    pub first_line: usize,
    pub last_line: usize,
    /// The value when it is a string.
    pub string: Option<String>,
    /// The value as shown: a string's content, else the TOML text.
    pub display: String,
}

/// The section Continuwuity reads, located in the text.
#[derive(Debug, Clone)]
pub struct Section {
    pub form: SectionForm,
    /// Index into `layout.headers` of the `[global.well_known]` header.
    pub header: Option<usize>,
    pub entries: Vec<SectionEntry>,
    /// For the inline form: the `well_known = {..}` entry.
    pub inline: Option<Entry>,
    /// `[global.well_known.<key>]` / `[[...]]` headers: (key, 0-based line).
    pub subtables: Vec<(String, usize)>,
    /// `well_known` in `[global]` holds something that is not a table:
    /// (0-based line, what it is).
    pub not_a_table: Option<(usize, &'static str)>,
}

pub fn locate(layout: &Layout) -> Section {
    let mut section = Section {
        form: SectionForm::Missing,
        header: None,
        entries: Vec::new(),
        inline: None,
        subtables: layout
            .headers
            .iter()
            .filter(|h| h.path.len() > 2 && h.path[..2] == SECTION)
            .map(|h| (h.path[2].clone(), h.line))
            .collect(),
        not_a_table: None,
    };
    section.subtables.dedup_by(|a, b| a.0 == b.0);
    match layout.item(&SECTION) {
        Some(Item::Table(t)) if t.is_dotted() => {
            section.entries = dotted_or_table_entries(layout, None);
            if let Some(first) = section.entries.first() {
                section.form = SectionForm::DottedKeys {
                    line: first.first_line + 1,
                };
            }
        }
        Some(Item::Table(t)) if !t.is_implicit() => {
            section.header = layout.table_header(&SECTION);
            if let Some(h) = section.header {
                section.form = SectionForm::Table {
                    line: layout.headers[h].line + 1,
                };
                section.entries = dotted_or_table_entries(layout, Some(&SECTION));
            }
        }
        Some(Item::Value(Value::InlineTable(table))) => {
            if let Some(entry) = layout.entry(&SECTION) {
                section.form = SectionForm::InlineTable {
                    line: entry.first_line + 1,
                };
                section.entries = table
                    .iter()
                    .filter_map(|(k, v)| {
                        let key_span = table.key(k)?.span()?;
                        let mut value_span = v.span()?;
                        // `{ client.x = 1 }`: a dotted key, not a value of its own.
                        // Its span is the key `client` only; the entry ends
                        // with the last value under it (`1`), wherever that is.
                        let nested = v.as_inline_table().is_some_and(|t| t.is_dotted());
                        if nested {
                            value_span.end = value_span.end.max(dotted_end(v));
                        }
                        Some(make_entry(layout, k, nested, key_span, value_span, v))
                    })
                    .collect();
                section.entries.sort_by_key(|e| e.key_span.start);
                section.inline = Some(entry.clone());
            }
        }
        Some(Item::Value(v)) => {
            let line = layout.entry(&SECTION).map_or(0, |e| e.first_line);
            section.not_a_table = Some((line, v.type_name()));
        }
        // `[[global.well_known]]`: an array of tables, which no homeserver
        // reads as the section; the editor refuses it before any change.
        Some(Item::ArrayOfTables(_)) => {
            let line = layout.array_header_line(&SECTION).unwrap_or(0);
            section.not_a_table = Some((line, "array of tables"));
        }
        _ => {}
    }
    section
}

/// Where the last value under a dotted key of an inline table ends
/// (`a.x = 1, a.y.z = 2` under `a`: after the `2`); 0 when no value
/// under it has a span.
fn dotted_end(value: &Value) -> usize {
    match value.as_inline_table() {
        Some(t) if t.is_dotted() => t.iter().map(|(_, v)| dotted_end(v)).max().unwrap_or(0),
        _ => value.span().map_or(0, |s| s.end),
    }
}

/// Entries of the table or dotted form; `table` restricts them to those
/// under that header. Neither form includes what sits under a
/// `[global.well_known.<key>]` header: a table defined by dotted keys can
/// still have sub-tables with headers of their own (TOML 1.0, "Table"), and
/// their lines are not the section's.
fn dotted_or_table_entries(layout: &Layout, table: Option<&[&str]>) -> Vec<SectionEntry> {
    layout
        .entries
        .iter()
        .filter(|e| e.path.len() > 2 && e.path[..2] == SECTION)
        .filter(|e| match table {
            Some(t) => super::layout::same_path(&e.table, t),
            None => !(e.table.len() > 2 && e.table[..2] == SECTION),
        })
        .filter_map(|e| {
            let path: Vec<&str> = e.path.iter().map(String::as_str).collect();
            let value = layout.item(&path)?.as_value()?;
            Some(make_entry(
                layout,
                &e.path[2],
                e.path.len() > 3,
                e.key_span.clone(),
                e.value_span.clone(),
                value,
            ))
        })
        .collect()
}

fn make_entry(
    layout: &Layout,
    key: &str,
    nested: bool,
    key_span: Range<usize>,
    value_span: Range<usize>,
    value: &Value,
) -> SectionEntry {
    let raw = layout.body.get(value_span.clone()).unwrap_or("").trim();
    let string = value.as_str().map(str::to_string);
    SectionEntry {
        key: key.to_string(),
        nested,
        first_line: layout.lines.index_of(key_span.start),
        last_line: layout.lines.index_of(value_span.end.saturating_sub(1)),
        display: string.clone().unwrap_or_else(|| raw.to_string()),
        string,
        key_span,
        value_span,
    }
}

impl Section {
    /// The plain (not nested) entry for `key`.
    pub fn entry(&self, key: &str) -> Option<&SectionEntry> {
        self.entries.iter().find(|e| e.key == key && !e.nested)
    }
}

/// A commented-out `key = ...` line inside the live table, as found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    pub key: String,
    /// 0-based.
    pub line: usize,
    /// `#key` with no space: the generated example's placeholder form.
    pub tight: bool,
}

/// The lines that belong to the live `[global.well_known]` table: from its
/// header to the next header, or to the first commented-out header, which
/// starts the documentation of another table (often a whole commented
/// example appended below; that text is never edited).
pub fn table_region(layout: &Layout, section: &Section) -> Option<Range<usize>> {
    let h = section.header?;
    let region = layout.region(h);
    let end = (region.start + 1..region.end)
        .find(|&i| {
            layout.is_comment_line(i)
                && keys::commented_header(layout.line(i)).is_some_and(|p| is_table_path(&p))
        })
        .unwrap_or(region.end);
    Some(region.start..end)
}

fn is_table_path(path: &str) -> bool {
    path.starts_with(|c: char| c.is_ascii_alphabetic())
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-[]".contains(c))
}

/// The commented-out assignments in the table form's region, in order.
pub fn placeholders(layout: &Layout, section: &Section) -> Vec<Placeholder> {
    let Some(region) = table_region(layout, section) else {
        return Vec::new();
    };
    region
        .filter(|&i| layout.is_comment_line(i))
        .filter_map(|i| {
            let (key, tight) = keys::commented_key(layout.line(i))?;
            Some(Placeholder {
                key: key.to_string(),
                line: i,
                tight,
            })
        })
        .collect()
}

/// The placeholder the editor may turn into a live line for `key`: the
/// first `#key =` one, else the only `# key =` one (a doc example may hold
/// several).
pub fn placeholder_for<'p>(all: &'p [Placeholder], key: &str) -> Option<&'p Placeholder> {
    let mut same = all.iter().filter(|p| p.key == key);
    if let Some(p) = same.clone().find(|p| p.tight) {
        return Some(p);
    }
    match (same.next(), same.next()) {
        (Some(p), None) => Some(p),
        _ => None,
    }
}

/// 0-based lines of comment lines holding `#[global.well_known]`.
pub fn commented_headers(layout: &Layout) -> Vec<usize> {
    (0..layout.lines.count())
        .filter(|&i| layout.is_comment_line(i))
        .filter(|&i| keys::commented_header(layout.line(i)).as_deref() == Some("global.well_known"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(text: &str) -> SectionForm {
        let l = Layout::parse(text).expect("parses");
        locate(&l).form
    }

    #[test]
    fn each_form_is_recognised() {
        assert_eq!(
            form("[global]\nx = 1\n\n[global.well_known]\nclient = \"a\"\n"),
            SectionForm::Table { line: 4 }
        );
        assert_eq!(
            form("[global]\nwell_known = { client = \"a\" }\n"),
            SectionForm::InlineTable { line: 2 }
        );
        assert_eq!(
            form("[global]\nx = 1\nwell_known.client = \"a\"\nwell_known.server = \"b\"\n"),
            SectionForm::DottedKeys { line: 3 }
        );
        assert_eq!(
            form("[global]\n#[global.well_known]\n"),
            SectionForm::Missing
        );
        assert_eq!(
            form("[global]\n[[global.well_known.rtc_transports]]\ntype = \"x\"\n"),
            SectionForm::Missing
        );
    }

    #[test]
    fn table_entries_exclude_sub_tables() {
        let text = "[global.well_known]\nclient = \"a\"\nx.y = 1\n\
                    [[global.well_known.rtc_transports]]\ntype = \"livekit\"\n";
        let l = Layout::parse(text).expect("parses");
        let s = locate(&l);
        let keys: Vec<_> = s
            .entries
            .iter()
            .map(|e| (e.key.as_str(), e.nested))
            .collect();
        assert_eq!(keys, vec![("client", false), ("x", true)]);
        assert_eq!(s.subtables, vec![("rtc_transports".to_string(), 3)]);
        assert_eq!(s.entry("client").map(|e| e.display.as_str()), Some("a"));
    }

    #[test]
    fn dotted_entries_exclude_sub_tables_with_headers() {
        let text = "global.well_known.support_page = \"p\"\n\
                    [global.well_known.extra]\nx = 1\n";
        let l = Layout::parse(text).expect("parses");
        let s = locate(&l);
        assert_eq!(s.form, SectionForm::DottedKeys { line: 1 });
        let keys: Vec<_> = s.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, vec!["support_page"]);
        assert_eq!(s.subtables, vec![("extra".to_string(), 1)]);
    }

    #[test]
    fn placeholders_prefer_the_generated_form() {
        let text = "[global.well_known]\n# example:\n# server = \"doc:443\"\n#server =\n\
                    # client = \"x\"\n";
        let l = Layout::parse(text).expect("parses");
        let s = locate(&l);
        let all = placeholders(&l, &s);
        assert_eq!(placeholder_for(&all, "server").map(|p| p.line), Some(3));
        assert_eq!(placeholder_for(&all, "client").map(|p| p.line), Some(4));
        assert_eq!(placeholder_for(&all, "support_page"), None);
    }

    #[test]
    fn a_commented_header_ends_the_region() {
        let text = "[global.well_known]\nclient = \"a\"\n\n### appended example\n\
                    #[global]\n#server_name =\n#[global.well_known]\n#server =\n";
        let l = Layout::parse(text).expect("parses");
        let s = locate(&l);
        assert_eq!(table_region(&l, &s), Some(0..4));
        assert!(placeholders(&l, &s).is_empty());
        assert_eq!(commented_headers(&l), vec![6]);
    }
}
