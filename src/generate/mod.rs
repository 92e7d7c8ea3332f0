//! Pure: Plan → artifacts (text rendered from templates under `assets/`).

use crate::domain::Plan;

/// One generated file or snippet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// Stable id, e.g. `config-section`, `proxy`, `dns`, `checklist`.
    pub id: &'static str,
    /// Heading shown to the operator (tab title in the wizard).
    pub title: String,
    /// File name used by `generate --out DIR`.
    pub file_name: String,
    pub text: String,
}

/// Every artifact the plan needs, in the order an operator applies them.
pub fn artifacts(_plan: &Plan) -> Vec<Artifact> {
    Vec::new()
}
