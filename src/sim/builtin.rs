//! The scenarios shipped with the program (`assets/scenarios/*.toml`),
//! embedded at build time.

use super::scenario::Scenario;
use super::{Sim, SimError};

macro_rules! scenarios {
    ($($name:literal),* $(,)?) => {
        /// Every built-in scenario: (name, TOML text).
        pub const BUILTIN_SCENARIOS: &[(&str, &str)] = &[
            $(($name, include_str!(concat!("../../assets/scenarios/", $name, ".toml"))),)*
        ];
    };
}

scenarios!(
    "aaaa-nothing-listening",
    "blackholed",
    "cache-quoted-max-age",
    "client-bad-base-url",
    "client-file-carries-m-server",
    "client-http-base-url",
    "client-identity-server-down",
    "client-missing-base-url",
    "client-without-cors",
    "cors-allow-headers-wildcard",
    "cors-duplicate-allow-origin",
    "cors-missing-on-preflight",
    "cors-missing-on-redirect",
    "cors-preflight-without-authorization",
    "dendrite-style-401",
    "deprecated-matrix-srv-delegated",
    "deprecated-matrix-srv",
    "dns-change-spreading",
    "dns-nodata-delegated-host",
    "dns-nxdomain-delegated-host",
    "dns-nxdomain-server-name",
    "dns-servfail-delegated-host",
    "dns-timeout-delegated-host",
    "dns-truncated-delegated-host",
    "escape-sequences",
    "expired-certificate",
    "federation-disabled",
    "healthy-delegated-8448",
    "healthy-dual-stack",
    "healthy-explicit-port",
    "healthy-ip-literal",
    "healthy-no-delegation",
    "healthy-srv-only",
    "healthy-srv-well-known",
    "healthy-static",
    "healthy-well-known-ip-literal",
    "healthy-well-known-srv-fallback",
    "healthy-well-known",
    "html-404-under-matrix",
    "html-error-page",
    "huge-body",
    "invalid-utf8-body",
    "m-server-with-scheme",
    "m-server-without-port",
    "mangling-proxy-decoded-path",
    "peers-exact-host-proxy",
    "peers-host-form-routing",
    "peers-invalid-m-server-leftover-srv",
    "peers-redirect-chain-5",
    "peers-short-cache",
    "private-address-ddns",
    "private-address-hosts-line",
    "private-address-m-server",
    "redirect-loop",
    "redirect-to-http",
    "self-delegation-443",
    "server-file-missing",
    "server-name-installed-wrong",
    "slow-body",
    "split-horizon-public-dead",
    "srv-only-wrong-cert",
    "srv-target-cname",
    "support-empty-contacts",
    "support-schema-errors",
    "unknown-ca",
    "wrong-content-type",
    "wrong-name-certificate",
);

impl Scenario {
    /// A built-in scenario by name.
    pub fn builtin(name: &str) -> Result<Scenario, SimError> {
        let (_, text) = BUILTIN_SCENARIOS
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(|| SimError::UnknownScenario(name.to_string()))?;
        Scenario::from_toml(text)
    }

    /// The names of the built-in scenarios, sorted.
    pub fn builtin_names() -> Vec<&'static str> {
        BUILTIN_SCENARIOS.iter().map(|(n, _)| *n).collect()
    }
}

/// Why a built-in scenario is not running: which of the two steps failed
/// (each shows the [`SimError`] itself).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StartBuiltinError {
    /// No built-in scenario has that name, or its text is inconsistent.
    #[error(transparent)]
    Load(SimError),
    /// The scenario is fine; its servers could not start.
    #[error(transparent)]
    Start(SimError),
}

impl Sim {
    /// Starts the built-in scenario `name`: what `check --sim NAME`, the
    /// checks screen's `--sim` and `demo` run. Must be called inside a
    /// tokio runtime.
    pub async fn start_builtin(name: &str) -> Result<Sim, StartBuiltinError> {
        let scenario = Scenario::builtin(name).map_err(StartBuiltinError::Load)?;
        Sim::start(&scenario)
            .await
            .map_err(StartBuiltinError::Start)
    }
}
