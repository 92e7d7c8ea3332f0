//! Where the wizard's check runs go: the network the [`super::BuiltinServices`]
//! were built for — the system's resolvers and roots (the plain wizard), the
//! options of `check --tui` (`--nameserver`, `--ca-file`, `--resolve`, ...),
//! one simulated deployment started on first use (`check --tui --sim`), or
//! the deployment `demo` picked last. The [`Net`] is set up once and shared
//! by every run.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;

use crate::check::expect::Expectations;
use crate::matrix::peers::PrivateAddresses;
use crate::probe::runner;
use crate::probe::{Net, NetOptions, ResolveOverride};
use crate::sim::{Sim, StartBuiltinError};
use crate::tui::data::{CheckRequest, Expected};

use super::{CheckSink, RunHandle, ServiceError};

/// What the network of the checks is.
#[derive(Debug, Clone)]
pub enum NetSource {
    /// Real DNS and HTTPS with these options (system defaults or the CLI's).
    Options(NetOptions),
    /// A built-in simulated deployment, started on the first run and kept
    /// while the services live; `timeout`, `resolve` and
    /// `--allow-private-addresses` as the CLI gave them (a simulation allows
    /// private addresses anyway, unless its scenario keeps the rule on; the
    /// flag turns that rule off too).
    Sim {
        scenario: String,
        timeout: Duration,
        resolve: Vec<ResolveOverride>,
        allow_private_addresses: bool,
    },
    /// `demo`: whatever [`CheckNet::start_demo`] started last.
    Demo,
}

/// The network once it is set up (and the simulated internet behind it,
/// which stops when this is dropped).
struct Ready {
    net: Net,
    _sim: Option<Sim>,
    /// `demo`: which pick this is (a slower start of an older pick never
    /// replaces a newer one).
    token: u64,
}

pub struct CheckNet {
    source: NetSource,
    ready: Mutex<Option<Ready>>,
}

impl std::fmt::Debug for CheckNet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckNet")
            .field("source", &self.source)
            .finish()
    }
}

impl CheckNet {
    pub fn new(source: NetSource) -> CheckNet {
        CheckNet {
            source,
            ready: Mutex::new(None),
        }
    }

    /// The network, set up on first use. For `demo`, an error until a
    /// deployment was started.
    pub async fn net(&self) -> Result<Net, ServiceError> {
        let mut ready = self.ready.lock().await;
        if let Some(r) = ready.as_ref() {
            return Ok(r.net.clone());
        }
        let (net, sim) = match &self.source {
            NetSource::Options(options) => (Net::new(options.clone())?, None),
            NetSource::Sim {
                scenario,
                timeout,
                resolve,
                allow_private_addresses,
            } => {
                let sim = start_sim(scenario).await?;
                let mut options = sim.net_options();
                options.timeout = *timeout;
                options.resolve = resolve.clone();
                if *allow_private_addresses {
                    options.private_addresses = PrivateAddresses::Allowed;
                }
                (Net::new(options)?, Some(sim))
            }
            NetSource::Demo => return Err(ServiceError::NoDemoRunning),
        };
        *ready = Some(Ready {
            net: net.clone(),
            _sim: sim,
            token: 0,
        });
        Ok(net)
    }

    /// `demo`: starts `scenario`'s simulated internet and makes it the
    /// network of every later run; the one running before stops. A start
    /// with an older `token` than the one installed changes nothing.
    pub async fn start_demo(&self, token: u64, scenario: &str) -> Result<(), ServiceError> {
        if !matches!(self.source, NetSource::Demo) {
            return Err(ServiceError::NotADemo);
        }
        let sim = start_sim(scenario).await?;
        let net = Net::new(sim.net_options())?;
        let mut ready = self.ready.lock().await;
        if ready.as_ref().is_some_and(|r| r.token > token) {
            return Ok(());
        }
        // The old simulation (if any) is dropped here: its servers stop.
        *ready = Some(Ready {
            net,
            _sim: Some(sim),
            token,
        });
        Ok(())
    }
}

async fn start_sim(name: &str) -> Result<Sim, ServiceError> {
    Sim::start_builtin(name).await.map_err(|e| match e {
        StartBuiltinError::Load(e) => ServiceError::Scenario(e),
        StartBuiltinError::Start(source) => ServiceError::SimStart {
            name: name.to_string(),
            source,
        },
    })
}

/// What the checks compare the observed deployment with.
pub fn expectations(request: &CheckRequest) -> Expectations {
    match &request.expected {
        Expected::Nothing => Expectations::none(),
        Expected::Plan(plan) => Expectations::from_plan(plan),
        // The welcome screen checks the config's own server name.
        Expected::WellKnown(section) => {
            Expectations::from_config(Some(request.server_name.as_str()), section, None)
        }
        Expected::Given(ex) => (**ex).clone(),
    }
}

/// Spawns a run on the current tokio runtime: sets the network up (first
/// run only), runs every check, forwards each event to `sink`. Cancelling
/// the handle aborts the task, which stops everything the run started.
pub fn start_checks(checks: Arc<CheckNet>, request: CheckRequest, sink: CheckSink) -> RunHandle {
    let run = request.run;
    let task = tokio::spawn(async move {
        let net = match checks.net().await {
            Ok(net) => net,
            Err(error) => {
                sink.fail(run, &error);
                return;
            }
        };
        let runner_request = runner::CheckRequest {
            server_name: request.server_name.clone(),
            expectations: expectations(&request),
        };
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let forward = async move {
            while let Some(event) = rx.recv().await {
                if !sink.send(event) {
                    // The wizard is gone: stop reading, which stops the run.
                    break;
                }
            }
        };
        // The run sends `Done` last and drops its sender, ending `forward`.
        let ((), _) = tokio::join!(forward, runner::run(net, runner_request, run, tx));
    });
    let abort = task.abort_handle();
    RunHandle::new(move || abort.abort())
}
