//! The dynamic configuration `apply` gives Traefik's file provider: one
//! router per site that forwards paths to the homeserver, and one service
//! for the homeserver. The router names, rules and service name are the
//! ones `generate --proxy traefik` puts in Docker labels (router = the
//! site's name as a slug, service `continuwuity`), so `check`'s remedies,
//! which name routers that way, apply to an installed file too.

use serde_json::{Map, Value, json};

use crate::generate::sites::{Site, slug};

/// The service every router forwards to.
pub const SERVICE: &str = "continuwuity";

/// How the routers get their certificates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Certificates {
    /// `tls.certResolver` naming a resolver of the static configuration.
    Resolver(String),
    /// `tls: {}`: Traefik picks the certificate of `tls.certificates`
    /// (in the dynamic configuration) whose names match the request.
    Listed,
}

/// One router as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Router {
    pub name: String,
    pub host: String,
    pub rule: String,
    pub entry_points: Vec<String>,
    /// The path prefixes it takes, for the merge lines of a conflict.
    pub paths: Vec<&'static str>,
}

/// `PathPrefix(`a`) || PathPrefix(`b`)`.
pub fn paths_rule(paths: &[&str]) -> String {
    paths
        .iter()
        .map(|p| format!("PathPrefix(`{p}`)"))
        .collect::<Vec<_>>()
        .join(" || ")
}

/// The routers for `sites`, each on the entry points `entry_point` names
/// for its ports. Sites that forward nothing (only fixed files) get none.
pub fn routers(sites: &[Site], entry_point: &dyn Fn(u16) -> String) -> Vec<Router> {
    sites
        .iter()
        .filter(|s| !s.proxy_paths.is_empty())
        .map(|s| Router {
            name: slug(&s.name),
            host: s.name.clone(),
            rule: format!("Host(`{}`) && ({})", s.name, paths_rule(&s.proxy_paths)),
            entry_points: s.ports.iter().map(|p| entry_point(*p)).collect(),
            paths: s.proxy_paths.clone(),
        })
        .collect()
}

/// The dynamic configuration as a tree.
pub fn tree(routers: &[Router], certificates: &Certificates, upstream: &str) -> Value {
    let tls = match certificates {
        Certificates::Resolver(r) => json!({ "certResolver": r }),
        Certificates::Listed => json!({}),
    };
    let mut r = Map::new();
    for router in routers {
        r.insert(
            router.name.clone(),
            json!({
                "rule": router.rule,
                "entryPoints": router.entry_points,
                "service": SERVICE,
                "tls": tls,
            }),
        );
    }
    json!({
        "http": {
            "routers": r,
            "services": {
                SERVICE: { "loadBalancer": { "servers": [ { "url": format!("http://{upstream}") } ] } }
            }
        }
    })
}

/// The file's opening comment.
pub fn header(server_name: &str, comment: &str) -> String {
    [
        format!(
            "Written by matrix-delegate {} for {server_name}: routers for Traefik's file provider.",
            env!("CARGO_PKG_VERSION")
        ),
        "Traefik merges every file of this directory into one set of names: the router and"
            .to_string(),
        "service names below must not appear in another file here (apply checks that).".to_string(),
        "Traefik forwards the path as received and passes the Host header unchanged; the"
            .to_string(),
        "homeserver answers the well-known files and sets Access-Control-Allow-Origin itself."
            .to_string(),
    ]
    .iter()
    .map(|l| format!("{comment} {l}\n"))
    .collect()
}

/// `tree` as YAML, keys in order, every string double-quoted.
pub fn yaml(value: &Value) -> String {
    let mut out = String::new();
    emit(value, 0, &mut out);
    out
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => serde_json::to_string(s).unwrap_or_default(),
        Value::Object(m) if m.is_empty() => "{}".into(),
        Value::Array(a) if a.is_empty() => "[]".into(),
        other => other.to_string(),
    }
}

fn is_block(v: &Value) -> bool {
    match v {
        Value::Object(m) => !m.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => false,
    }
}

fn emit(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(m) => {
            for (k, v) in m {
                if is_block(v) {
                    out.push_str(&format!("{pad}{k}:\n"));
                    emit(v, indent + 2, out);
                } else {
                    out.push_str(&format!("{pad}{k}: {}\n", scalar(v)));
                }
            }
        }
        Value::Array(a) => {
            for item in a {
                if is_block(item) {
                    // `- ` then the item's lines, the first on the dash's line.
                    let mut inner = String::new();
                    emit(item, indent + 2, &mut inner);
                    let trimmed = inner.get(indent + 2..).unwrap_or("");
                    out.push_str(&format!("{pad}- {trimmed}"));
                } else {
                    out.push_str(&format!("{pad}- {}\n", scalar(item)));
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar(other))),
    }
}

/// `tree` as TOML (for an operator's TOML file).
pub fn toml(value: &Value) -> String {
    toml::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::install::traefik::document::{Format, parse};

    fn sample() -> Value {
        let routers = vec![Router {
            name: "matrix-example-com".into(),
            host: "matrix.example.com".into(),
            rule: "Host(`matrix.example.com`) && (PathPrefix(`/_matrix/`))".into(),
            entry_points: vec!["websecure".into(), "matrix-federation-8448".into()],
            paths: vec!["/_matrix/"],
        }];
        tree(
            &routers,
            &Certificates::Resolver("le".into()),
            "127.0.0.1:6167",
        )
    }

    #[test]
    fn yaml_reads_back_as_the_tree() {
        let v = sample();
        let text = yaml(&v);
        assert!(
            text.contains("servers:\n          - url: \"http://127.0.0.1:6167\"\n"),
            "{text}"
        );
        assert_eq!(parse(&text, Format::Yaml).unwrap(), v);
        let listed = tree(&[], &Certificates::Listed, "h:1");
        assert_eq!(parse(&yaml(&listed), Format::Yaml).unwrap(), listed);
    }

    #[test]
    fn toml_reads_back_as_the_tree() {
        let v = sample();
        assert_eq!(parse(&toml(&v), Format::Toml).unwrap(), v);
    }
}
