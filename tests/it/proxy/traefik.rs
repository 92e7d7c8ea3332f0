//! Traefik runs from Docker labels, so the generated labels are checked
//! structurally: every router has a rule, a service, entry points and a
//! certificate resolver; every entry point exists and allows the encoded
//! characters Matrix paths carry; the Host rules name the plan's sites.

use crate::support::proxy as common;

use std::collections::{BTreeMap, BTreeSet};

use matrix_delegate::domain::{Plan, Proxy};
use matrix_delegate::generate::{artifacts, ids, sites};

/// `traefik.http.<kind>.<name>.<property>=<value>` labels and
/// `--entryPoints.<name>.<property>=<value>` arguments, by name.
#[derive(Default, Debug)]
struct Parsed {
    routers: BTreeMap<String, BTreeMap<String, String>>,
    services: BTreeMap<String, BTreeMap<String, String>>,
    middlewares: BTreeMap<String, BTreeMap<String, String>>,
    entry_points: BTreeMap<String, BTreeMap<String, String>>,
}

fn parse(text: &str) -> Parsed {
    let mut p = Parsed::default();
    for line in text.lines().map(str::trim) {
        let Some(item) = line.strip_prefix("- \"").and_then(|l| l.strip_suffix('"')) else {
            continue;
        };
        let Some((key, value)) = item.split_once('=') else {
            continue;
        };
        let (map, rest) = if let Some(r) = key.strip_prefix("traefik.http.routers.") {
            (&mut p.routers, r)
        } else if let Some(r) = key.strip_prefix("traefik.http.services.") {
            (&mut p.services, r)
        } else if let Some(r) = key.strip_prefix("traefik.http.middlewares.") {
            (&mut p.middlewares, r)
        } else if let Some(r) = key.strip_prefix("--entryPoints.") {
            (&mut p.entry_points, r)
        } else {
            continue;
        };
        let (name, property) = rest.split_once('.').expect("name.property");
        map.entry(name.to_string())
            .or_default()
            .insert(property.to_string(), value.to_string());
    }
    p
}

fn hosts_in(rule: &str) -> Vec<String> {
    rule.split("Host(`")
        .skip(1)
        .filter_map(|r| r.split_once('`').map(|(h, _)| h.to_string()))
        .collect()
}

const MATRIX_ESCAPES: [&str; 4] = [
    "allowEncodedSlash",
    "allowEncodedHash",
    "allowEncodedPercent",
    "allowEncodedQuestionMark",
];

fn proxy_text(plan: &Plan) -> String {
    artifacts(plan)
        .into_iter()
        .find(|a| a.id == ids::PROXY)
        .expect("proxy artifact")
        .text
}

/// Everything wrong with the labels, in words (empty when all is right).
fn problems(plan: &Plan, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let p = parse(text);
    if p.routers.is_empty() {
        out.push("no routers".to_string());
    }
    for (name, props) in &p.routers {
        for required in ["rule", "service", "entrypoints", "tls.certresolver"] {
            if !props.contains_key(required) {
                out.push(format!("router {name} lacks {required}"));
            }
        }
        let service = props.get("service").cloned().unwrap_or_default();
        match p
            .services
            .get(&service)
            .and_then(|s| s.get("loadbalancer.server.port"))
        {
            None => out.push(format!("router {name}: service {service} has no port")),
            Some(port) if service == "continuwuity" && port != "8008" => {
                out.push(format!("continuwuity port {port}, expected 8008"))
            }
            Some(_) => {}
        }
        for ep in props
            .get("entrypoints")
            .map(|e| e.split(',').collect())
            .unwrap_or(Vec::new())
        {
            let Some(ep_props) = p.entry_points.get(ep) else {
                out.push(format!("router {name}: entry point {ep} undefined"));
                continue;
            };
            if !ep_props.contains_key("address") {
                out.push(format!("entry point {ep} has no address"));
            }
            for option in MATRIX_ESCAPES {
                let key = format!("http.encodedCharacters.{option}");
                if ep_props.get(&key).map(String::as_str) != Some("true") {
                    out.push(format!("entry point {ep} lacks {option}=true"));
                }
            }
            if ep_props.contains_key("http.encodedCharacters.allowEncodedNullCharacter") {
                out.push(format!("entry point {ep} allows %00"));
            }
        }
        if let Some(mw) = props.get("middlewares")
            && !p.middlewares.contains_key(mw)
        {
            out.push(format!("middleware {mw} undefined"));
        }
    }
    // Every site's name appears in a Host rule, and no other name does.
    let expected: BTreeSet<String> = sites::sites(plan).into_iter().map(|s| s.name).collect();
    let used: BTreeSet<String> = p
        .routers
        .values()
        .filter_map(|r| r.get("rule"))
        .flat_map(|r| hosts_in(r))
        .collect();
    if used != expected {
        out.push(format!(
            "Host rules name {used:?}, the plan's sites are {expected:?}"
        ));
    }
    // Every port the host listens on has an entry point.
    let addresses: BTreeSet<String> = p
        .entry_points
        .values()
        .filter_map(|e| e.get("address").cloned())
        .collect();
    for port in plan.host_ports() {
        if !addresses.contains(&format!(":{port}")) {
            out.push(format!("no entry point on port {port}"));
        }
    }
    // The delegated host's router forwards the Matrix APIs.
    let host_rule = p
        .routers
        .values()
        .filter_map(|r| r.get("rule"))
        .find(|r| hosts_in(r) == [plan.host_str()]);
    if !host_rule.is_some_and(|r| r.contains("PathPrefix(`/_matrix/`)")) {
        out.push("the host's router does not forward /_matrix/".to_string());
    }
    // Static files carry the CORS header and the JSON content type.
    for file in sites::static_files(plan) {
        let path = format!("Path(`{}`)", file.path);
        let mw = p
            .routers
            .values()
            .find(|r| r.get("rule").is_some_and(|rule| rule.contains(&path)))
            .and_then(|r| r.get("middlewares"))
            .and_then(|m| p.middlewares.get(m));
        let header =
            |h: &str| mw.and_then(|m| m.get(&format!("headers.customResponseHeaders.{h}")));
        if header("Access-Control-Allow-Origin").map(String::as_str) != Some("*") {
            out.push(format!(
                "{} is served without Access-Control-Allow-Origin: *",
                file.path
            ));
        }
        if header("Content-Type").map(String::as_str) != Some("application/json") {
            out.push(format!(
                "{} is served without Content-Type: application/json",
                file.path
            ));
        }
    }
    out
}

#[test]
fn labels_are_complete_for_every_strategy() {
    let mut checked = 0;
    for strategy in common::strategies_for(Proxy::Traefik) {
        for port in ["", "8448"] {
            let mut a = common::answers_for(strategy, Proxy::Traefik);
            a.port = port.into();
            let plan = common::plan_of(&a);
            let text = proxy_text(&plan);
            let found = problems(&plan, &text);
            assert!(
                found.is_empty(),
                "strategy {strategy}, port {port:?}: {found:?}\n{text}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 12);
}

/// Negative control: the checks notice a missing encoded-characters option
/// and a static file served without its CORS header.
#[test]
fn the_checks_notice_missing_settings() {
    let a = common::answers_for(matrix_delegate::domain::Strategy::Static, Proxy::Traefik);
    let plan = common::plan_of(&a);
    let text = proxy_text(&plan);
    let broken: String = text
        .lines()
        .filter(|l| !l.contains("websecure.http.encodedCharacters.allowEncodedSlash"))
        .filter(|l| !l.contains("customResponseHeaders.Access-Control-Allow-Origin"))
        .map(|l| format!("{l}\n"))
        .collect();
    let found = problems(&plan, &broken);
    assert!(
        found
            .iter()
            .any(|p| p == "entry point websecure lacks allowEncodedSlash=true"),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|p| p.contains("/.well-known/matrix/client is served without Access-Control")),
        "{found:?}"
    );
}
