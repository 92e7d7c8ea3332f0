//! The services this build offers: the config file, artifacts and reports
//! are real (see [`super::config`] and [`super::files`]); the live checks
//! answer "not available in this build" until the check runner is plugged
//! in (wiring notes in [`super`]).

use std::path::{Path, PathBuf};

use crate::check::report::Report;
use crate::cli::config::process_env;
use crate::domain::Plan;
use crate::generate::Artifact;

use super::{
    CheckRequest, CheckSink, ConfigPreview, ConfigStatus, RunHandle, SavedFiles, Services,
    WriteOutcome, config, files,
};

/// Said when the live checks are asked for and this build has no runner.
pub const UNAVAILABLE_CHECKS: &str = "live checks are not available in this build";

#[derive(Debug, Default, Clone)]
pub struct BuiltinServices;

impl Services for BuiltinServices {
    fn load_config(&self, path: Option<&Path>) -> ConfigStatus {
        config::load_config(path, &process_env())
    }

    // PLACEHOLDER (lead): replace with the check runner (stream events into `sink`).
    fn start_checks(&self, _request: CheckRequest, _sink: CheckSink) -> Result<RunHandle, String> {
        Err(UNAVAILABLE_CHECKS.to_string())
    }

    fn preview_config_write(&self, path: &Path, plan: &Plan) -> Result<ConfigPreview, String> {
        config::preview_config_write(path, plan, &process_env())
    }

    fn write_config(&self, plan: &Plan, preview: &ConfigPreview) -> Result<WriteOutcome, String> {
        config::write_config(plan, preview, &process_env())
    }

    fn save_artifacts(&self, dir: &Path, artifacts: &[Artifact]) -> Result<SavedFiles, String> {
        files::save_artifacts(dir, artifacts)
    }

    fn export_report(&self, base: &Path, report: &Report) -> Result<Vec<PathBuf>, String> {
        files::export_report(base, report)
    }
}
