//! The review step: one tab per generated artifact (the config tab becomes a
//! diff when the config file is known), and the write / save / copy actions.

use std::borrow::Cow;

use crate::domain::plan::DnsRecord;
use crate::domain::{Deployment, Plan};
use crate::generate::Artifact;
use crate::tui::services::ConfigPreview;

/// The artifact id whose tab shows the diff when a config file is known.
pub const CONFIG_ARTIFACT: &str = "config-section";

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

#[derive(Debug, Clone, Default)]
pub struct ReviewState {
    pub plan: Option<Plan>,
    pub artifacts: Vec<Artifact>,
    pub preview: PreviewState,
    pub tab: usize,
    pub scroll: u16,
    /// `w` was pressed before the diff was ready: confirm once it arrives.
    pub write_requested: bool,
}

/// One tab as shown: a title and its text (raw; the view makes it safe).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tab<'a> {
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

impl ReviewState {
    /// Summary first, then each artifact; the config artifact is replaced by
    /// the diff against the existing file while one is known.
    pub fn tabs(&self) -> Vec<Tab<'_>> {
        let mut tabs = Vec::new();
        if let Some(plan) = &self.plan {
            tabs.push(Tab {
                title: "summary".into(),
                text: summary(plan).into(),
                kind: TabKind::Prose,
            });
        }
        let diff_tab = || -> Tab<'_> {
            let text: Cow<'_, str> = match &self.preview {
                PreviewState::Ready(p) if p.changes_anything() => p.diff.as_str().into(),
                PreviewState::Ready(p) => format!(
                    "{} already says exactly this: writing would change nothing.",
                    p.path.display()
                )
                .into(),
                PreviewState::Pending => "Reading the config file and computing the diff…".into(),
                PreviewState::Failed(e) => format!(
                    "No diff: {e}\n\nThe section to put in the config file by hand:\n\n{}",
                    self.plan.as_ref().map(section_text).unwrap_or_default()
                )
                .into(),
                PreviewState::NotApplicable => "".into(),
            };
            Tab {
                title: "config diff".into(),
                text,
                kind: match &self.preview {
                    PreviewState::Ready(p) if p.changes_anything() => TabKind::Diff,
                    _ => TabKind::Prose,
                },
            }
        };
        let with_diff = self.preview != PreviewState::NotApplicable;
        let mut diff_shown = false;
        for a in &self.artifacts {
            if with_diff && a.id == CONFIG_ARTIFACT {
                tabs.push(diff_tab());
                diff_shown = true;
            } else {
                tabs.push(Tab {
                    title: a.title.as_str().into(),
                    text: a.text.as_str().into(),
                    kind: TabKind::Code,
                });
            }
        }
        if with_diff && !diff_shown {
            tabs.insert(tabs.len().min(1), diff_tab());
        }
        tabs
    }

    pub fn tab_count(&self) -> usize {
        self.tabs().len()
    }
}

/// The `[global.well_known]` section as TOML text.
pub fn section_text(plan: &Plan) -> String {
    let mut out = String::from("[global.well_known]\n");
    for (k, v) in plan.well_known_section().entries() {
        out.push_str(&format!("{k} = {}\n", toml_string(v)));
    }
    out
}

fn toml_string(v: &str) -> String {
    toml::Value::String(v.to_string()).to_string()
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
    match plan.deployment {
        Deployment::ConfigFile => {
            out.push_str("In the config file:\n");
            for line in section_text(plan).lines() {
                out.push_str(&format!("  {line}\n"));
            }
        }
        Deployment::Docker => {
            out.push_str("In the container's environment:\n");
            for (k, v) in plan.well_known_section().entries() {
                out.push_str(&format!(
                    "  CONTINUWUITY_WELL_KNOWN__{}={v}\n",
                    k.to_ascii_uppercase()
                ));
            }
        }
    }
    out.push_str("\nDNS records that must exist:\n");
    for r in plan.dns_records() {
        match r {
            DnsRecord::Address { name, role } => {
                out.push_str(&format!("  {name}  A/AAAA → {role}\n"));
            }
            DnsRecord::Srv {
                name,
                priority,
                weight,
                port,
                target,
            } => out.push_str(&format!(
                "  {}  SRV {priority} {weight} {port} {target}.\n",
                DnsRecord::srv_owner(&name)
            )),
        }
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
