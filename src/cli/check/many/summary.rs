//! The summary of a many-names run: one row per checked name (what is kept
//! of each report), the table in text and Markdown, and the closing line.

use std::fmt::Write;

use crate::check::model::{CheckId, Status};
use crate::report::Report;
use crate::report::text::status_label;
use crate::safe_text::printable;

/// What is kept of one name's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub name: String,
    pub ok: bool,
    /// The spec step server discovery took (`3.2`), when it finished.
    pub step: Option<&'static str>,
    /// The checks that failed or could not run, in report order, each once.
    pub failing: Vec<CheckId>,
}

impl Row {
    pub fn of(report: &Report) -> Row {
        let mut failing: Vec<CheckId> = Vec::new();
        for c in &report.checks {
            if matches!(c.status, Status::Fail | Status::Error) && !failing.contains(&c.id) {
                failing.push(c.id);
            }
        }
        Row {
            name: report.server_name.clone(),
            ok: report.ok,
            step: report.federation.step.map(|s| s.as_str()),
            failing,
        }
    }

    fn failing_text(&self) -> String {
        if self.failing.is_empty() {
            "-".to_string()
        } else {
            self.failing
                .iter()
                .map(|id| id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        }
    }
}

/// Counts for the closing line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub checked: usize,
    pub failing: usize,
    pub duplicates: usize,
    pub invalid: usize,
    /// Names whose checks were cut short by an interruption.
    pub unfinished: usize,
    pub interrupted: bool,
}

/// Names are shown as typed but escaped; a very long one is not allowed to
/// push the other columns off every screen.
const NAME_COLUMN_MAX: usize = 48;

/// The plain-text table: NAME, RESULT, STEP, FAILING CHECKS.
pub fn text_table<'a>(rows: impl Iterator<Item = &'a Row> + Clone, color: bool) -> String {
    let width = rows
        .clone()
        .map(|r| printable(&r.name).chars().count())
        .max()
        .unwrap_or(0)
        .clamp("NAME".len(), NAME_COLUMN_MAX);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<width$}  {:<7} {:<4}  FAILING CHECKS",
        "NAME", "RESULT", "STEP"
    );
    for row in rows {
        let status = if row.ok { Status::Pass } else { Status::Fail };
        let label = status_label(status, color);
        let _ = writeln!(
            out,
            "{:<width$}  {label} {:<4}  {}",
            printable(&row.name),
            row.step.unwrap_or("-"),
            row.failing_text()
        );
    }
    out
}

/// The Markdown table.
pub fn markdown_table<'a>(rows: impl Iterator<Item = &'a Row>) -> String {
    let mut out = String::from("| name | result | step | failing checks |\n|---|---|---|---|\n");
    for row in rows {
        let result = if row.ok { "✔ pass" } else { "✘ FAIL" };
        let _ = writeln!(
            out,
            "| `{}` | {result} | {} | {} |",
            printable(&row.name).replace('`', "'"),
            row.step.unwrap_or("-"),
            row.failing_text()
        );
    }
    out
}

/// `3 names checked: 1 ok, 2 failing; 4 duplicate lines skipped; ...`
pub fn closing_line(tally: &Tally) -> String {
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("{n} {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let mut line = format!(
        "{} checked: {} ok, {} failing",
        plural(tally.checked, "name", "names"),
        tally.checked - tally.failing,
        tally.failing
    );
    if tally.duplicates > 0 {
        let _ = write!(
            line,
            "; {} skipped (checked once)",
            plural(tally.duplicates, "duplicate", "duplicates")
        );
    }
    if tally.invalid > 0 {
        let _ = write!(
            line,
            "; {} not checked (see the errors on stderr)",
            plural(tally.invalid, "invalid name", "invalid names")
        );
    }
    if tally.interrupted {
        let _ = write!(
            line,
            "; INTERRUPTED: {} unfinished, the rest of the input not started",
            plural(tally.unfinished, "name", "names")
        );
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, ok: bool, failing: Vec<CheckId>) -> Row {
        Row {
            name: name.into(),
            ok,
            step: Some("3.2"),
            failing,
        }
    }

    #[test]
    fn table_columns_line_up() {
        let rows = [
            row("example.com", true, vec![]),
            row(
                "a.example",
                false,
                vec![CheckId::ServerTls, CheckId::ServerKeys],
            ),
        ];
        let table = text_table(rows.iter(), false);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[0], "NAME         RESULT  STEP  FAILING CHECKS");
        assert_eq!(lines[1], "example.com  ✔ pass  3.2   -");
        assert_eq!(
            lines[2],
            "a.example    ✘ FAIL  3.2   server.tls, server.keys"
        );
        let md = markdown_table(rows.iter());
        assert!(md.contains("| `a.example` | ✘ FAIL | 3.2 | server.tls, server.keys |"));
    }

    #[test]
    fn closing_line_counts() {
        let tally = Tally {
            checked: 3,
            failing: 1,
            duplicates: 1,
            invalid: 2,
            unfinished: 0,
            interrupted: false,
        };
        assert_eq!(
            closing_line(&tally),
            "3 names checked: 2 ok, 1 failing; 1 duplicate skipped (checked once); \
             2 invalid names not checked (see the errors on stderr)"
        );
    }
}
