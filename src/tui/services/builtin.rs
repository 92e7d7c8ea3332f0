//! The services this build offers: the config file, artifacts and reports
//! (see [`super::config`] and [`super::files`]) and the live checks, run by
//! the real check runner against the network the services were built for
//! ([`NetSource`]).

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;

use crate::cli::config::process_env;
use crate::domain::Plan;
use crate::generate::Artifact;
use crate::probe::NetOptions;
use crate::report::Report;

use super::check_net::{CheckNet, NetSource};
use super::{
    CheckRequest, CheckSink, ConfigPreview, ConfigStatus, RunHandle, SavedFiles, Services,
    WriteOutcome, check_net, config, files,
};

#[derive(Debug, Clone)]
pub struct BuiltinServices {
    checks: Arc<CheckNet>,
    /// `demo` never looks at this machine's homeserver config.
    read_config: bool,
}

impl Default for BuiltinServices {
    fn default() -> Self {
        BuiltinServices::system()
    }
}

impl BuiltinServices {
    /// The plain wizard: the system's resolvers and trusted roots.
    pub fn system() -> BuiltinServices {
        BuiltinServices::with_net(NetSource::Options(NetOptions::default()))
    }

    /// Checks go to `source` (`check --tui` passes its network options).
    pub fn with_net(source: NetSource) -> BuiltinServices {
        BuiltinServices {
            checks: Arc::new(CheckNet::new(source)),
            read_config: true,
        }
    }

    /// `demo`: checks go to the simulated deployment picked last, and no
    /// config file of this machine is read.
    pub fn demo() -> BuiltinServices {
        BuiltinServices {
            checks: Arc::new(CheckNet::new(NetSource::Demo)),
            read_config: false,
        }
    }
}

impl Services for BuiltinServices {
    fn load_config(&self, path: Option<&Path>) -> ConfigStatus {
        if !self.read_config && path.is_none() {
            return ConfigStatus::NotFound;
        }
        config::load_config(path, &process_env())
    }

    fn start_checks(&self, request: CheckRequest, sink: CheckSink) -> Result<RunHandle, String> {
        Ok(check_net::start_checks(self.checks.clone(), request, sink))
    }

    fn start_demo(
        &self,
        token: u64,
        scenario: String,
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>> {
        let checks = self.checks.clone();
        Box::pin(async move { checks.start_demo(token, &scenario).await })
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
