//! Reading the well-known settings in every form people write them, and
//! telling which of those forms Continuwuity actually reads.

use super::Findings;
use crate::config_file::keys::{self, KNOWN_KEYS, REMOVED_RTC_KEY, TUWUNEL_ONLY_KEYS};
use crate::config_file::layout::Layout;
use crate::config_file::report::{KeyReport, SectionForm, Setting, Severity, Source};
use crate::config_file::section::{self, SECTION, Section};
use crate::safe_text::printable;

const FOCI_HINT: &str = "move the list to [global.matrix_rtc] as `foci = [...]`";

/// Fills `keys` from the section Continuwuity reads, reporting every key it
/// would drop.
pub(crate) fn read_keys(
    layout: &Layout,
    section: &Section,
    keys: &mut [KeyReport],
    findings: &mut Findings,
) {
    if let Some((line, kind)) = section.not_a_table {
        findings.add(
            Severity::Problem,
            Some(line),
            format!(
                "`well_known` in [global] is a {kind}, not a table: Continuwuity refuses to start"
            ),
            Some("replace it with a [global.well_known] section".into()),
        );
    }
    for e in &section.entries {
        let known = keys.iter_mut().find(|k| k.key == e.key);
        match known {
            Some(report) if !e.nested => {
                report.in_file = Some(Setting {
                    value: e.display.clone(),
                    source: Source::File {
                        line: e.first_line + 1,
                    },
                });
                if e.string.is_none() {
                    findings.add(
                        Severity::Problem,
                        Some(e.first_line),
                        format!(
                            "`{}` must be a string in quotes, not `{}`: Continuwuity refuses to start",
                            e.key,
                            printable(&e.display)
                        ),
                        Some(format!("write {} = \"...\"", e.key)),
                    );
                }
            }
            _ => classify_other_key(&e.key, e.first_line, findings),
        }
    }
    for (key, line) in &section.subtables {
        if KNOWN_KEYS.contains(&key.as_str()) {
            findings.add(
                Severity::Problem,
                Some(*line),
                format!("`{key}` is written as a table; it must be a string value"),
                None,
            );
        } else {
            classify_other_key(key, *line, findings);
        }
    }
    let placeholders = section::placeholders(layout, section);
    for report in keys.iter_mut().filter(|k| k.in_file.is_none()) {
        report.placeholder_line =
            section::placeholder_for(&placeholders, report.key).map(|p| p.line + 1);
    }
    if section.form == SectionForm::Missing && !section.subtables.is_empty() {
        findings.add(
            Severity::Info,
            section.subtables.first().map(|s| s.1),
            "[global.well_known] has sub-tables but no header of its own; its keys are unset",
            None,
        );
    }
}

/// A key in the section that is not one of the current ones.
fn classify_other_key(key: &str, line: usize, findings: &mut Findings) {
    let shown = printable(key);
    if key == REMOVED_RTC_KEY {
        findings.add(
            Severity::Problem,
            Some(line),
            format!(
                "`{REMOVED_RTC_KEY}` was removed from [global.well_known]: Continuwuity ignores it"
            ),
            Some(FOCI_HINT.into()),
        );
    } else if TUWUNEL_ONLY_KEYS.contains(&key) {
        findings.add(
            Severity::Info,
            Some(line),
            format!("`{shown}` is a tuwunel setting; Continuwuity ignores it"),
            None,
        );
    } else {
        let suggestion = match keys::suggest(key) {
            Some(k) => format!("did you mean `{k}`?"),
            None => format!("the keys Continuwuity knows are: {}", KNOWN_KEYS.join(", ")),
        };
        findings.add(
            Severity::Problem,
            Some(line),
            format!("unknown key `{shown}` in [global.well_known]: Continuwuity drops it silently"),
            Some(suggestion),
        );
    }
}

/// The forms Continuwuity does not read: commented-out headers, a top-level
/// `[well_known]`, deprecated `well_known_*` keys, the removed RTC key.
pub(crate) fn other_forms(layout: &Layout, section: &Section, findings: &mut Findings) {
    for c in section::commented_headers(layout) {
        commented_header(layout, section, c, findings);
    }
    top_level_table(layout, findings);
    for e in layout
        .entries
        .iter()
        .filter(|e| e.path.len() == 2 && e.path[0] == "global")
    {
        let key = e.path[1].as_str();
        if let Some(new) = keys::deprecated_global_key(key) {
            findings.add(
                Severity::Problem,
                Some(e.first_line),
                format!("`{key}` is deprecated and ignored by Continuwuity"),
                Some(format!("set `{new}` under [global.well_known] instead")),
            );
        } else if key == REMOVED_RTC_KEY {
            findings.add(
                Severity::Problem,
                Some(e.first_line),
                format!("`{REMOVED_RTC_KEY}` was removed: Continuwuity ignores it"),
                Some(FOCI_HINT.into()),
            );
        }
    }
}

fn commented_header(layout: &Layout, section: &Section, c: usize, findings: &mut Findings) {
    let message = match section.form {
        SectionForm::Table { line } => format!(
            "`#[global.well_known]` is commented out here (part of a pasted example?); the live \
             section is at line {line}"
        ),
        _ => "`#[global.well_known]` is commented out: nothing under it applies".to_string(),
    };
    findings.add(Severity::Info, Some(c), message, None);
    // Live keys right under a commented header belong to the table above it.
    let next_header = layout
        .headers
        .iter()
        .map(|h| h.line)
        .find(|&l| l > c)
        .unwrap_or(layout.lines.count());
    for e in layout.entries.iter().filter(|e| {
        e.first_line > c
            && e.first_line < next_header
            && e.path.len() == e.table.len() + 1
            && e.table != SECTION
            && e.path
                .last()
                .is_some_and(|k| KNOWN_KEYS.contains(&k.as_str()))
    }) {
        let key = e.path.last().map_or("", String::as_str);
        let owner = if e.table.is_empty() {
            "the top level".to_string()
        } else {
            format!("[{}]", e.table.join("."))
        };
        findings.add(
            Severity::Problem,
            Some(e.first_line),
            format!(
                "`{key}` sits under the commented-out `#[global.well_known]` (line {}), so it \
                 belongs to {owner}, where Continuwuity ignores it",
                c + 1
            ),
            Some("uncomment the header, or move the key into [global.well_known]".into()),
        );
    }
}

fn top_level_table(layout: &Layout, findings: &mut Findings) {
    if layout.item(&["well_known"]).is_none() {
        return;
    }
    let line = layout
        .table_header(&["well_known"])
        .map(|h| layout.headers[h].line)
        .or_else(|| {
            layout
                .entries
                .iter()
                .find(|e| e.path[0] == "well_known")
                .map(|e| e.first_line)
        });
    let keys: Vec<String> = layout
        .entries
        .iter()
        .filter(|e| e.path.len() >= 2 && e.path[0] == "well_known")
        .map(|e| printable(&e.path[1]))
        .collect();
    let listed = if keys.is_empty() {
        String::new()
    } else {
        format!(" ({})", keys.join(", "))
    };
    findings.add(
        Severity::Problem,
        line,
        format!(
            "a top-level [well_known] table{listed}: Continuwuity only reads the [global] tables, \
             so these settings are ignored"
        ),
        Some("rename the header to [global.well_known]".into()),
    );
}

#[cfg(test)]
mod tests {
    use crate::config_file::inspect;
    use crate::config_file::report::Severity;

    fn problems(text: &str) -> Vec<String> {
        let r = inspect(text, &[]).expect("parses");
        r.findings
            .iter()
            .filter(|f| f.severity == Severity::Problem)
            .map(|f| format!("{}: {}", f.line.unwrap_or(0), f.message))
            .collect()
    }

    #[test]
    fn keys_under_a_commented_header_are_caught() {
        let p = problems(
            "[global]\nserver_name = \"example.com\"\n[global.tls]\n#[global.well_known]\n\
             client = \"https://m.example.com\"\n",
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].starts_with("5: `client` sits under"), "{p:?}");
        assert!(p[0].contains("[global.tls]"), "{p:?}");
    }

    #[test]
    fn timeouts_are_not_deprecated_keys() {
        let p = problems(
            "[global]\nserver_name = \"example.com\"\nwell_known_timeout = 10\n\
             well_known_client = \"https://x\"\n",
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].starts_with("4: `well_known_client` is deprecated"),
            "{p:?}"
        );
    }
}
