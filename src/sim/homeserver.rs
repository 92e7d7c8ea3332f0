//! A homeserver that answers like a real Continuwuity
//! behind a correct reverse proxy: well-known files from its
//! `[global.well_known]` settings, federation version, a key response with
//! a real ed25519 signature, `401 M_UNAUTHORIZED` for unauthenticated
//! federation requests, `404 M_UNRECOGNIZED` for unknown endpoints, and CORS
//! headers on everything.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::http_util::{SimResponse, full, json_response, matrix_error};
use super::scenario::HomeserverSpec;
use super::signing::{ServerKey, key_response};

/// Federation endpoints (server-server API, GET and otherwise) as segment
/// patterns; `*` is one path segment. Routing is on the raw path, so a
/// segment holding `%2F` stays one segment — unless a proxy decoded it.
const FEDERATION_ROUTES: &[&str] = &[
    "v1/event/*",
    "v1/state/*",
    "v1/state_ids/*",
    "v1/backfill/*",
    "v1/get_missing_events/*",
    "v1/event_auth/*/*",
    "v1/make_join/*/*",
    "v1/make_leave/*/*",
    "v1/make_knock/*/*",
    "v1/send/*",
    "v1/send_join/*/*",
    "v2/send_join/*/*",
    "v1/send_leave/*/*",
    "v2/send_leave/*/*",
    "v1/send_knock/*/*",
    "v1/invite/*/*",
    "v2/invite/*/*",
    "v1/query/*",
    "v1/publicRooms",
    "v1/user/devices/*",
    "v1/user/keys/query",
    "v1/user/keys/claim",
    "v1/hierarchy/*",
    "v1/timestamp_to_event/*",
    "v1/media/download/*",
    "v1/media/thumbnail/*",
    "v1/exchange_third_party_invite/*",
    "v1/3pid/onbind",
];

const CLIENT_VERSIONS: &[&str] = &[
    "r0.5.0", "r0.6.0", "r0.6.1", "v1.1", "v1.2", "v1.3", "v1.4", "v1.5", "v1.6", "v1.7", "v1.8",
    "v1.9", "v1.10", "v1.11", "v1.12",
];

pub(crate) struct Homeserver {
    pub spec: HomeserverSpec,
    pub key: ServerKey,
}

fn cors() -> Vec<(String, String)> {
    vec![
        ("Access-Control-Allow-Origin".into(), "*".into()),
        (
            "Access-Control-Allow-Methods".into(),
            "GET, HEAD, POST, PUT, DELETE, OPTIONS".into(),
        ),
        (
            "Access-Control-Allow-Headers".into(),
            "Origin, X-Requested-With, Content-Type, Accept, Authorization".into(),
        ),
    ]
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

impl Homeserver {
    /// Answers one request. `path` is the path as the homeserver receives
    /// it (percent-escapes intact unless a proxy decoded them).
    pub(crate) fn respond(&self, method: &str, path: &str) -> SimResponse {
        let cors = cors();
        if method == "OPTIONS" {
            return full(200, &cors, "");
        }
        let spec = &self.spec;
        match path {
            "/.well-known/matrix/server" => {
                if !spec.federation {
                    return matrix_error(403, &cors, "M_FORBIDDEN", "Federation is disabled.");
                }
                match &spec.well_known_server {
                    Some(server) => json_response(200, &cors, &json!({ "m.server": server })),
                    None => matrix_error(404, &cors, "M_NOT_FOUND", "Not found."),
                }
            }
            "/.well-known/matrix/client" => match &spec.well_known_client {
                Some(client) => json_response(
                    200,
                    &cors,
                    &json!({ "m.homeserver": { "base_url": client } }),
                ),
                None => matrix_error(404, &cors, "M_NOT_FOUND", "Not found."),
            },
            "/.well-known/matrix/support" => self.support(&cors),
            "/_matrix/client/versions" => json_response(
                200,
                &cors,
                &json!({ "versions": CLIENT_VERSIONS, "unstable_features": {} }),
            ),
            "/_matrix/federation/v1/version" => self.federated(&cors, || {
                json_response(
                    200,
                    &cors,
                    &json!({ "server": { "name": "continuwuity", "version": "0.5.0-sim" } }),
                )
            }),
            "/_matrix/key/v2/server" => self.federated(&cors, || self.keys(&cors)),
            _ if path.starts_with("/_matrix/key/v2/server/") => {
                self.federated(&cors, || self.keys(&cors))
            }
            _ if is_federation_route(path) => self.federated(&cors, || {
                matrix_error(
                    401,
                    &cors,
                    "M_UNAUTHORIZED",
                    "Missing Authorization header.",
                )
            }),
            _ => matrix_error(404, &cors, "M_UNRECOGNIZED", "Unrecognized request"),
        }
    }

    fn federated(
        &self,
        cors: &[(String, String)],
        answer: impl FnOnce() -> SimResponse,
    ) -> SimResponse {
        if self.spec.federation {
            answer()
        } else {
            matrix_error(403, cors, "M_FORBIDDEN", "Federation is disabled.")
        }
    }

    fn keys(&self, cors: &[(String, String)]) -> SimResponse {
        let valid_until = now_ms() + self.spec.key_validity_hours * 3_600_000;
        match key_response(&self.spec.server_name, &self.key, valid_until) {
            Ok(body) => json_response(200, cors, &body),
            Err(e) => matrix_error(500, cors, "M_UNKNOWN", &e.to_string()),
        }
    }

    /// Continuwuity: one contact from `support_mxid`/`support_email` (role
    /// `support_role`, default `m.role.admin`), plus `support_page`; 404 when
    /// neither is set.
    fn support(&self, cors: &[(String, String)]) -> SimResponse {
        let spec = &self.spec;
        let mut body = serde_json::Map::new();
        if spec.support_mxid.is_some() || spec.support_email.is_some() {
            let mut contact = serde_json::Map::new();
            contact.insert(
                "role".into(),
                Value::String(spec.support_role.clone().unwrap_or("m.role.admin".into())),
            );
            if let Some(mxid) = &spec.support_mxid {
                contact.insert("matrix_id".into(), Value::String(mxid.clone()));
            }
            if let Some(email) = &spec.support_email {
                contact.insert("email_address".into(), Value::String(email.clone()));
            }
            body.insert(
                "contacts".into(),
                Value::Array(vec![Value::Object(contact)]),
            );
        }
        if let Some(page) = &spec.support_page {
            body.insert("support_page".into(), Value::String(page.clone()));
        }
        if body.is_empty() {
            return matrix_error(404, cors, "M_NOT_FOUND", "Not found.");
        }
        json_response(200, cors, &Value::Object(body))
    }
}

fn is_federation_route(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/_matrix/federation/") else {
        return false;
    };
    let rest = rest.split('?').next().unwrap_or(rest);
    let segments: Vec<&str> = rest.split('/').collect();
    FEDERATION_ROUTES.iter().any(|pattern| {
        let parts: Vec<&str> = pattern.split('/').collect();
        parts.len() == segments.len()
            && parts
                .iter()
                .zip(&segments)
                .all(|(p, s)| (*p == "*" && !s.is_empty()) || p == s)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_segments_stay_one_segment() {
        assert!(is_federation_route(
            "/_matrix/federation/v1/event/%24probe%2Fslash"
        ));
        assert!(!is_federation_route(
            "/_matrix/federation/v1/event/$probe/slash"
        ));
        assert!(is_federation_route("/_matrix/federation/v1/publicRooms"));
        assert!(!is_federation_route("/_matrix/federation/v1/event/"));
        assert!(!is_federation_route("/_matrix/client/v3/sync"));
    }
}
