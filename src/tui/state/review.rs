//! The review step: one tab per generated artifact (the config tab becomes a
//! diff when the config file is known), and the write / save / copy actions.

use std::borrow::Cow;

use crate::domain::{Deployment, Plan};
use crate::generate::{Artifact, ids};
use crate::toml_syntax::toml_string;
use crate::tui::data::ConfigPreview;

/// Where the diff against the existing config file stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PreviewState {
    /// No config file to compare with (or Docker).
    #[default]
    NotApplicable,
    Pending,
    Ready(ConfigPreview),
    Failed(String),
}

/// Where the install (`i`) stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum InstallState {
    #[default]
    NotAsked,
    /// The dry run is running.
    Previewing,
    /// The dry run's report; `accepted` when the proxy accepts the change.
    Previewed {
        report: String,
        accepted: bool,
    },
    Installing,
    Done {
        report: String,
        installed: bool,
    },
}

#[derive(Debug, Clone, Default)]
pub struct ReviewState {
    pub plan: Option<Plan>,
    pub artifacts: Vec<Artifact>,
    pub preview: PreviewState,
    pub tab: usize,
    pub scroll: u16,
    /// `w` was pressed before the diff was ready: confirm once it arrives.
    pub write_requested: bool,
    /// The proxy install (`i`), shown in the last tab once asked.
    pub install: InstallState,
}

/// One tab as shown: a short label for the tab bar, a title above its
/// text, and the text (raw; the view makes it safe).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tab<'a> {
    pub label: Cow<'a, str>,
    pub title: Cow<'a, str>,
    pub text: Cow<'a, str>,
    pub kind: TabKind,
}

/// How a tab's text is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TabKind {
    /// Word-wrapped.
    Prose,
    /// Cut at the edge, never reflowed (config, proxy files, JSON).
    Code,
    /// Code with `+` / `-` lines marked.
    Diff,
}

/// The tab-bar label of a generated artifact (its title is the heading).
pub fn tab_label(artifact: &Artifact) -> Cow<'_, str> {
    let label = match artifact.id {
        ids::DNS => "DNS",
        ids::CONFIG_SECTION => "config",
        ids::DOCKER_ENV => "env file",
        ids::DOCKER_COMPOSE => "compose",
        ids::DOCKER_COMPOSE_TABLE => "compose (one variable)",
        ids::PROXY => "proxy",
        ids::WELL_KNOWN_SERVER => "server file",
        ids::WELL_KNOWN_CLIENT => "client file",
        ids::WELL_KNOWN_SUPPORT => "support file",
        ids::CHECKLIST => "next steps",
        _ => return artifact.title.as_str().into(),
    };
    label.into()
}

impl ReviewState {
    /// Summary first, then each artifact of the generator; the config
    /// section's tab shows the diff against the existing file while one is
    /// known.
    pub fn tabs(&self) -> Vec<Tab<'_>> {
        let mut tabs = Vec::new();
        if let Some(plan) = &self.plan {
            tabs.push(Tab {
                label: "summary".into(),
                title: "summary".into(),
                text: summary(plan).into(),
                kind: TabKind::Prose,
            });
        }
        let with_diff = self.preview != PreviewState::NotApplicable;
        let mut diff_shown = false;
        for a in &self.artifacts {
            if with_diff && a.id == ids::CONFIG_SECTION {
                tabs.push(self.diff_tab());
                diff_shown = true;
            } else {
                tabs.push(Tab {
                    label: tab_label(a),
                    title: a.title.as_str().into(),
                    text: a.text.as_str().into(),
                    kind: TabKind::Code,
                });
            }
        }
        if with_diff && !diff_shown {
            tabs.insert(tabs.len().min(1), self.diff_tab());
        }
        if let Some(tab) = self.install_tab() {
            tabs.push(tab);
        }
        tabs
    }

    /// The install's dry run or report, once `i` was pressed.
    fn install_tab(&self) -> Option<Tab<'_>> {
        let (title, text): (&str, Cow<'_, str>) = match &self.install {
            InstallState::NotAsked => return None,
            InstallState::Previewing => (
                "install (dry run)",
                "Finding the proxy's configuration, computing the diff and testing it on a copy…"
                    .into(),
            ),
            InstallState::Previewed { report, accepted } => (
                "install (dry run): nothing written yet",
                if *accepted {
                    format!("{report}\nPress i again to install: write with a backup, test, reload, undo on failure.").into()
                } else {
                    report.as_str().into()
                },
            ),
            InstallState::Installing => ("install", "Writing, testing, reloading…".into()),
            InstallState::Done { report, .. } => ("install", report.as_str().into()),
        };
        Some(Tab {
            label: "install".into(),
            title: title.into(),
            text,
            kind: TabKind::Diff,
        })
    }

    /// The config section as a diff against the known file (or why not).
    fn diff_tab(&self) -> Tab<'_> {
        let (title, text): (Cow<'_, str>, Cow<'_, str>) = match &self.preview {
            PreviewState::Ready(p) => {
                let title = format!("changes to {}", p.path.display()).into();
                let notes: String = p.notes.iter().map(|n| format!("note: {n}\n")).collect();
                if p.changes_anything() && notes.is_empty() {
                    (title, p.diff.as_str().into())
                } else if p.changes_anything() {
                    (title, format!("{notes}\n{}", p.diff).into())
                } else {
                    let same = format!(
                        "{} already says exactly this: writing would change nothing.\n{notes}",
                        p.path.display()
                    );
                    (title, same.into())
                }
            }
            PreviewState::Pending => (
                "config diff".into(),
                "Reading the config file and computing the diff…".into(),
            ),
            PreviewState::Failed(e) => (
                "config diff".into(),
                format!(
                    "No diff: {e}\n\nThe section to put in the config file by hand:\n\n{}",
                    self.plan
                        .as_ref()
                        .map(crate::generate::well_known_toml)
                        .unwrap_or_default()
                )
                .into(),
            ),
            PreviewState::NotApplicable => ("config diff".into(), "".into()),
        };
        let kind = match &self.preview {
            PreviewState::Ready(p) if p.changes_anything() => TabKind::Diff,
            _ => TabKind::Prose,
        };
        Tab {
            label: "config diff".into(),
            title,
            text,
            kind,
        }
    }

    pub fn tab_count(&self) -> usize {
        self.tabs().len()
    }
}

/// The `[global.well_known]` entries as TOML lines (`client = "..."`).
fn section_lines(plan: &Plan) -> Vec<String> {
    plan.well_known_section()
        .entries()
        .into_iter()
        .map(|(k, v)| format!("{k} = {}", toml_string(v)))
        .collect()
}

/// The summary tab: what the plan means, in a few lines.
pub fn summary(plan: &Plan) -> String {
    let ep = plan.federation_endpoint();
    let mut out = format!(
        "Users will be @alice:{}; other servers reach the homeserver at {}:{} (spec step {}).\n\
         Strategy: {}{}\n\n",
        plan.server_name,
        ep.connect_host,
        ep.port,
        ep.step,
        plan.strategy.title(),
        plan.strategy
            .tag()
            .map(|t| format!(" ({t})"))
            .unwrap_or_default(),
    );
    out.push_str(match plan.deployment {
        Deployment::ConfigFile => "In the config file, [global.well_known]:\n",
        Deployment::Docker => {
            "In the container's environment (env file and compose tabs), the \
             [global.well_known] keys:\n"
        }
    });
    for line in section_lines(plan) {
        out.push_str(&format!("  {line}\n"));
    }
    out.push_str("\nDNS records that must exist:\n");
    for r in plan.dns_records() {
        out.push_str(&format!("  {}\n", r.describe()));
    }
    out.push_str("\nCertificates that must exist:\n");
    for c in plan.certificates() {
        let place = if c.serve_host == c.name {
            format!("on port {}", c.port)
        } else {
            format!("served on {}:{}", c.serve_host, c.port)
        };
        out.push_str(&format!("  {} {place} — {}\n", c.name, c.why));
    }
    if !plan.notices.is_empty() {
        out.push_str("\nWarnings:\n");
        for n in &plan.notices {
            out.push_str(&format!("  ! {}: {}\n", n.field.label(), n.message));
        }
    }
    out
}
