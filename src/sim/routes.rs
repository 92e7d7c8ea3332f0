//! What a scenario route answers: a canned status, headers and body, a
//! redirect, a huge or slow body, or a homeserver.

use std::collections::HashMap;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::homeserver::Homeserver;
use super::http_util::{SimResponse, full, huge, slow};
use super::scenario::{Preflight, RouteSpec};

pub(crate) async fn respond(
    route: &RouteSpec,
    method: &str,
    path: &str,
    homeservers: &HashMap<String, Homeserver>,
) -> SimResponse {
    if route.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(route.delay_ms)).await;
    }
    if let Some(id) = &route.homeserver {
        return match homeservers.get(id) {
            Some(hs) => hs.respond(method, path),
            None => full(502, &[], "no such homeserver"),
        };
    }
    let mut headers: Vec<(String, String)> = route
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let has = |headers: &[(String, String)], name: &str| {
        headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name))
    };
    if method == "OPTIONS" && route.redirect.is_none() {
        return match route.preflight {
            Preflight::Reject => full(405, &[("Allow".into(), "GET, HEAD".into())], ""),
            Preflight::Ok => {
                if has(&headers, "Access-Control-Allow-Origin") {
                    for (name, value) in [
                        ("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"),
                        (
                            "Access-Control-Allow-Headers",
                            "X-Requested-With, Content-Type, Authorization",
                        ),
                    ] {
                        if !has(&headers, name) {
                            headers.push((name.into(), value.into()));
                        }
                    }
                }
                full(204, &headers, "")
            }
        };
    }
    let default_type = |headers: &mut Vec<(String, String)>, value: &str| {
        if !has(headers, "Content-Type") {
            headers.push(("Content-Type".into(), value.into()));
        }
    };
    if let Some(location) = &route.redirect {
        headers.push(("Location".into(), location.clone()));
        return full(route.status.unwrap_or(301), &headers, "");
    }
    let status = route.status.unwrap_or(200);
    if let Some(json) = &route.json {
        default_type(&mut headers, "application/json");
        return full(
            status,
            &headers,
            serde_json::to_vec(json).unwrap_or_default(),
        );
    }
    if let Some(text) = &route.body {
        default_type(&mut headers, "text/plain");
        return full(status, &headers, text.clone());
    }
    if let Some(encoded) = &route.body_base64 {
        default_type(&mut headers, "application/octet-stream");
        return match STANDARD.decode(encoded) {
            Ok(bytes) => full(status, &headers, bytes),
            Err(_) => full(500, &[], "scenario body_base64 is not base64"),
        };
    }
    if let Some(total) = route.huge_body {
        default_type(&mut headers, "application/json");
        return huge(status, &headers, total);
    }
    if let Some(s) = route.slow_body {
        default_type(&mut headers, "application/json");
        return slow(
            status,
            &headers,
            s.chunk,
            Duration::from_millis(s.interval_ms),
            s.total,
        );
    }
    full(status, &headers, "")
}
