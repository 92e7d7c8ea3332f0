//! The one gate for text that did not come from this program (network
//! answers, config files, typed values echoed back): whatever it contains,
//! it must not move the cursor, change colours, reorder the line or hide
//! itself. The escaping is the shared sanitiser's ([`safe_text::display`]),
//! so the wizard shows exactly what the text report and the exports show.

use std::borrow::Cow;

use crate::safe_text;

/// Longest piece of outside text shown at once; the rest is cut with `…`.
pub const MAX_SHOWN_CHARS: usize = 2000;

/// One line of outside text as it may be drawn: control characters (C0,
/// DEL, C1 — which covers ESC and every escape sequence), bidirectional
/// overrides and invisible characters escaped (`\x1b`, `\u{202e}`),
/// newlines too (callers that show several lines split the raw text on
/// `'\n'` first and pass each line here); a tab becomes spaces. Text that
/// needs none of this is borrowed.
pub fn safe_text(raw: &str) -> Cow<'_, str> {
    safe_text::display(raw, MAX_SHOWN_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(
            safe_text("matrix.example.com:443 ✔ ü"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn escapes_sequences_and_controls() {
        assert_eq!(safe_text("a\u{1b}[2Jb"), "a\\x1b[2Jb");
        assert_eq!(safe_text("x\ny\r\t."), "x\\ny\\r    .");
        assert_eq!(safe_text("\u{9b}31m"), "\\x9b31m");
        assert_eq!(safe_text("\u{7}\u{7f}"), "\\x07\\x7f");
        assert_eq!(safe_text("evil\u{202e}txt"), "evil\\u{202e}txt");
        assert_eq!(safe_text("a\u{200b}b"), "a\\u{200b}b");
    }

    #[test]
    fn caps_huge_text() {
        let huge = "x".repeat(MAX_SHOWN_CHARS + 500);
        let shown = safe_text(&huge);
        assert_eq!(shown.chars().count(), MAX_SHOWN_CHARS + 1);
        assert!(shown.ends_with("x…"), "{}", &shown[1990..]);
    }
}
