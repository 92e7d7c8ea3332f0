//! The one gate for text that did not come from this program (network
//! answers, config files, typed values echoed back): whatever it contains,
//! it must not move the cursor, change colours, reorder the line or hide
//! itself. The lead may point this at the shared sanitiser.

use std::borrow::Cow;

/// Longest piece of outside text shown at once; the rest is summarised.
pub const MAX_SHOWN_CHARS: usize = 2000;

/// Escapes control characters (C0, DEL, C1 — which covers ESC and every
/// escape sequence), bidirectional overrides and invisible characters, so
/// that a single line of outside text renders as exactly what it is.
/// Newlines are escaped too (callers that show several lines split the raw
/// text on `'\n'` first and pass each line here); a tab becomes spaces.
pub fn safe_text(raw: &str) -> Cow<'_, str> {
    let too_long = raw.chars().nth(MAX_SHOWN_CHARS).is_some();
    if !too_long && raw.chars().all(is_plain) {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len().min(MAX_SHOWN_CHARS * 4) + 16);
    for (shown, c) in raw.chars().enumerate() {
        if shown == MAX_SHOWN_CHARS {
            let rest = raw.chars().count() - MAX_SHOWN_CHARS;
            out.push_str(&format!("… ({rest} more characters)"));
            break;
        }
        match c {
            c if is_plain(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            // A tab is harmless but its width is unknowable: four spaces.
            '\t' => out.push_str("    "),
            '\u{1b}' => out.push_str("\\e"),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

fn is_plain(c: char) -> bool {
    !c.is_control()
        && !matches!(c,
            // Bidirectional controls: can make text read in another order (CVE-2021-42574).
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
            // Zero-width and line/paragraph separators: invisible or line-breaking.
            | '\u{200b}'..='\u{200d}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
        )
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
        assert_eq!(safe_text("a\u{1b}[2Jb"), "a\\e[2Jb");
        assert_eq!(safe_text("x\ny\r\t."), "x\\ny\\r    .");
        assert_eq!(safe_text("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(safe_text("\u{7}\u{7f}"), "\\u{7}\\u{7f}");
        assert_eq!(safe_text("evil\u{202e}txt"), "evil\\u{202e}txt");
        assert_eq!(safe_text("a\u{200b}b"), "a\\u{200b}b");
    }

    #[test]
    fn caps_huge_text() {
        let huge = "x".repeat(MAX_SHOWN_CHARS + 500);
        let shown = safe_text(&huge);
        assert!(
            shown.ends_with("… (500 more characters)"),
            "{}",
            &shown[1990..]
        );
        assert!(shown.chars().count() < MAX_SHOWN_CHARS + 40);
    }
}
