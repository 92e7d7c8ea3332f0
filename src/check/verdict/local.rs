//! A check this machine could not carry out: it ran out of open files,
//! socket buffers or local ports before the server was asked. The result is
//! `error` ("could not test"), worded as this machine's problem, with what
//! to do here — never a verdict about the server.

use crate::check::model::{CheckResult, Status};
use crate::observe::LocalProblem;

/// Turns `r` (its id, target and evidence kept) into "could not test".
pub fn could_not_test(mut r: CheckResult, problem: LocalProblem) -> CheckResult {
    r.status = Status::Error;
    r.summary = format!("could not test: {problem}; the server was not asked");
    r.remedy = Some(problem.remedy().to_string());
    r
}
