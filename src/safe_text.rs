//! Making outside text safe to show. A server, a config file or an
//! environment variable must not be able to repaint the operator's terminal,
//! hide text with bidi overrides or break a report's layout: every string
//! that did not come from this program goes through here before a human sees
//! it (text report, Markdown, `config show`, the diff before a config write,
//! the wizard), so all of them show the same escapes.
//!
//! Control characters (C0, DEL, C1: ESC, CSI, OSC...), bidi controls and
//! invisible characters are shown as escapes (`\x1b`, `\u{202e}`); invalid
//! UTF-8 is shown byte by byte (`\xff`); long values are cut with `…`.

use std::borrow::Cow;

/// The default length cap for one value on one line.
pub const DEFAULT_MAX: usize = 300;

/// One line: everything unsafe escaped, including line breaks; at most
/// `max` characters (plus `…` when cut).
pub fn line(text: &str, max: usize) -> String {
    let mut out = Limited::new(max);
    for c in text.chars() {
        if !out.push(&escape_char(c, true)) {
            break;
        }
    }
    out.finish()
}

/// Like [`line()`], but keeps line breaks (`\n`; `\r\n` becomes `\n`), each
/// line cut at `max_per_line`. For multi-line remedies and bodies.
pub fn block(text: &str, max_per_line: usize) -> String {
    text.split('\n')
        .map(|l| line(l.strip_suffix('\r').unwrap_or(l), max_per_line))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Text from a file or the environment as the command line prints it
/// (`config show`, the diff before a config write): like [`line()`], except
/// that a tab is kept (a terminal shows it as space, and config files indent
/// with it) and nothing is cut (a value must be seen whole to be fixed).
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\t' {
            out.push(c);
        } else {
            out.push_str(&escape_char(c, true));
        }
    }
    out
}

/// Spaces a tab becomes in [`display`].
pub const TAB_SPACES: &str = "    ";

/// Longest piece of outside text [`display`] shows at once; the rest is cut
/// with `…`.
pub const MAX_SHOWN_CHARS: usize = 2000;

/// One line for a terminal UI that draws text cell by cell (the wizard):
/// like [`line()`] with at most [`MAX_SHOWN_CHARS`] characters, except that a
/// tab becomes [`TAB_SPACES`] (its width on screen is otherwise unknowable,
/// and `\t` would mangle indented config and proxy files), and text that
/// needs no change is borrowed, not copied. Newlines are escaped too:
/// callers that show several lines split the raw text on `'\n'` first.
pub fn display(text: &str) -> Cow<'_, str> {
    let max = MAX_SHOWN_CHARS;
    if !text.chars().any(is_unsafe) && text.chars().nth(max).is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = Limited::new(max);
    for c in text.chars() {
        let piece = if c == '\t' {
            TAB_SPACES.to_string()
        } else {
            escape_char(c, true)
        };
        if !out.push(&piece) {
            break;
        }
    }
    Cow::Owned(out.finish())
}

/// Raw bytes as one safe line: valid UTF-8 escaped as in [`line()`], each
/// invalid byte shown as `\xNN`.
pub fn bytes(raw: &[u8], max: usize) -> String {
    let mut out = Limited::new(max);
    'chunks: for chunk in raw.utf8_chunks() {
        for c in chunk.valid().chars() {
            if !out.push(&escape_char(c, true)) {
                break 'chunks;
            }
        }
        for b in chunk.invalid() {
            if !out.push(&format!("\\x{b:02x}")) {
                break 'chunks;
            }
        }
    }
    out.finish()
}

/// Characters that must never reach a terminal or a rendered document raw.
pub fn is_unsafe(c: char) -> bool {
    let u = u32::from(c);
    u < 0x20
        || (0x7f..=0x9f).contains(&u)
        || matches!(
            u,
            0x00ad                    // soft hyphen (invisible)
            | 0x061c                  // Arabic letter mark (bidi)
            | 0x200b..=0x200f         // zero-width chars, LRM, RLM
            | 0x2028 | 0x2029         // line and paragraph separators
            | 0x202a..=0x202e         // bidi embeddings and overrides
            | 0x2060..=0x2064         // word joiner, invisible operators
            | 0x2066..=0x2069         // bidi isolates
            | 0xfeff                  // zero-width no-break space / BOM
            | 0xfff9..=0xfffb // interlinear annotation controls
        )
}

fn escape_char(c: char, escape_newline: bool) -> String {
    match c {
        '\n' if escape_newline => "\\n".into(),
        '\r' => "\\r".into(),
        '\t' => "\\t".into(),
        c if is_unsafe(c) => {
            let u = u32::from(c);
            if u < 0x100 {
                format!("\\x{u:02x}")
            } else {
                format!("\\u{{{u:04x}}}")
            }
        }
        c => c.to_string(),
    }
}

/// Collects escaped pieces up to a character budget; never splits a piece.
struct Limited {
    out: String,
    chars: usize,
    max: usize,
    cut: bool,
}

impl Limited {
    fn new(max: usize) -> Limited {
        Limited {
            out: String::new(),
            chars: 0,
            max,
            cut: false,
        }
    }

    /// Adds a piece; false (and marks the cut) when the budget is spent.
    fn push(&mut self, piece: &str) -> bool {
        let n = piece.chars().count();
        if self.chars + n > self.max {
            self.cut = true;
            return false;
        }
        self.out.push_str(piece);
        self.chars += n;
        true
    }

    fn finish(mut self) -> String {
        if self.cut {
            self.out.push('…');
        }
        self.out
    }
}

/// JSON text safe to print on a terminal: besides what `serde_json` escapes
/// (C0 controls, `"` and `\`), also DEL, C1 controls, bidi and invisible
/// characters become `\uXXXX` escapes. The JSON means exactly the same.
pub fn json_escape_unsafe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if is_unsafe(c) && u32::from(c) >= 0x20 {
            // Only reachable inside strings: JSON syntax is pure ASCII > 0x20.
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_attacks_table() {
        let cases: &[(&str, &str)] = &[
            ("plain example.com", "plain example.com"),
            ("\x1b[2J\x1b[Hgotcha", "\\x1b[2J\\x1b[Hgotcha"),
            // OSC 52: write to the clipboard, terminated by BEL.
            ("\x1b]52;c;ZXZpbA==\x07", "\\x1b]52;c;ZXZpbA==\\x07"),
            // C1 CSI (U+009B) as a UTF-8 character.
            ("a\u{9b}31mred", "a\\x9b31mred"),
            ("admin\u{202e}moc.elpmaxe", "admin\\u{202e}moc.elpmaxe"),
            ("\u{2066}x\u{2069}", "\\u{2066}x\\u{2069}"),
            ("zero\u{200b}width", "zero\\u{200b}width"),
            ("two\nlines\r", "two\\nlines\\r"),
            ("tab\there", "tab\\there"),
            ("del\x7f", "del\\x7f"),
            ("日本語 ok", "日本語 ok"),
        ];
        for (input, want) in cases {
            assert_eq!(line(input, DEFAULT_MAX), *want, "input {input:?}");
        }
    }

    #[test]
    fn invalid_utf8_shown_byte_by_byte() {
        assert_eq!(bytes(b"ok\xff\xfe!", 100), "ok\\xff\\xfe!");
        assert_eq!(bytes(b"\x1b[31m", 100), "\\x1b[31m");
        assert_eq!(bytes("é".as_bytes(), 100), "é");
        // A truncated multi-byte sequence at the end.
        assert_eq!(bytes(&"é".as_bytes()[..1], 100), "\\xc3");
    }

    #[test]
    fn truncates_with_ellipsis_without_splitting_escapes() {
        assert_eq!(line("abcdef", 3), "abc…");
        assert_eq!(line("abc", 3), "abc");
        assert_eq!(line("ab\x1bcd", 4), "ab…");
        assert_eq!(bytes(&[b'a'; 10], 4), "aaaa…");
        assert_eq!(line("", 3), "");
    }

    #[test]
    fn display_expands_tabs_and_borrows_safe_text() {
        assert!(matches!(
            display("matrix.example.com:443 ✔ ü"),
            Cow::Borrowed(_)
        ));
        assert_eq!(display("\treverse_proxy x"), "    reverse_proxy x");
        assert_eq!(display("a\x1b[2Jb\n\u{202e}"), "a\\x1b[2Jb\\n\\u{202e}");
        assert_eq!(display("x\ny\r\t."), "x\\ny\\r    .");
        assert_eq!(display("\u{9b}31m"), "\\x9b31m");
        assert_eq!(display("\u{7}\u{7f}"), "\\x07\\x7f");
        assert_eq!(display("a\u{200b}b"), "a\\u{200b}b");
    }

    #[test]
    fn display_caps_huge_text() {
        let huge = "x".repeat(MAX_SHOWN_CHARS + 500);
        let shown = display(&huge);
        assert_eq!(shown.chars().count(), MAX_SHOWN_CHARS + 1);
        assert!(shown.ends_with("x…"));
        let exact = "x".repeat(MAX_SHOWN_CHARS);
        assert!(matches!(display(&exact), Cow::Borrowed(_)));
        // The cap counts what is shown, and never splits an escape.
        let tabbed = format!("{}\tc", "x".repeat(MAX_SHOWN_CHARS - 2));
        assert_eq!(
            display(&tabbed),
            format!("{}…", "x".repeat(MAX_SHOWN_CHARS - 2))
        );
    }

    #[test]
    fn printable_keeps_tabs_and_escapes_the_rest() {
        assert_eq!(printable("a\u{1b}[31mb\tc"), "a\\x1b[31mb\tc");
        assert_eq!(
            printable("admin\u{202e}moc.elpmaxe zero\u{200b}width"),
            "admin\\u{202e}moc.elpmaxe zero\\u{200b}width"
        );
        assert_eq!(printable("two\nlines\r"), "two\\nlines\\r");
        let long = "y".repeat(5000);
        assert_eq!(printable(&long), long);
    }

    #[test]
    fn block_keeps_line_breaks_only() {
        assert_eq!(block("a\r\nb\x1b", 10), "a\nb\\x1b");
        assert_eq!(block("line one\nline two", 4), "line…\nline…");
    }

    #[test]
    fn json_escaping_keeps_meaning() {
        let value = serde_json::json!({"m.server": "a\u{202e}b\u{9b}c\x1bd"});
        let text = json_escape_unsafe(&serde_json::to_string(&value).expect("serialises"));
        assert!(!text.chars().any(is_unsafe), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).expect("still JSON");
        assert_eq!(back, value);
    }
}
