//! The services this build offers: the config file, artifacts and reports
//! (see [`super::config`] and [`super::files`]) and the live checks, run by
//! the real check runner against the network the services were built for
//! ([`NetSource`]).

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;

use crate::domain::Plan;
use crate::generate::Artifact;
use crate::probe::NetOptions;
use crate::report::Report;
use crate::selfcheck::{Expected, restart};
use crate::tui::data::{
    CheckRequest, ConfigPreview, ConfigStatus, SavedFiles, SelfCheckAnswer, WriteOutcome,
};

use super::check_net::{CheckNet, NetSource};
use super::{CheckSink, RunHandle, ServiceError, Services, check_net, config, files};

/// The environment the homeserver would run with, as (name, value) pairs:
/// it names the config file (`CONTINUWUITY_CONFIG`, ...) and overrides its
/// settings. The caller reads it (the wizard never looks at the process
/// environment itself), so tests can give their own.
pub type Environment = Vec<(String, String)>;

#[derive(Debug, Clone)]
pub struct BuiltinServices {
    checks: Arc<CheckNet>,
    /// `demo` never looks at this machine's homeserver config.
    read_config: bool,
    env: Environment,
}

impl BuiltinServices {
    /// The plain wizard: the system's resolvers and trusted roots.
    pub fn system(env: Environment) -> BuiltinServices {
        BuiltinServices::with_net(NetSource::Options(NetOptions::default()), env)
    }

    /// Checks go to `source` (`check --tui` passes its network options).
    pub fn with_net(source: NetSource, env: Environment) -> BuiltinServices {
        BuiltinServices {
            checks: Arc::new(CheckNet::new(source)),
            read_config: true,
            env,
        }
    }

    /// `demo`: checks go to the simulated deployment picked last, and no
    /// config file of this machine is looked for (one the operator names
    /// is still read, with `env`).
    pub fn demo(env: Environment) -> BuiltinServices {
        BuiltinServices {
            checks: Arc::new(CheckNet::new(NetSource::Demo)),
            read_config: false,
            env,
        }
    }
}

impl Services for BuiltinServices {
    fn load_config(&self, path: Option<&Path>) -> ConfigStatus {
        if !self.read_config && path.is_none() {
            return ConfigStatus::NotFound;
        }
        config::load_config(path, &self.env)
    }

    fn start_checks(
        &self,
        request: CheckRequest,
        sink: CheckSink,
    ) -> Result<RunHandle, ServiceError> {
        Ok(check_net::start_checks(self.checks.clone(), request, sink))
    }

    fn start_demo(
        &self,
        token: u64,
        scenario: String,
    ) -> Pin<Box<dyn Future<Output = Result<(), ServiceError>> + Send>> {
        let checks = self.checks.clone();
        Box::pin(async move { checks.start_demo(token, &scenario).await })
    }

    fn preview_config_write(
        &self,
        path: &Path,
        plan: &Plan,
    ) -> Result<ConfigPreview, ServiceError> {
        config::preview_config_write(path, plan, &self.env)
    }

    fn write_config(
        &self,
        plan: &Plan,
        preview: &ConfigPreview,
    ) -> Result<WriteOutcome, ServiceError> {
        config::write_config(plan, preview, &self.env)
    }

    fn self_check(
        &self,
        config: PathBuf,
        expected: Expected,
    ) -> Pin<Box<dyn Future<Output = Result<SelfCheckAnswer, ServiceError>> + Send>> {
        let env = self.env.clone();
        Box::pin(async move {
            let check =
                super::ask_homeserver(&config, &expected, &env, crate::probe::DEFAULT_TIMEOUT)
                    .await?;
            // `systemctl list-unit-files` blocks: off the runtime's threads.
            let units = tokio::task::spawn_blocking(crate::apply::program::homeserver_units)
                .await
                .unwrap_or_default();
            Ok(SelfCheckAnswer {
                restart: restart::advice(&units),
                check,
            })
        })
    }

    fn install_proxy(
        &self,
        plan: &Plan,
        dry_run: bool,
    ) -> Result<(String, crate::tui::data::InstallEnd), ServiceError> {
        if !self.read_config {
            return Err(ServiceError::NoInstall);
        }
        let mut report = Vec::new();
        let request = crate::apply::Request {
            root: Path::new("/"),
            plan,
            proxy_config: None,
            dry_run,
        };
        let end = crate::tui::data::InstallEnd::of(&crate::apply::apply(&request, &mut report));
        Ok((String::from_utf8_lossy(&report).into_owned(), end))
    }

    fn save_artifacts(
        &self,
        dir: &Path,
        artifacts: &[Artifact],
    ) -> Result<SavedFiles, ServiceError> {
        files::save_artifacts(dir, artifacts)
    }

    fn export_report(&self, base: &Path, report: &Report) -> Result<Vec<PathBuf>, ServiceError> {
        files::export_report(base, report)
    }
}
