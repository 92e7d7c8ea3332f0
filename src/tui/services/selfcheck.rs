//! The self-check after the wizard wrote the config file: the same steps
//! as `matrix-delegate selfcheck` (the listen address from the file,
//! environment overrides applied; both files asked there; judged by
//! [`crate::selfcheck::compare`]).

use std::path::Path;
use std::time::Duration;

use crate::config_file::inspect_file;
use crate::probe::local::ask_both;
use crate::selfcheck::listen::endpoints;
use crate::selfcheck::{Expected, SelfCheck, compare};

use super::ServiceError;

/// Asks the homeserver configured in `config` (with the environment
/// `env`) for both well-known files and judges them against `expected`.
pub async fn ask_homeserver(
    config: &Path,
    expected: &Expected,
    env: &[(String, String)],
    timeout: Duration,
) -> Result<SelfCheck, ServiceError> {
    let report = inspect_file(config, env)?;
    let places = endpoints(
        &report.address.value,
        &report.port.value,
        report.unix_socket_path.as_ref().map(|s| s.value.as_str()),
    )
    .map_err(|problem| ServiceError::Listen {
        path: config.to_path_buf(),
        problem,
    })?;
    let asked = ask_both(&places, timeout).await;
    Ok(compare(expected, &asked))
}
