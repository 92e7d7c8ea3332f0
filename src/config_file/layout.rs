//! Where everything sits in the text: every table header and every key/value
//! line, found from toml_edit's spans on the parsed document. The editor
//! changes the text only at these places, so every other byte stays as it was.

use std::ops::Range;

use toml_edit::{Document, Item, Table};

use super::error::ConfigError;
use super::text::{Lines, line_text};

/// A `[table]` or `[[array.of.tables]]` header line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub path: Vec<String>,
    pub array: bool,
    /// 0-based line index.
    pub line: usize,
}

/// One `key = value` (the key possibly dotted), value spans included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The full path: table path, dotted key parts, key.
    pub path: Vec<String>,
    /// The path of the table header the entry sits under (empty: the root).
    pub table: Vec<String>,
    /// Byte range of the last key part (`client` in `well_known.client = ...`).
    pub key_span: Range<usize>,
    /// Byte range of the value's text (quotes included, comments excluded).
    pub value_span: Range<usize>,
    /// 0-based lines the entry covers (a multi-line array covers several).
    pub first_line: usize,
    pub last_line: usize,
}

/// The parsed file with its geometry.
pub struct Layout<'a> {
    pub body: &'a str,
    pub lines: Lines,
    pub doc: Document<&'a str>,
    /// In document order.
    pub headers: Vec<Header>,
    /// In document order.
    pub entries: Vec<Entry>,
    /// Per line: it is inside a value that started on an earlier line.
    continuation: Vec<bool>,
}

impl<'a> Layout<'a> {
    pub fn parse(body: &'a str) -> Result<Layout<'a>, ConfigError> {
        let lines = Lines::new(body);
        let invalid = |span: Option<Range<usize>>, message: &str| {
            let at = span.map_or(0, |s| s.start.min(body.len()));
            ConfigError::InvalidToml {
                line: lines.number_of(at),
                column: lines.column_of(body, at),
                message: message.trim().to_string(),
            }
        };
        // toml_edit 0.23 panics on some invalid texts (a key redefined after
        // a bare `=`, such as "==\n.="); the `toml` parser reports them as
        // errors, so only text it accepts reaches toml_edit.
        if let Err(e) = body.parse::<toml::Table>() {
            return Err(invalid(e.span(), e.message()));
        }
        let doc = Document::parse(body).map_err(|e| invalid(e.span(), e.message()))?;
        let mut headers = Vec::new();
        let mut entries = Vec::new();
        walk(doc.as_table(), &[], &[], &lines, &mut headers, &mut entries);
        headers.sort_by_key(|h| h.line);
        entries.sort_by_key(|e| e.key_span.start);
        let mut continuation = vec![false; lines.count()];
        for e in &entries {
            for flag in continuation
                .iter_mut()
                .take(e.last_line + 1)
                .skip(e.first_line + 1)
            {
                *flag = true;
            }
        }
        Ok(Layout {
            body,
            lines,
            doc,
            headers,
            entries,
            continuation,
        })
    }

    pub fn line(&self, index: usize) -> &'a str {
        line_text(self.body, &self.lines, index)
    }

    /// A comment line outside any value (a `#` inside a multi-line string
    /// or array is not one).
    pub fn is_comment_line(&self, index: usize) -> bool {
        !self.continuation.get(index).copied().unwrap_or(false)
            && self.line(index).trim_start().starts_with('#')
    }

    pub fn is_blank_line(&self, index: usize) -> bool {
        !self.continuation.get(index).copied().unwrap_or(false)
            && self.line(index).trim().is_empty()
    }

    /// The lines of the table opened by `headers[i]`: its header line up to
    /// the next header (exclusive).
    pub fn region(&self, i: usize) -> Range<usize> {
        let start = self.headers[i].line;
        let end = self
            .headers
            .get(i + 1)
            .map_or(self.lines.count(), |h| h.line);
        start..end
    }

    /// The `[path]` header (not an array of tables), if the file has one.
    pub fn table_header(&self, path: &[&str]) -> Option<usize> {
        self.headers
            .iter()
            .position(|h| !h.array && same_path(&h.path, path))
    }

    /// The line of the first `[[path]]` header (an array of tables), if any.
    pub fn array_header_line(&self, path: &[&str]) -> Option<usize> {
        self.headers
            .iter()
            .find(|h| h.array && same_path(&h.path, path))
            .map(|h| h.line)
    }

    /// The entry whose full path is `path`.
    pub fn entry(&self, path: &[&str]) -> Option<&Entry> {
        self.entries.iter().find(|e| same_path(&e.path, path))
    }

    /// The item at `path` in the parsed document.
    pub fn item(&self, path: &[&str]) -> Option<&Item> {
        let mut item = self.doc.as_item();
        for part in path {
            item = item.get(part)?;
        }
        Some(item)
    }
}

pub fn same_path(a: &[String], b: &[&str]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

fn walk(
    table: &Table,
    path: &[String],
    header: &[String],
    lines: &Lines,
    headers: &mut Vec<Header>,
    entries: &mut Vec<Entry>,
) {
    for (key, item) in table.iter() {
        let mut full = path.to_vec();
        full.push(key.to_string());
        match item {
            Item::None => {}
            Item::Value(value) => {
                let (Some(key_span), Some(value_span)) =
                    (table.key(key).and_then(|k| k.span()), value.span())
                else {
                    continue;
                };
                entries.push(Entry {
                    path: full,
                    table: header.to_vec(),
                    first_line: lines.index_of(key_span.start),
                    last_line: lines.index_of(value_span.end.saturating_sub(1)),
                    key_span,
                    value_span,
                });
            }
            Item::Table(t) if t.is_dotted() => walk(t, &full, header, lines, headers, entries),
            Item::Table(t) => {
                if let (false, Some(span)) = (t.is_implicit(), t.span()) {
                    headers.push(Header {
                        path: full.clone(),
                        array: false,
                        line: lines.index_of(span.start),
                    });
                }
                walk(t, &full, &full, lines, headers, entries);
            }
            Item::ArrayOfTables(array) => {
                for t in array.iter() {
                    if let Some(span) = t.span() {
                        headers.push(Header {
                            path: full.clone(),
                            array: true,
                            line: lines.index_of(span.start),
                        });
                    }
                    walk(t, &full, &full, lines, headers, entries);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "top = 1\n\
        [global]\n\
        server_name = \"example.com\" # the name\n\
        well_known.client = \"https://m.example.com\"\n\
        list = [\n  \"a\",\n  # inside\n  \"b\",\n]\n\
        #[global.well_known]\n\
        [global.tls]\n\
        [[global.well_known2.items]]\n\
        x = 1\n";

    #[test]
    fn finds_headers_and_entries_with_their_lines() {
        let l = Layout::parse(TEXT).expect("parses");
        let headers: Vec<_> = l
            .headers
            .iter()
            .map(|h| (h.path.join("."), h.array, h.line))
            .collect();
        assert_eq!(
            headers,
            vec![
                ("global".into(), false, 1),
                ("global.tls".into(), false, 10),
                ("global.well_known2.items".into(), true, 11),
            ]
        );
        let e = l
            .entry(&["global", "well_known", "client"])
            .expect("dotted entry");
        assert_eq!((e.first_line, e.last_line), (3, 3));
        assert_eq!(e.table, vec!["global".to_string()]);
        assert_eq!(&TEXT[e.value_span.clone()], "\"https://m.example.com\"");
        let list = l.entry(&["global", "list"]).expect("list");
        assert_eq!((list.first_line, list.last_line), (4, 8));
        assert!(
            !l.is_comment_line(6),
            "a comment inside an array is part of the value"
        );
        assert!(l.is_comment_line(9));
        assert_eq!(l.region(0), 1..10);
    }

    #[test]
    fn invalid_toml_says_where() {
        let err = Layout::parse("[global]\nserver_name = \"x\nport = 1\n").err();
        match err {
            Some(ConfigError::InvalidToml { line, column, .. }) => {
                assert_eq!(line, 2);
                assert!(column > 1);
            }
            other => panic!("expected an InvalidToml error, got {other:?}"),
        }
    }
}
