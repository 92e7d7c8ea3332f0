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

/// Cuts a line of code or config at `max` columns, never reflowing it into
/// the next line: a cut falls after a space when there is one in the second
/// half of the piece (so long comments break between words), else at the
/// edge. The pieces put together are the line again; continuation pieces
/// are flagged so the view can mark them.
pub fn wrap_code(line: &str, max: usize) -> Vec<(bool, String)> {
    let max = max.max(4);
    if width(line) <= max {
        return vec![(false, line.to_string())];
    }
    let mut out = Vec::new();
    let mut rest = line;
    // Continuations get a 2-column marker, so they hold two columns less.
    let mut limit = max;
    while width(rest) > limit {
        let piece = hard_cut(rest, limit, limit).swap_remove(0);
        let cut = match piece.rfind(' ') {
            Some(space) if width(&piece[..space]) >= limit / 2 => space + 1,
            _ => piece.len(),
        };
        out.push((!out.is_empty(), rest[..cut].to_string()));
        rest = &rest[cut..];
        limit = max - 2;
    }
    out.push((!out.is_empty(), rest.to_string()));
    out
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
        assert_eq!(v[0], (false, "    proxy_pass ".to_string()));
        // No space in the second half: cut at the edge (18 = 20 less the marker).
        assert_eq!(v[1], (true, "http://127.0.0.1:8".to_string()));
        let back: String = v.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(back, "    proxy_pass http://127.0.0.1:8008;");
        let v = wrap_code("upstream_host_with_a_long_name:8008;", 20);
        assert_eq!(v[0], (false, "upstream_host_with_a".to_string()));
        assert!(v[1].0);
    }

    #[test]
    fn long_comments_break_between_words() {
        let line = "# The port is mandatory: without it, peers look up SRV records";
        let v = wrap_code(line, 30);
        assert_eq!(v[0], (false, "# The port is mandatory: ".to_string()));
        assert!(v.iter().skip(1).all(|(continued, _)| *continued));
        assert!(
            v.iter().all(|(c, p)| width(p) <= if *c { 28 } else { 30 }),
            "{v:?}"
        );
        let back: String = v.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(back, line);
    }
}
