//! The current review tab: prose wrapped, code and diffs cut at the edge
//! (never reflowed), continuation lines marked.

use ratatui::text::{Line, Span};

use crate::safe_text::display as safe_text;
use crate::tui::state::{State, TabKind};
use crate::tui::text::{wrap_code, wrap_prose};
use crate::tui::theme::Theme;

use super::diff::diff_style;

/// The current tab's lines at `width` (also used to bound scrolling).
pub fn tab_lines(state: &State, width: u16) -> Vec<Line<'static>> {
    let theme = Theme::new(state.no_color);
    let tabs = state.review.tabs();
    let Some(tab) = tabs.get(state.review.tab) else {
        return Vec::new();
    };
    let w = usize::from(width).max(8);
    let mut out = Vec::new();
    let text = match tab.kind {
        // Comments are prose: re-flowed once to the width, each piece
        // still a comment, so that copied text stays valid.
        TabKind::Code => reflow_comments(&tab.text, w),
        _ => tab.text.to_string(),
    };
    for raw in text.lines() {
        let line = safe_text(raw);
        match tab.kind {
            TabKind::Prose => {
                for piece in wrap_prose(&line, w) {
                    out.push(Line::raw(piece));
                }
            }
            TabKind::Code | TabKind::Diff => {
                let style = if tab.kind == TabKind::Diff {
                    diff_style(&line, theme)
                } else {
                    theme.plain()
                };
                for (continued, piece) in wrap_code(&line, w) {
                    let mut spans = Vec::new();
                    if continued {
                        spans.push(Span::styled("↪ ", theme.muted()));
                    }
                    spans.push(Span::styled(piece, style));
                    out.push(Line::from(spans));
                }
            }
        }
    }
    out
}

/// The comment marker and indentation of a comment line (`    # `, `; `),
/// and its text; `None` for code, a bare marker or a comment that is a
/// list item or indented on purpose (kept as written).
fn comment(line: &str) -> Option<(&str, &str)> {
    let indent = line.len() - line.trim_start().len();
    let rest = &line[indent..];
    let marker = ["# ", "; ", "// "]
        .into_iter()
        .find(|m| rest.starts_with(m))?;
    let text = &rest[marker.len()..];
    let listed = text.starts_with(['-', '*', '+', ' ', '|'])
        || text
            .split_once(". ")
            .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    (!text.is_empty() && !listed).then(|| line.split_at(indent + marker.len()))
}

/// Joins runs of comment lines with the same marker into paragraphs and
/// wraps them at `width`: the generator wraps its comments for files, the
/// screen is narrower, and wrapping the pieces again would leave orphan
/// words. Runs that already fit are kept as they are.
fn reflow_comments(text: &str, width: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        let Some((lead, _)) = comment(lines[i]) else {
            out.push_str(lines[i]);
            out.push('\n');
            i += 1;
            continue;
        };
        let mut j = i;
        let mut words = Vec::new();
        while let Some((l, t)) = lines.get(j).and_then(|l| comment(l)) {
            if l != lead {
                break;
            }
            words.push(t);
            j += 1;
        }
        if lines[i..j]
            .iter()
            .all(|l| crate::tui::text::width(l) <= width)
        {
            for l in &lines[i..j] {
                out.push_str(l);
                out.push('\n');
            }
        } else {
            let room = width.saturating_sub(crate::tui::text::width(lead)).max(8);
            for piece in wrap_prose(&words.join(" "), room) {
                out.push_str(lead);
                out.push_str(piece.trim_start());
                out.push('\n');
            }
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::reflow_comments;

    #[test]
    fn comments_are_wrapped_once_and_stay_comments() {
        let text = "# one two three four five six seven eight\n# nine ten\n#\n\
                    #   - a list item stays as written\nkey = \"value\"\n    # indented comment \
                    that is long enough to wrap\n";
        let out = reflow_comments(text, 24);
        for line in out.lines() {
            assert!(
                line.trim_start().starts_with('#') || line == "key = \"value\"",
                "{line:?} in\n{out}"
            );
        }
        let words = |t: &str| {
            t.split_whitespace()
                .filter(|w| *w != "#")
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(words(&out), words(text), "nothing lost or reordered");
        assert!(out.contains("#   - a list item stays as written\n"));
        assert!(
            out.lines()
                .all(|l| l.chars().count() <= 24 || l.contains("list item"))
        );
        assert!(out.contains("\n    # "), "the indentation is kept:\n{out}");
        // Already narrow enough: kept byte for byte.
        assert_eq!(
            reflow_comments("# short\n# lines\n", 80),
            "# short\n# lines\n"
        );
    }
}
