//! Byte-range replacements applied to the original text in one pass, so that
//! everything between them is copied unchanged.

use std::ops::Range;

use super::layout::Layout;
use super::text::indentation;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Splice {
    range: Range<usize>,
    text: String,
    /// Insertions at the same offset keep the order they were added in.
    seq: usize,
}

#[derive(Debug, Default)]
pub(crate) struct Splices {
    items: Vec<Splice>,
}

/// Two edits touched the same bytes: a bug in the editor, never written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Overlap {
    pub at: usize,
}

impl Splices {
    pub(crate) fn replace(&mut self, range: Range<usize>, text: impl Into<String>) {
        let seq = self.items.len();
        self.items.push(Splice {
            range,
            text: text.into(),
            seq,
        });
    }

    pub(crate) fn insert(&mut self, at: usize, text: impl Into<String>) {
        self.replace(at..at, text);
    }

    /// Comments out lines `first..=last` by putting `#` after each line's
    /// indentation (so a multi-line value becomes a block of comments).
    ///
    /// The `#` replaces the line's first character with itself preceded by
    /// `#` rather than being inserted before it: a non-empty replacement
    /// sorts after the insertions at the same offset, so a new line added
    /// where this one starts stays a line of its own instead of receiving
    /// the `#`.
    pub(crate) fn comment_out(&mut self, layout: &Layout, first: usize, last: usize) {
        for i in first..=last {
            let line = layout.line(i);
            let indent = indentation(line).len();
            let at = layout.lines.start(i) + indent;
            match line[indent..].chars().next() {
                Some(c) => self.replace(at..at + c.len_utf8(), format!("#{c}")),
                None => self.insert(at, "#"),
            }
        }
    }

    /// Deletes lines `first..=last`, line endings included.
    pub(crate) fn delete_lines(&mut self, layout: &Layout, first: usize, last: usize) {
        self.replace(layout.lines.start(first)..layout.lines.end(last), "");
    }

    /// Whether text inserted at `at` now would start the result: the
    /// splices added so far delete every byte before it and put no text of
    /// their own there.
    pub(crate) fn nothing_left_before(&self, at: usize) -> bool {
        let adds_before = self
            .items
            .iter()
            .any(|s| !s.text.is_empty() && s.range.start <= at);
        !adds_before && self.delete_all_of(0..at)
    }

    /// Whether the splices added so far delete every byte of `range`.
    fn delete_all_of(&self, range: Range<usize>) -> bool {
        let mut deletions: Vec<&Range<usize>> = self
            .items
            .iter()
            .filter(|s| s.text.is_empty() && !s.range.is_empty())
            .map(|s| &s.range)
            .collect();
        deletions.sort_by_key(|r| r.start);
        let mut covered = range.start;
        for r in deletions {
            if r.start <= covered && r.end > covered {
                covered = r.end;
            }
        }
        covered >= range.end
    }

    pub(crate) fn apply(mut self, body: &str) -> Result<String, Overlap> {
        self.items
            .sort_by_key(|s| (s.range.start, s.range.end > s.range.start, s.seq));
        let mut out = String::with_capacity(body.len() + 256);
        let mut pos = 0;
        for s in &self.items {
            if s.range.start < pos || s.range.end > body.len() {
                return Err(Overlap { at: s.range.start });
            }
            out.push_str(&body[pos..s.range.start]);
            out.push_str(&s.text);
            pos = s.range.end;
        }
        out.push_str(&body[pos..]);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_inserted_where_a_commented_out_line_starts_stays_uncommented() {
        let text = "a = 1\nb = 2\n";
        let layout = Layout::parse(text).expect("parses");
        let mut s = Splices::default();
        s.comment_out(&layout, 1, 1);
        s.insert(layout.lines.start(1), "c = 3\n");
        assert_eq!(s.apply(text), Ok("a = 1\nc = 3\n#b = 2\n".to_string()));
        let mut s = Splices::default();
        s.insert(layout.lines.start(1), "c = 3\n");
        s.comment_out(&layout, 1, 1);
        assert_eq!(s.apply(text), Ok("a = 1\nc = 3\n#b = 2\n".to_string()));
    }

    #[test]
    fn deletions_cover_a_range_only_without_gaps() {
        let mut s = Splices::default();
        s.replace(0..4, "");
        s.replace(4..9, "");
        s.insert(2, "kept");
        assert!(s.delete_all_of(0..9));
        assert!(s.delete_all_of(3..3));
        assert!(!s.delete_all_of(0..10));
        let mut gap = Splices::default();
        gap.replace(0..4, "");
        gap.replace(5..9, "");
        assert!(!gap.delete_all_of(0..9));
        assert!(!s.nothing_left_before(9), "text inserted at 2 stays before");
        let mut moved = Splices::default();
        moved.replace(0..4, "");
        assert!(moved.nothing_left_before(4));
        assert!(!moved.nothing_left_before(5));
    }

    #[test]
    fn splices_apply_in_order_and_refuse_overlaps() {
        let mut s = Splices::default();
        s.insert(3, "B");
        s.replace(0..1, "x");
        s.insert(3, "C");
        s.replace(3..4, "D");
        assert_eq!(s.apply("abcdef").expect("no overlap"), "xbcBCDef");

        let mut s = Splices::default();
        s.replace(0..3, "x");
        s.replace(2..4, "y");
        assert_eq!(s.apply("abcdef"), Err(Overlap { at: 2 }));
    }

    #[test]
    fn comment_out_keeps_indentation() {
        let body = "[t]\n  a = [\n\t1,\n  ]\n";
        let l = Layout::parse(body).expect("parses");
        let mut s = Splices::default();
        s.comment_out(&l, 1, 3);
        assert_eq!(
            s.apply(body).expect("applies"),
            "[t]\n  #a = [\n\t#1,\n  #]\n"
        );
    }
}
