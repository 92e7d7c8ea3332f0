//! The report the checks screen exports (`e`): Markdown for people, JSON for
//! scripts. Pure: the runtime's services write the text to files.
//!
//! The lead may point these at the shared report renderer of `check`; the
//! JSON keeps the check model's field names (`id`, `status`, `duration_ms`...).

use serde_json::{Value, json};

use crate::check::model::{CheckId, CheckResult, RunId, Status};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub server_name: String,
    pub run: RunId,
    /// False when exported while the run was still going.
    pub complete: bool,
    pub results: Vec<CheckResult>,
}

impl Report {
    pub fn to_json(&self) -> Value {
        json!({
            "server_name": self.server_name,
            "run": self.run,
            "complete": self.complete,
            "ok": !self.results.iter().any(|r| r.status.is_failure()),
            "results": self.results,
        })
    }

    /// Markdown; text that came from the network is put in code spans with
    /// control characters escaped, so a hostile answer cannot restyle the file.
    pub fn to_markdown(&self) -> String {
        let mut out = format!("# Delegation report for `{}`\n\n", code(&self.server_name));
        let count = |s: Status| self.results.iter().filter(|r| r.status == s).count();
        out.push_str(&format!(
            "Run {}{}: {} pass, {} warn, {} fail, {} error, {} skipped.\n",
            self.run,
            if self.complete { "" } else { " (incomplete)" },
            count(Status::Pass),
            count(Status::Warn),
            count(Status::Fail),
            count(Status::Error),
            count(Status::Skipped),
        ));
        let mut panel = None;
        for r in sorted(&self.results) {
            if panel != Some(r.id.panel()) {
                panel = Some(r.id.panel());
                out.push_str(&format!("\n## {}\n", r.id.panel().title()));
            }
            out.push_str(&format!(
                "\n- {} **{}** `{}`{}: {} ({} ms)\n",
                r.status.glyph(),
                r.status.word(),
                r.id.as_str(),
                r.target
                    .as_deref()
                    .map(|t| format!(" `{}`", code(t)))
                    .unwrap_or_default(),
                code(&r.summary),
                r.duration.as_millis()
            ));
            for e in &r.evidence {
                out.push_str(&format!(
                    "  - asked `{}` → got `{}`\n",
                    code(&e.asked),
                    code(&e.got)
                ));
            }
            if let Some(remedy) = &r.remedy {
                out.push_str(&format!("  - remedy: {}\n", code(remedy)));
            }
            if let Some(spec) = &r.spec {
                out.push_str(&format!("  - spec: {}\n", code(spec)));
            }
        }
        out
    }
}

/// Results in panel and id order, then by target.
pub fn sorted(results: &[CheckResult]) -> Vec<&CheckResult> {
    let mut v: Vec<&CheckResult> = results.iter().collect();
    v.sort_by(|a, b| (order(a.id), &a.target).cmp(&(order(b.id), &b.target)));
    v
}

fn order(id: CheckId) -> usize {
    CheckId::ALL
        .iter()
        .position(|c| *c == id)
        .unwrap_or(usize::MAX)
}

/// Escapes what would break out of a Markdown code span or a line.
fn code(s: &str) -> String {
    crate::tui::view::safe_text(s).replace('`', "'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_groups_by_panel_and_defuses_network_text() {
        let report = Report {
            server_name: "example.com".into(),
            run: 2,
            complete: true,
            results: vec![
                CheckResult::new(CheckId::ClientCors, Status::Fail, "no CORS `x`\u{1b}[31m")
                    .remedy("add the header"),
                CheckResult::new(CheckId::DnsServerName, Status::Pass, "A 203.0.113.5")
                    .evidence("A example.com", "203.0.113.5"),
            ],
        };
        let md = report.to_markdown();
        let dns = md.find("## DNS").expect("dns heading");
        let client = md.find("## Client discovery").expect("client heading");
        assert!(dns < client, "{md}");
        assert!(md.contains("1 pass, 0 warn, 1 fail"), "{md}");
        assert!(!md.contains('\u{1b}'), "{md}");
        assert!(md.contains("no CORS 'x'"), "{md}");
        let json = report.to_json();
        assert_eq!(json["ok"], false);
        assert_eq!(json["results"][0]["id"], "client.cors");
    }
}
