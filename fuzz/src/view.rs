//! Views of a TOML text the targets check the crate's answers against,
//! computed here from the parsers alone (`toml` for values, `toml_edit`'s
//! spans for places), not with the crate's own layout code.

use std::ops::Range;

use toml_edit::{Item, Table, Value};

/// The keys of `[global.well_known]` a plan sets, in the crate's order.
pub const PLAN_KEYS: [&str; 6] = [
    "client",
    "server",
    "support_page",
    "support_role",
    "support_email",
    "support_mxid",
];

/// Every key Continuwuity reads in `[global.well_known]`.
pub const KNOWN_KEYS: [&str; 8] = [
    "client",
    "server",
    "support_page",
    "support_role",
    "support_email",
    "support_mxid",
    "support_pgp_key",
    "policy_server_public_key",
];

/// The key `--normalise` comments out of the section and of `[global]`.
pub const REMOVED_RTC_KEY: &str = "rtc_focus_server_urls";

/// The values of a TOML body, or `None` when it does not parse.
pub fn values(body: &str) -> Option<toml::Table> {
    body.parse::<toml::Table>().ok()
}

/// How many lines an editor shows for `body` (a final newline opens none).
pub fn line_count(body: &str) -> usize {
    let newlines = body.matches('\n').count();
    if body.ends_with('\n') && newlines > 0 {
        newlines
    } else {
        newlines + 1
    }
}

/// The text of 1-based line `n`, without its line ending.
pub fn line(body: &str, n: usize) -> Option<&str> {
    let raw = body.split('\n').nth(n.checked_sub(1)?)?;
    Some(raw.strip_suffix('\r').unwrap_or(raw))
}

/// Byte where the line holding `offset` starts.
pub fn line_start(body: &str, offset: usize) -> usize {
    body[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// Byte just after the line holding `offset`, its line ending included.
pub fn line_end(body: &str, offset: usize) -> usize {
    body[offset..]
        .find('\n')
        .map_or(body.len(), |i| offset + i + 1)
}

/// `[global]` as the parsed values have it (a table).
pub fn global(doc: &toml::Table) -> Option<&toml::Table> {
    doc.get("global").and_then(|g| g.as_table())
}

/// Whether `[global]`'s `key` is a value of its own in toml_edit's
/// document (an inline table counts; a table header or dotted keys under
/// the name do not).
pub fn global_item_is_value(body: &str, key: &str) -> bool {
    let Ok(doc) = toml_edit::Document::parse(body) else {
        return false;
    };
    doc.get("global")
        .and_then(|g| g.get(key))
        .and_then(Item::as_value)
        .is_some_and(|v| !v.as_inline_table().is_some_and(|t| t.is_dotted()))
}

/// `global.well_known` as the parsed values have it.
pub fn section(doc: &toml::Table) -> Option<&toml::Value> {
    global(doc).and_then(|g| g.get("well_known"))
}

/// A key that is one of the deprecated `[global]` `well_known_<key>` keys.
pub fn is_deprecated_key(key: &str) -> bool {
    key.strip_prefix("well_known_")
        .is_some_and(|rest| PLAN_KEYS.contains(&rest))
}

/// The document's values without `global.well_known`; with `normalise`,
/// also without what normalising comments out (a top-level `well_known`,
/// the deprecated keys, the removed RTC key in `[global]`). A `[global]`
/// left empty is dropped, since it then holds nothing of its own.
pub fn values_outside(mut doc: toml::Table, normalise: bool) -> toml::Table {
    if normalise {
        doc.remove("well_known");
        doc.retain(|k, _| !is_deprecated_key(k));
    }
    if let Some(g) = doc.get_mut("global").and_then(|g| g.as_table_mut()) {
        g.remove("well_known");
        if normalise {
            g.retain(|k, _| !is_deprecated_key(k) && k != REMOVED_RTC_KEY);
        }
        if g.is_empty() {
            doc.remove("global");
        }
    }
    doc
}

/// Whether two parsed tables hold the same values, `nan` equal to `nan`
/// (TOML has NaN literals; NaN is unequal to itself), other floats bit
/// for bit. Written here, not taken from the crate, so the targets judge
/// the crate with their own reading.
pub fn same_values(a: &toml::Table, b: &toml::Table) -> bool {
    a.len() == b.len()
        && a.iter()
            .all(|(k, v)| b.get(k).is_some_and(|w| same_value(v, w)))
}

fn same_value(a: &toml::Value, b: &toml::Value) -> bool {
    match (a, b) {
        (toml::Value::Float(x), toml::Value::Float(y)) => {
            x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
        }
        (toml::Value::Array(x), toml::Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same_value(v, w))
        }
        (toml::Value::Table(x), toml::Value::Table(y)) => same_values(x, y),
        _ => a == b,
    }
}

/// Where the section lives in the text, as toml_edit's spans place it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionSpan {
    /// No section the homeserver reads: an edit may only insert.
    Missing,
    /// The bytes an edit may change: whole lines, from the
    /// `[global.well_known]` header to the next header, or the lines of
    /// the inline table, or from the first to the last dotted key's line.
    Lines(Range<usize>),
    /// `well_known` is something else (a string, an array): no edit.
    NotATable,
}

/// Locates the section in `body` (which must parse).
pub fn section_span(body: &str) -> Option<SectionSpan> {
    let doc = toml_edit::Document::parse(body).ok()?;
    let Some(Item::Table(global)) = doc.as_table().get("global") else {
        return Some(SectionSpan::Missing);
    };
    let whole_lines = |r: Range<usize>| line_start(body, r.start)..line_end(body, r.end);
    Some(match global.get("well_known") {
        None => SectionSpan::Missing,
        Some(Item::Table(t)) if t.is_dotted() => {
            let mut spans = Vec::new();
            leaf_spans(t, &mut spans);
            match (
                spans.iter().map(|s| s.start).min(),
                spans.iter().map(|s| s.end).max(),
            ) {
                (Some(start), Some(end)) => SectionSpan::Lines(whole_lines(start..end)),
                _ => SectionSpan::Missing,
            }
        }
        Some(Item::Table(t)) if t.is_implicit() => SectionSpan::Missing,
        Some(Item::Table(t)) => {
            let start = t.span()?.start;
            let mut headers = Vec::new();
            header_starts(doc.as_table(), &mut headers);
            let end = headers
                .into_iter()
                .filter(|&h| h > start)
                .min()
                .map_or(body.len(), |h| line_start(body, h));
            SectionSpan::Lines(line_start(body, start)..end)
        }
        Some(Item::Value(Value::InlineTable(_))) => {
            let key = global.key("well_known")?.span()?;
            let value = global.get("well_known")?.span()?;
            SectionSpan::Lines(whole_lines(key.start..value.end))
        }
        Some(_) => SectionSpan::NotATable,
    })
}

/// The spans of every key and value under a dotted table, nested dotted
/// tables included.
fn leaf_spans(t: &Table, out: &mut Vec<Range<usize>>) {
    for (k, item) in t.iter() {
        if let Some(s) = t.key(k).and_then(|k| k.span()) {
            out.push(s);
        }
        match item {
            Item::Table(inner) => leaf_spans(inner, out),
            other => out.extend(other.span()),
        }
    }
}

/// Where every `[table]` and `[[array]]` header starts.
fn header_starts(t: &Table, out: &mut Vec<usize>) {
    for (_, item) in t.iter() {
        match item {
            Item::Table(inner) => {
                if !inner.is_implicit()
                    && !inner.is_dotted()
                    && let Some(s) = inner.span()
                {
                    out.push(s.start);
                }
                header_starts(inner, out);
            }
            Item::ArrayOfTables(array) => {
                for inner in array.iter() {
                    out.extend(inner.span().map(|s| s.start));
                    header_starts(inner, out);
                }
            }
            _ => {}
        }
    }
}

/// The bytes of `before` an edit replaced (empty for pure insertions): the
/// part between the longest common prefix and, after it, the longest
/// common suffix.
pub fn changed_range(before: &str, after: &str) -> Range<usize> {
    let (b, a) = (before.as_bytes(), after.as_bytes());
    let prefix = b.iter().zip(a).take_while(|(x, y)| x == y).count();
    let suffix = b[prefix..]
        .iter()
        .rev()
        .zip(a[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    prefix..b.len() - suffix
}

/// When `after` is `before` with text inserted at one place: every offset
/// of `before` where that insertion gives `after` (a run of equal bytes
/// around the place makes several).
pub fn insertion_points(before: &str, after: &str) -> Range<usize> {
    let (b, a) = (before.as_bytes(), after.as_bytes());
    let last = changed_range(before, after).start;
    let inserted = a.len() - b.len();
    let mut first = last;
    while first > 0 && b[first - 1] == a[first - 1 + inserted] {
        first -= 1;
    }
    first..last
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_of_each_form() {
        let table = "[global]\nx = 1\n[global.well_known]\nclient = \"a\"\n[global.tls]\n";
        assert_eq!(section_span(table), Some(SectionSpan::Lines(15..48)));
        let inline = "[global]\nwell_known = { client = \"a\" }\nx = 1\n";
        assert_eq!(section_span(inline), Some(SectionSpan::Lines(9..39)));
        let dotted = "[global]\nwell_known.client = \"a\"\nx = 1\nwell_known.a.b = 2\n";
        assert_eq!(section_span(dotted), Some(SectionSpan::Lines(9..58)));
        let missing = "[global]\n[global.well_known.x]\n";
        assert_eq!(section_span(missing), Some(SectionSpan::Missing));
        assert_eq!(
            section_span("[global]\nwell_known = 1\n"),
            Some(SectionSpan::NotATable)
        );
    }

    #[test]
    fn changed_ranges() {
        assert_eq!(changed_range("abc", "abc"), 3..3);
        assert_eq!(changed_range("a\nb", "a\nc\nb"), 2..2);
        assert_eq!(changed_range("axc", "ayyc"), 1..2);
        assert_eq!(insertion_points("a\n", "a\nb\n"), 1..2);
        assert_eq!(insertion_points("ab", "axb"), 1..1);
    }

    #[test]
    fn lines() {
        assert_eq!(line_count("a\nb\n"), 2);
        assert_eq!(line_count("a\nb"), 2);
        assert_eq!(line_count(""), 1);
        assert_eq!(line("a\r\nb", 2), Some("b"));
        assert_eq!(line("a\r\nb", 1), Some("a"));
    }
}
