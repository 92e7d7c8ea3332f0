//! `support.well-known`: the schema of `/.well-known/matrix/support`
//! (client-server API, "GET /.well-known/matrix/support", from MSC1929): at
//! least one of `contacts` / `support_page`; each contact has a `role`
//! (`m.role.admin`, `m.role.security` or a namespaced one) and a
//! `matrix_id` (a user ID) or an `email_address`.

use serde_json::Value;

use super::server_well_known::http_evidence;
use crate::check::expect::Expectations;
use crate::check::model::{CheckId, CheckResult, Status};
use crate::domain::support::{validate_email, validate_role, validate_user_id};
use crate::matrix::client_discovery::parse_http_url;
use crate::observe::HttpObservation;
use crate::words::count;

const SPEC: &str = "client-server API, GET /.well-known/matrix/support";

/// Everything wrong with a support document, in order.
pub fn schema_errors(value: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    let Some(obj) = value.as_object() else {
        return vec!["the body is not a JSON object".into()];
    };
    let contacts = obj.get("contacts");
    let page = obj.get("support_page");
    if contacts.is_none() && page.is_none() {
        errors.push("neither `contacts` nor `support_page`: at least one is required".into());
    }
    match page {
        None => {}
        Some(Value::String(url)) => {
            if let Err(e) = parse_http_url(url) {
                errors.push(format!("`support_page` `{url}` is not a web URL: {e}"));
            }
        }
        Some(_) => errors.push("`support_page` is not a string".into()),
    }
    match contacts {
        None => {}
        // "If only `contacts` is set, it MUST contain at least one item"
        // (client-server API, GET /.well-known/matrix/support).
        Some(Value::Array(list)) if list.is_empty() && page.is_none() => errors.push(
            "`contacts` is empty and there is no `support_page`: with only `contacts`, the list \
             must name at least one contact"
                .into(),
        ),
        Some(Value::Array(list)) => {
            for (i, c) in list.iter().enumerate() {
                contact_errors(i + 1, c, &mut errors);
            }
        }
        Some(_) => errors.push("`contacts` is not a list".into()),
    }
    errors
}

fn contact_errors(n: usize, c: &Value, errors: &mut Vec<String>) {
    let Some(c) = c.as_object() else {
        errors.push(format!("contact {n} is not an object"));
        return;
    };
    let string = |k: &str| c.get(k).map(|v| v.as_str().ok_or(()));
    match string("role") {
        None => errors.push(format!("contact {n} has no `role`")),
        Some(Err(_)) => errors.push(format!("contact {n}: `role` is not a string")),
        Some(Ok(role)) => {
            if let Err(e) = validate_role(role) {
                errors.push(format!("contact {n}: {e}"));
            }
        }
    }
    let mxid = string("matrix_id");
    let email = string("email_address");
    if mxid.is_none() && email.is_none() {
        errors.push(format!(
            "contact {n} has neither `matrix_id` nor `email_address`"
        ));
    }
    match mxid {
        Some(Ok(m)) => {
            if let Err(e) = validate_user_id(m) {
                errors.push(format!("contact {n}: {e}"));
            }
        }
        Some(Err(_)) => errors.push(format!("contact {n}: `matrix_id` is not a string")),
        None => {}
    }
    match email {
        Some(Ok(e)) => {
            if let Err(why) = validate_email(e) {
                errors.push(format!("contact {n}: {why}"));
            }
        }
        Some(Err(_)) => errors.push(format!("contact {n}: `email_address` is not a string")),
        None => {}
    }
}

fn describe(value: &Value) -> String {
    let contacts = value
        .get("contacts")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let roles: Vec<&str> = contacts
        .iter()
        .filter_map(|c| c.get("role").and_then(Value::as_str))
        .collect();
    let mut parts = Vec::new();
    if !contacts.is_empty() {
        parts.push(format!(
            "{} ({})",
            count(contacts.len(), "contact", "contacts"),
            roles.join(", ")
        ));
    }
    if let Some(p) = value.get("support_page").and_then(Value::as_str) {
        parts.push(format!("support page {p}"));
    }
    parts.join(", ")
}

/// `support.well-known`.
pub fn support_well_known(obs: &HttpObservation, ex: &Expectations) -> CheckResult {
    let mut r = http_evidence(
        CheckResult::new(CheckId::SupportWellKnown, Status::Pass, String::new()).spec(SPEC),
        obs,
    );
    let how = "Set `support_mxid` and/or `support_email` (with `support_role`), or `support_page`, \
               in [global.well_known] of the homeserver config, and route /.well-known/matrix/ to it.";
    if let Some(problem) = obs.local_problem() {
        return super::local::could_not_test(r, problem);
    }
    if let Some(e) = &obs.error {
        r.status = Status::Warn;
        r.summary = format!("no answer: {e}");
        return r;
    }
    let status = obs.status.unwrap_or(0);
    if status != 200 {
        let expected = ex.support.is_some();
        r.status = if expected { Status::Fail } else { Status::Warn };
        r.summary = if status == 404 {
            "no support file (404): people cannot find who runs this server (strongly recommended)"
                .into()
        } else {
            format!("HTTP {status} instead of the support file")
        };
        return r.remedy(how);
    }
    let Some(value) = obs.json().filter(|_| !obs.body_truncated()) else {
        r.status = Status::Fail;
        r.summary = "the support file is not JSON".into();
        return r.remedy(how);
    };
    let errors = schema_errors(&value);
    if let Some(first) = errors.first() {
        r.status = Status::Fail;
        r.summary = if errors.len() == 1 {
            first.clone()
        } else {
            format!("{first} (and {} more)", errors.len() - 1)
        };
        for e in &errors {
            r = r.evidence("schema", e.clone());
        }
        return r.remedy(how);
    }
    r.summary = describe(&value);
    r = super::server_well_known::duplicate_keys(
        r,
        obs,
        super::server_well_known::Readers::Clients,
    );
    if let Some(want) = ex.support.as_ref().filter(|want| **want != value) {
        r.status = Status::Warn;
        r.summary = format!("{} — differs from {}", describe(&value), ex.intent_words());
        r = r
            .evidence("expected", want.to_string())
            .remedy(ex.which_side("support file"));
    }
    r
}
