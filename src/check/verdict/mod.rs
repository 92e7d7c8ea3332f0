//! The verdicts: observations in, [`CheckResult`]s out, one function per
//! stable check id. Pure: the runner measures and sets
//! each result's duration ([`CheckResult::took`]).

pub mod cache;
pub mod client;
pub mod consistency;
pub mod cors;
pub mod dns;
pub mod federation;
pub mod keys;
pub mod local;
pub mod peers;
pub mod refused;
pub mod resolution;
pub mod routing;
pub mod server_well_known;
pub mod support;
pub mod tls;
pub mod version;

use super::expect::Expectations;
use super::mistakes::Mistake;
use super::model::{CheckResult, Status};
use crate::matrix::discovery::types::severity;

/// The worse of two statuses.
pub fn worse(a: Status, b: Status) -> Status {
    if severity(b) > severity(a) { b } else { a }
}

/// Appends a paragraph to the remedy.
pub(crate) fn add_remedy(mut result: CheckResult, text: impl AsRef<str>) -> CheckResult {
    let text = text.as_ref();
    if text.is_empty() {
        return result;
    }
    result.remedy = Some(match result.remedy.take() {
        Some(r) if r.contains(text) => r,
        Some(r) => format!("{r}\n\n{text}"),
        None => text.to_string(),
    });
    result
}

/// Names each mistake in the evidence, adds its remedy, and makes the
/// status at least `status`.
pub(crate) fn with_mistakes(
    mut result: CheckResult,
    mistakes: &[Mistake],
    status: Status,
    ex: &Expectations,
    site: &str,
) -> CheckResult {
    for m in mistakes {
        result = result.evidence(format!("classic mistake: {}", m.title()), m.explain());
        result = add_remedy(result, m.remedy(ex, site));
        result.status = worse(result.status, status);
    }
    result
}

/// A status change with a reason, for when a later rule worsens a result.
pub(crate) fn downgrade(mut result: CheckResult, status: Status, summary: String) -> CheckResult {
    if severity(status) > severity(result.status) {
        result.status = status;
        result.summary = summary;
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::model::CheckId;

    #[test]
    fn worse_orders_by_severity() {
        assert_eq!(worse(Status::Pass, Status::Warn), Status::Warn);
        assert_eq!(worse(Status::Fail, Status::Warn), Status::Fail);
        assert_eq!(worse(Status::Error, Status::Fail), Status::Fail);
        assert_eq!(worse(Status::Skipped, Status::Pass), Status::Skipped);
    }

    #[test]
    fn remedies_accumulate_without_repeats() {
        let r = CheckResult::new(CheckId::DnsSrv, Status::Pass, "x");
        let r = add_remedy(add_remedy(add_remedy(r, "a"), "b"), "a");
        assert_eq!(r.remedy.as_deref(), Some("a\n\nb"));
        let r = downgrade(r, Status::Warn, "worse".into());
        assert_eq!((r.status, r.summary.as_str()), (Status::Warn, "worse"));
        let r = downgrade(r, Status::Pass, "better".into());
        assert_eq!(r.status, Status::Warn);
    }
}
