//! Where a new `[global.well_known]` section goes, and its text.

use crate::config_file::layout::Layout;
use crate::config_file::section::Section;

/// Where to put a new section: 0-based line to insert before (`None`: at
/// the end of the file), and how to say it.
pub(super) struct Place {
    pub before_line: Option<usize>,
    pub description: String,
}

/// Right after the `[global]`-family table the generated example puts it
/// after (`[global.tls]`), else after the last `[global]`-family table.
/// Sub-tables `[[global.well_known.*]]` already in the file go after it.
pub(super) fn new_section_place(layout: &Layout, section: &Section) -> Place {
    if let Some((_, line)) = section.subtables.first() {
        return Place {
            before_line: Some(attached_start(layout, *line)),
            description: "before its sub-tables".into(),
        };
    }
    let anchor = layout
        .table_header(&["global", "tls"])
        .map(|i| (i, "[global.tls]"))
        .or_else(|| {
            layout
                .headers
                .iter()
                .rposition(|h| h.path.first().is_some_and(|p| p == "global"))
                .map(|i| (i, "the last [global] table"))
        });
    match anchor {
        Some((i, name)) => match layout.headers.get(i + 1) {
            Some(next) => Place {
                before_line: Some(attached_start(layout, next.line)),
                description: format!("after {name}"),
            },
            None => Place {
                before_line: None,
                description: format!("at the end of the file (after {name})"),
            },
        },
        None => Place {
            before_line: None,
            description: "at the end of the file".into(),
        },
    }
}

/// The first line of the comment paragraph that introduces the header on
/// `line` (comments right above it, preceded by a blank line), else `line`.
/// Comments that run straight into the previous table's lines belong to it.
fn attached_start(layout: &Layout, line: usize) -> usize {
    let mut first = line;
    while first > 0 && layout.is_comment_line(first - 1) {
        first -= 1;
    }
    if first == line || first == 0 || layout.is_blank_line(first - 1) {
        first
    } else {
        line
    }
}

/// The text to insert for a new section whose lines are `lines` (without
/// line endings), with blank lines separating it from its neighbours.
pub(super) fn section_text(
    layout: &Layout,
    place: &Place,
    header_suffix: &str,
    lines: &[String],
    eol: &str,
) -> (usize, String) {
    let body = layout.body;
    let mut text = String::new();
    let at = match place.before_line {
        Some(line) => {
            if line > 0 && !layout.is_blank_line(line - 1) {
                text.push_str(eol);
            }
            layout.lines.start(line)
        }
        None => {
            if !body.is_empty() && !body.ends_with('\n') {
                text.push_str(eol);
            }
            let last = layout.lines.count().saturating_sub(1);
            if !body.is_empty() && !layout.is_blank_line(last) {
                text.push_str(eol);
            }
            body.len()
        }
    };
    text.push_str("[global.well_known]");
    text.push_str(header_suffix);
    text.push_str(eol);
    for l in lines {
        text.push_str(l);
        text.push_str(eol);
    }
    if place.before_line.is_some() {
        text.push_str(eol);
    }
    (at, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config_file::section::locate;

    fn place(text: &str) -> (Option<usize>, String) {
        let l = Layout::parse(text).expect("parses");
        let s = locate(&l);
        let p = new_section_place(&l, &s);
        (p.before_line, p.description)
    }

    #[test]
    fn after_tls_when_present() {
        let text = "[global]\na = 1\n\n[global.tls]\n#certs =\n\n# RTC\n[global.matrix_rtc]\n";
        assert_eq!(place(text), (Some(6), "after [global.tls]".into()));
    }

    #[test]
    fn comments_running_into_the_previous_table_stay_there() {
        let text = "[global]\na = 1\n[global.tls]\n#certs =\n[global.matrix_rtc]\n";
        assert_eq!(place(text).0, Some(4));
    }

    #[test]
    fn end_of_the_global_family_or_file() {
        assert_eq!(
            place("[global]\na = 1\n[global.ldap]\n[other]\n").0,
            Some(3)
        );
        assert_eq!(place("[global]\na = 1\n# appended\n#[global]\n").0, None);
        assert_eq!(
            place("[global]\n[[global.well_known.rtc_transports]]\ntype = \"x\"\n"),
            (Some(1), "before its sub-tables".into())
        );
    }
}
