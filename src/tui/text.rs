//! Wrapping text to a width. Shared by the view (to draw) and by update (to
//! know how far a panel can scroll), so both always agree.

use ratatui::text::Span;

/// Display width of a piece of text (wide characters count 2).
pub fn width(s: &str) -> usize {
    Span::raw(s).width()
}

/// Word-wraps one line of prose. Continuation lines get a hanging indent
/// under the text of a list item (`  1. `, `+ `, `- `, `* `), so that steps
/// and bullets stay readable when narrow.
pub fn wrap_prose(line: &str, max: usize) -> Vec<String> {
    let max = max.max(8);
    if width(line) <= max {
        return vec![line.to_string()];
    }
    let lead = line.len() - line.trim_start_matches(' ').len();
    let hang = hanging_indent(line).min(max / 2);
    let mut out = Vec::new();
    let mut cur = line[..lead].to_string();
    let mut cur_w = lead;
    // Where the text starts on the current output line.
    let mut start_w = lead;
    let new_line = |out: &mut Vec<String>, cur: &mut String, cur_w: &mut usize| {
        out.push(std::mem::replace(cur, " ".repeat(hang)));
        *cur_w = hang;
    };
    for word in line[lead..].split(' ') {
        let w = width(word);
        if cur_w > start_w {
            if cur_w + 1 + w > max {
                new_line(&mut out, &mut cur, &mut cur_w);
                start_w = hang;
            } else {
                cur.push(' ');
                cur_w += 1;
            }
        }
        if cur_w + w <= max {
            cur.push_str(word);
            cur_w += w;
            continue;
        }
        // A word longer than a whole line: cut it.
        for c in word.chars() {
            let mut buf = [0u8; 4];
            let cw = width(c.encode_utf8(&mut buf));
            if cur_w + cw > max && cur_w > start_w {
                new_line(&mut out, &mut cur, &mut cur_w);
                start_w = hang;
            }
            cur.push(c);
            cur_w += cw;
        }
    }
    out.push(cur);
    out
}

fn hanging_indent(line: &str) -> usize {
    let lead = line.len() - line.trim_start().len();
    let rest = &line[lead..];
    // List bullets, and the status glyphs of notes (`✘ `, `! `, ...).
    for marker in [
        "+ ", "- ", "* ", "• ", "− ", "← ", "→ ", "✘ ", "! ", "✔ ", "› ", "· ",
    ] {
        if rest.starts_with(marker) {
            return lead + width(marker);
        }
    }
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && rest[digits..].starts_with(". ") {
        return lead + digits + 2;
    }
    lead
}

/// Cuts `word` into pieces: the first at most `first` wide, the rest `rest` wide.
fn hard_cut(word: &str, first: usize, rest: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut piece = String::new();
    let mut limit = first.max(1);
    for c in word.chars() {
        let mut buf = [0u8; 4];
        let cw = width(c.encode_utf8(&mut buf));
        if width(&piece) + cw > limit && !piece.is_empty() {
            out.push(std::mem::take(&mut piece));
            limit = rest.max(1);
        }
        piece.push(c);
    }
    if !piece.is_empty() {
        out.push(piece);
    }
    out
}

/// Cuts a line of code or config at `max` columns without touching spaces;
/// continuation pieces are flagged so the view can mark them.
pub fn wrap_code(line: &str, max: usize) -> Vec<(bool, String)> {
    let max = max.max(4);
    if width(line) <= max {
        return vec![(false, line.to_string())];
    }
    // Continuations get a 2-column marker, so they hold two columns less.
    hard_cut(line, max, max - 2)
        .into_iter()
        .enumerate()
        .map(|(i, piece)| (i > 0, piece))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_wraps_with_hanging_indent() {
        let lines = wrap_prose(
            " 1. GET https://example.com/.well-known/matrix/server then more words",
            30,
        );
        assert_eq!(lines[0], " 1. GET");
        assert!(
            lines.iter().skip(1).all(|l| l.starts_with("    ")),
            "{lines:?}"
        );
        assert!(lines.iter().all(|l| width(l) <= 30), "{lines:?}");
        let squeeze = |s: &str| s.split_whitespace().collect::<String>();
        assert_eq!(
            squeeze(&lines.concat()),
            squeeze(" 1. GET https://example.com/.well-known/matrix/server then more words")
        );
    }

    #[test]
    fn short_lines_stay_whole() {
        assert_eq!(
            wrap_prose("+ one place to change", 40),
            vec!["+ one place to change"]
        );
        assert_eq!(wrap_prose("", 40), vec![""]);
    }

    #[test]
    fn code_is_cut_not_reflowed() {
        let v = wrap_code("    proxy_pass http://127.0.0.1:8008;", 20);
        assert_eq!(v[0], (false, "    proxy_pass http:".to_string()));
        assert!(v[1].0);
        let back: String = v.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(back, "    proxy_pass http://127.0.0.1:8008;");
    }
}
