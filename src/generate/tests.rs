use serde_json::Value;

use super::*;
use crate::domain::{Answers, Field, Strategy, plan};

fn plan_for(strategy: Strategy, proxy: Proxy, deployment: Deployment) -> Plan {
    let mut a = Answers {
        strategy,
        proxy,
        deployment,
        support_email: "admin@example.com".into(),
        ..Answers::example()
    };
    if strategy == Strategy::None {
        a.server_name = "matrix.example.com".into();
        a.host = String::new();
    }
    plan(&a).expect("valid answers")
}

fn every_plan() -> Vec<Plan> {
    let mut out = Vec::new();
    for s in Strategy::ALL {
        for p in Proxy::ALL {
            for d in Deployment::ALL {
                let mut a = Answers {
                    strategy: s,
                    proxy: *p,
                    deployment: *d,
                    ..Answers::example()
                };
                if s == Strategy::None {
                    a.server_name = "matrix.example.com".into();
                    a.host = String::new();
                }
                if let Ok(plan) = plan(&a) {
                    out.push(plan);
                }
            }
        }
    }
    out
}

fn ids_of(plan: &Plan) -> Vec<&'static str> {
    artifacts(plan).iter().map(|a| a.id).collect()
}

fn text_of(plan: &Plan, id: &str) -> String {
    artifacts(plan)
        .into_iter()
        .find(|a| a.id == id)
        .unwrap_or_else(|| panic!("no {id} artifact"))
        .text
}

#[test]
fn every_combination_renders_completely() {
    let plans = every_plan();
    // 6 strategies × 6 proxies × 2 deployments, less the 3 strategies
    // `static files only` cannot serve (× 2 deployments).
    assert_eq!(plans.len(), 66);
    for p in plans {
        let all = artifacts(&p);
        let mut files: Vec<&str> = all.iter().map(|a| a.file_name.as_str()).collect();
        files.sort();
        files.dedup();
        assert_eq!(files.len(), all.len(), "file names repeat");
        for a in &all {
            assert!(!a.text.contains(RENDER_FAILURE), "{}: {}", a.id, a.text);
            for leftover in ["{{", "{%", "}}\n", "%}"] {
                assert!(
                    !a.text.contains(leftover) || a.syntax == "json",
                    "{leftover} in {}",
                    a.id
                );
            }
            assert!(a.text.ends_with('\n'), "{} has no final newline", a.id);
            assert!(
                !a.text.contains("\n\n\n"),
                "{} has a double blank line:\n{}",
                a.id,
                a.text
            );
        }
    }
}

#[test]
fn which_artifacts_exist() {
    let p = plan_for(Strategy::WellKnown, Proxy::Caddy, Deployment::ConfigFile);
    assert_eq!(ids_of(&p), ["dns", "config-section", "proxy", "checklist"]);
    let p = plan_for(Strategy::WellKnown, Proxy::Nginx, Deployment::Docker);
    assert_eq!(
        ids_of(&p),
        [
            "dns",
            "docker-env",
            "docker-compose",
            "docker-compose-table",
            "proxy",
            "checklist"
        ]
    );
    let p = plan_for(Strategy::Static, Proxy::Static, Deployment::ConfigFile);
    assert_eq!(
        ids_of(&p),
        [
            "dns",
            "config-section",
            "proxy",
            "well-known-server",
            "well-known-client",
            "well-known-support",
            "checklist"
        ]
    );
    let p = plan_for(Strategy::Srv, Proxy::Haproxy, Deployment::ConfigFile);
    assert_eq!(
        ids_of(&p),
        [
            "dns",
            "config-section",
            "proxy",
            "well-known-client",
            "well-known-support",
            "checklist"
        ]
    );
}

#[test]
fn static_files_are_the_plans_json() {
    let p = plan_for(Strategy::Static, Proxy::Nginx, Deployment::ConfigFile);
    let parse = |id| serde_json::from_str::<Value>(&text_of(&p, id)).expect("JSON");
    assert_eq!(Some(parse("well-known-server")), p.server_file());
    assert_eq!(parse("well-known-client"), p.client_file());
    assert_eq!(Some(parse("well-known-support")), p.support_file());
    assert!(text_of(&p, "well-known-client").contains("\n  \"m.homeserver\": {\n"));
}

fn section_of(toml_text: &str) -> toml::Table {
    let doc: toml::Table = toml::from_str(toml_text).expect("valid TOML");
    doc["global"]["well_known"]
        .as_table()
        .expect("[global.well_known]")
        .clone()
}

#[test]
fn the_toml_section_holds_the_plans_values() {
    for s in Strategy::ALL {
        let p = plan_for(s, Proxy::Caddy, Deployment::ConfigFile);
        let text = well_known_toml(&p);
        assert_eq!(text, text_of(&p, "config-section"));
        let table = section_of(&text);
        let expected = p.well_known_section();
        let got: Vec<(&str, &str)> = table
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str().expect("string value")))
            .collect();
        let mut want = expected.entries();
        want.sort();
        assert_eq!(got, want, "strategy {s}");
        assert!(
            text.contains("# The port is mandatory")
                == (p.m_server().is_some() && s != Strategy::SrvWellKnown)
        );
    }
}

/// Values an operator could type that are special somewhere.
fn odd_plan() -> Plan {
    let a = Answers {
        strategy: Strategy::Static,
        support_page: "https://example.com/help?a=1,b=[2]&c='x'$HOME\\{y}".into(),
        support_email: "o'brien@example.com".into(),
        ..Answers::example()
    };
    plan(&a).expect("valid")
}

#[test]
fn odd_values_survive_toml_and_docker_quoting() {
    let p = odd_plan();
    let page = p.support.page.clone().expect("page");
    let table = section_of(&well_known_toml(&p));
    assert_eq!(table["support_page"].as_str(), Some(page.as_str()));
    assert_eq!(table["support_email"].as_str(), Some("o'brien@example.com"));

    let docker = Plan {
        deployment: Deployment::Docker,
        ..p.clone()
    };
    let env = text_of(&docker, "docker-env");
    assert!(
        env.contains("CONTINUWUITY_WELL_KNOWN__CLIENT=https://matrix.example.com\n"),
        "{env}"
    );
    assert!(
        env.contains("CONTINUWUITY_WELL_KNOWN__SUPPORT_EMAIL=\"o'brien@example.com\"\n"),
        "{env}"
    );
    let compose = text_of(&docker, "docker-compose");
    let line = compose
        .lines()
        .find(|l| l.contains("SUPPORT_PAGE:"))
        .expect("support page line");
    let value = line.split_once(": ").expect("key: value").1;
    assert_eq!(serde_json::from_str::<String>(value).expect("quoted"), page);

    let table_form = text_of(&docker, "docker-compose-table");
    let line = table_form
        .lines()
        .find(|l| l.contains("CONTINUWUITY_WELL_KNOWN:"))
        .expect("table line");
    let dict = serde_json::from_str::<String>(line.split_once(": ").expect("key: value").1)
        .expect("YAML double-quoted string");
    let parsed = figment_dict(&dict);
    assert_eq!(parsed.get("support_page"), Some(&page));
    assert_eq!(
        parsed.get("server").map(String::as_str),
        Some("matrix.example.com:443")
    );
    assert_eq!(
        parsed.get("support_email").map(String::as_str),
        Some("o'brien@example.com")
    );
}

/// Figment's dict grammar (figment `src/value/parse.rs`): `{ k=v, ... }`,
/// unquoted values run until `, { } [ ]`, quoted ones until the next `"`.
fn figment_dict(s: &str) -> std::collections::BTreeMap<String, String> {
    let inner = s
        .trim()
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .expect("braces");
    let mut out = std::collections::BTreeMap::new();
    let mut rest = inner.trim_start();
    while !rest.is_empty() {
        let (key, after) = rest.split_once('=').expect("key=value");
        let after = after.trim_start();
        let (value, after) = if let Some(q) = after.strip_prefix('"') {
            let end = q.find('"').expect("closing quote");
            (q[..end].to_string(), &q[end + 1..])
        } else {
            let end = after.find([',', '{', '}', '[', ']']).unwrap_or(after.len());
            (after[..end].trim().to_string(), &after[end..])
        };
        out.insert(key.trim().to_string(), value);
        rest = after.trim_start().trim_start_matches(',').trim_start();
    }
    out
}

#[test]
fn proxies_carry_none_of_the_known_traps() {
    for p in every_plan() {
        let text = text_of(&p, "proxy");
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .collect();
        match p.proxy {
            Proxy::Nginx => {
                for l in lines.iter().filter(|l| l.contains("proxy_pass")) {
                    // No URI part: nothing after host:port.
                    assert_eq!(l.trim(), format!("proxy_pass http://{};", p.upstream));
                }
                let servers = text.matches("server {").count();
                let proxied = lines
                    .iter()
                    .filter(|l| l.contains("client_max_body_size 20M;"))
                    .count();
                let with_locations = text
                    .split("server {")
                    .skip(1)
                    .filter(|s| s.contains("proxy_pass"))
                    .count();
                assert_eq!(proxied, with_locations, "{text}");
                assert!(servers >= 1);
            }
            Proxy::Apache => {
                for l in lines
                    .iter()
                    .filter(|l| l.trim_start().starts_with("ProxyPass "))
                {
                    assert!(l.ends_with(" nocanon"), "{l}");
                }
                for vhost in text.split("<VirtualHost").skip(1) {
                    if vhost.contains("ProxyPass ") {
                        assert!(vhost.contains("AllowEncodedSlashes NoDecode"), "{vhost}");
                        assert!(vhost.contains(&format!("LimitRequestBody {MAX_REQUEST_BYTES}")));
                        assert!(vhost.contains("ProxyPreserveHost On"));
                    }
                }
            }
            _ => {}
        }
    }
}

#[test]
fn the_checklist_ends_with_the_check_command() {
    let p = plan_for(Strategy::WellKnown, Proxy::Caddy, Deployment::ConfigFile);
    let text = text_of(&p, "checklist");
    assert!(text.contains("matrix-delegate check example.com"), "{text}");
    let numbers: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_once(". ").map(|(n, _)| n))
        .filter(|n| n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty())
        .collect();
    assert_eq!(numbers, ["1", "2", "3", "4", "5", "6"]);
}

#[test]
fn dns_records_appear_as_zone_lines_and_form_fields() {
    let p = plan_for(Strategy::Srv, Proxy::Caddy, Deployment::ConfigFile);
    let text = text_of(&p, "dns");
    assert!(
        text.contains(
            "\n_matrix-fed._tcp.example.com. 3600 IN SRV 10 10 443 matrix.example.com.\n"
        ),
        "{text}"
    );
    for field in [
        "Service:  _matrix-fed",
        "Protocol: _tcp",
        "Name:     example.com",
        "Priority: 10",
        "Weight:   10",
        "Port:     443",
        "Target:   matrix.example.com",
    ] {
        assert!(text.contains(field), "{field} missing:\n{text}");
    }
    assert!(text.contains(";matrix.example.com. 3600 IN A    <IPv4 address>"));
}

#[test]
fn a_unix_socket_upstream_in_each_proxy_s_own_syntax() {
    let socket = "/run/continuwuity/continuwuity.sock";
    let with = |proxy: Proxy| {
        let a = Answers {
            proxy,
            upstream: format!("unix:{socket}"),
            ..Answers::example()
        };
        plan(&a)
    };
    let text = |proxy: Proxy| {
        let p = with(proxy).expect("valid answers");
        text_of(&p, "proxy")
    };
    assert!(text(Proxy::Nginx).contains(&format!("proxy_pass http://unix:{socket};")));
    assert!(text(Proxy::Caddy).contains(&format!("reverse_proxy unix/{socket}")));
    let apache = text(Proxy::Apache);
    assert!(
        apache.contains(&format!(
            "ProxyPass        /_matrix/ unix:{socket}|http://localhost/_matrix/ nocanon"
        )),
        "{apache}"
    );
    assert!(apache.contains("ProxyPassReverse /_matrix/ http://localhost/_matrix/"));
    assert!(text(Proxy::Haproxy).contains(&format!("server continuwuity unix@{socket}")));
    // Traefik reaches containers over the network: refused, on the field.
    let errors = with(Proxy::Traefik).expect_err("refused");
    assert!(
        errors.iter().any(|e| e.field == Field::Upstream),
        "{errors:?}"
    );
    // A relative path or a character that would end the path early.
    for bad in ["unix:run/x.sock", "unix:/run/x y.sock", "unix:/run/x;.sock"] {
        let a = Answers {
            upstream: bad.into(),
            ..Answers::example()
        };
        let errors = plan(&a).expect_err(bad);
        assert!(
            errors.iter().any(|e| e.field == Field::Upstream),
            "{bad}: {errors:?}"
        );
    }
}
