//! The raw text of a config file: byte-order mark, line endings and line
//! lookup. (Showing file content on a terminal is [`crate::safe_text`]'s
//! job.)

/// The UTF-8 byte-order mark some editors put at the start of a file.
pub const BOM: &str = "\u{feff}";

/// A file's text split into its BOM (if any) and the TOML body after it.
/// Every offset used by the editor is an offset into `body`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source<'a> {
    pub bom: bool,
    pub body: &'a str,
}

impl<'a> Source<'a> {
    pub fn new(text: &'a str) -> Source<'a> {
        match text.strip_prefix(BOM) {
            Some(body) => Source { bom: true, body },
            None => Source {
                bom: false,
                body: text,
            },
        }
    }
}

/// The line ending new lines get: the one most lines of the file use
/// (CRLF files stay CRLF), `\n` for a file without any.
pub fn dominant_eol(body: &str) -> &'static str {
    let lf = body.matches('\n').count();
    let crlf = body.matches("\r\n").count();
    if crlf * 2 > lf { "\r\n" } else { "\n" }
}

/// Where each line starts, so that offsets can be turned into line numbers
/// and line ranges.
#[derive(Debug, Clone)]
pub struct Lines {
    starts: Vec<usize>,
    len: usize,
}

impl Lines {
    pub fn new(body: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(body.match_indices('\n').map(|(i, _)| i + 1));
        // A final newline does not open another line.
        if starts.len() > 1 && starts.last() == Some(&body.len()) {
            starts.pop();
        }
        Lines {
            starts,
            len: body.len(),
        }
    }

    pub fn count(&self) -> usize {
        self.starts.len()
    }

    /// 0-based index of the line holding byte `offset`.
    pub fn index_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// 1-based line number of byte `offset`, as editors show it.
    pub fn number_of(&self, offset: usize) -> usize {
        self.index_of(offset) + 1
    }

    /// Byte where line `index` starts.
    pub fn start(&self, index: usize) -> usize {
        self.starts.get(index).copied().unwrap_or(self.len)
    }

    /// Byte just after line `index`, its line ending included.
    pub fn end(&self, index: usize) -> usize {
        self.start(index + 1)
    }

    /// 1-based column of byte `offset` in characters.
    pub fn column_of(&self, body: &str, offset: usize) -> usize {
        let start = self.start(self.index_of(offset));
        body.get(start..offset).map_or(1, |s| s.chars().count() + 1)
    }
}

/// The text of line `index` without its line ending.
pub fn line_text<'a>(body: &'a str, lines: &Lines, index: usize) -> &'a str {
    let raw = body.get(lines.start(index)..lines.end(index)).unwrap_or("");
    raw.trim_end_matches(['\n', '\r'])
}

/// The leading spaces and tabs of a line.
pub fn indentation(line: &str) -> &str {
    let trimmed = line.trim_start_matches([' ', '\t']);
    &line[..line.len() - trimmed.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_split_off() {
        let s = Source::new("\u{feff}[global]\n");
        assert!(s.bom);
        assert_eq!(s.body, "[global]\n");
        assert!(!Source::new("[global]\n").bom);
    }

    #[test]
    fn eol_follows_the_majority() {
        assert_eq!(dominant_eol("a\r\nb\r\nc\n"), "\r\n");
        assert_eq!(dominant_eol("a\nb\nc\r\n"), "\n");
        assert_eq!(dominant_eol("no newline"), "\n");
    }

    #[test]
    fn lines_and_columns() {
        let body = "ab\ncd\r\nef";
        let l = Lines::new(body);
        assert_eq!(l.count(), 3);
        assert_eq!(l.number_of(0), 1);
        assert_eq!(l.number_of(3), 2);
        assert_eq!(l.number_of(8), 3);
        assert_eq!(line_text(body, &l, 1), "cd");
        assert_eq!(l.end(2), body.len());
        assert_eq!(l.column_of(body, 4), 2);
        assert_eq!(Lines::new("a\n").count(), 1);
    }
}
