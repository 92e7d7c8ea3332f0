//! The proxy lines the check report's remedies show are lines the real
//! proxy accepts. For a sample plan, each remedy snippet for nginx, Apache,
//! HAProxy and Caddy is either already part of the configuration `generate`
//! writes (which validate.rs checks), or is added to that
//! configuration where the remedy says to put it; either way the result
//! must pass the same check, run the same way (`nginx -t`, `apache2 -t`,
//! `haproxy -c`, `caddy validate`), without a warning the configuration
//! alone does not have (HAProxy, for one, only warns about a rule that can
//! never match).

use crate::support::proxy as common;

use common::certs::{TestCa, write_all};
use common::process::{run, temp_dir};
use common::proxies::{PortMap, cert_names, prepare, program_name};
use matrix_delegate::check::expect::Expectations;
use matrix_delegate::check::remedy;
use matrix_delegate::domain::{Plan, Proxy, Strategy};
use matrix_delegate::generate::{artifacts, ids};

/// Where a remedy tells the operator to put its lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// The server block / virtual host / frontend / site block of the name.
    Site,
    /// nginx: inside that server block's `location /.well-known/matrix/`.
    WellKnownLocation,
}

/// One remedy as the report shows it, and where its lines go.
struct Shown {
    what: &'static str,
    text: String,
    site: String,
    place: Place,
}

/// Every remedy that shows proxy lines, worded for `proxy` with the names
/// and upstream the check takes from `plan` (the base domain for the
/// well-known files, the delegated host for `/_matrix`).
fn remedies(plan: &Plan, proxy: Proxy) -> Vec<Shown> {
    let ex = Expectations::from_plan(plan);
    let site = plan.base_domain();
    let host = plan.host_str();
    let upstream = ex.upstream();
    let p = Some(proxy);
    let header_place = if proxy == Proxy::Nginx {
        Place::WellKnownLocation
    } else {
        Place::Site
    };
    vec![
        Shown {
            what: "cors_well_known",
            text: remedy::cors_well_known(p, &site),
            site: site.clone(),
            place: header_place,
        },
        Shown {
            what: "route_well_known",
            text: remedy::route_well_known(p, &site, upstream),
            site: site.clone(),
            place: Place::Site,
        },
        Shown {
            what: "no_redirect",
            text: remedy::no_redirect(p, &site, upstream),
            site: site.clone(),
            place: Place::Site,
        },
        Shown {
            what: "pass_path_unchanged",
            text: remedy::pass_path_unchanged(p, &host, upstream),
            site: host.clone(),
            place: Place::Site,
        },
        Shown {
            what: "content_type_json",
            text: remedy::content_type_json(p, &site),
            site: site.clone(),
            place: header_place,
        },
        Shown {
            what: "cache_control",
            text: remedy::cache_control(p, &site, 3600),
            site,
            place: header_place,
        },
    ]
}

/// The configuration lines of a remedy: its indented block, unindented.
fn snippet(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("  "))
        .map(str::to_string)
        .collect()
}

/// A line as the proxy reads it: no comment, white space collapsed.
fn meaning(line: &str) -> String {
    let code = match line.find('#') {
        Some(i) if i == 0 || line[..i].ends_with(char::is_whitespace) => &line[..i],
        _ => line,
    };
    code.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn meaningful(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|l| meaning(l))
        .filter(|l| !l.is_empty())
        .collect()
}

/// Whether the snippet's lines appear, in order and together, in `config`.
fn appears_in(snippet: &[String], config: &str) -> bool {
    let want = meaningful(snippet);
    let have = meaningful(&config.lines().map(str::to_string).collect::<Vec<_>>());
    !want.is_empty() && have.windows(want.len()).any(|w| w == want.as_slice())
}

/// `config` with `snippet` added where `place` says, for the site `site`.
fn insert(proxy: Proxy, config: &str, site: &str, place: Place, snippet: &[String]) -> String {
    let lines: Vec<&str> = config.lines().collect();
    let find = |from: usize, what: &dyn Fn(&str) -> bool| {
        lines[from..]
            .iter()
            .position(|l| what(l))
            .map(|i| from + i)
            .unwrap_or_else(|| panic!("no place for the {proxy} snippet in:\n{config}"))
    };
    let (after, indent) = match (proxy, place) {
        (Proxy::Nginx, Place::Site) => (
            find(0, &|l| l.trim() == format!("server_name {site};")),
            "    ",
        ),
        (Proxy::Nginx, Place::WellKnownLocation) => {
            let server = find(0, &|l| l.trim() == format!("server_name {site};"));
            let location = find(server, &|l| l.trim() == "location /.well-known/matrix/ {");
            let end = find(server, &|l| l == "}");
            assert!(
                location < end,
                "no well-known location for {site}:\n{config}"
            );
            (location, "        ")
        }
        (Proxy::Apache, _) => (
            find(0, &|l| l.trim() == format!("ServerName {site}")),
            "    ",
        ),
        (Proxy::Haproxy, _) => (
            find(0, &|l| {
                l.trim_start().starts_with("acl ") && l.ends_with(&format!(" -i {site}"))
            }),
            "    ",
        ),
        (Proxy::Caddy, _) => (
            find(0, &|l| {
                l.strip_suffix(" {").is_some_and(|addresses| {
                    addresses
                        .split(", ")
                        .any(|a| a == site || a == format!("{site}:443"))
                })
            }),
            "\t",
        ),
        (Proxy::Traefik | Proxy::Static, _) => panic!("{proxy} has no validator"),
    };
    let mut out: Vec<String> = lines[..=after].iter().map(|l| l.to_string()).collect();
    out.extend(snippet.iter().map(|l| format!("{indent}{l}")));
    out.extend(lines[after + 1..].iter().map(|l| l.to_string()));
    out.join("\n") + "\n"
}

/// The warnings in a validator's output.
fn warnings(proxy: Proxy, output: &str) -> Vec<String> {
    output
        .lines()
        .filter(|l| match proxy {
            Proxy::Nginx => l.contains("[warn]"),
            Proxy::Apache => l.contains(":warn]") || l.contains("Warning"),
            Proxy::Haproxy => l.contains("[WARNING]"),
            Proxy::Caddy => l.contains("\"level\":\"warn\""),
            Proxy::Traefik | Proxy::Static => false,
        })
        .map(str::to_string)
        .collect()
}

struct Checked {
    ok: bool,
    output: String,
    text: String,
}

/// Runs the proxy's own check on `config`, prepared like proxy_validate.rs
/// prepares a generated configuration.
fn validate(proxy: Proxy, program: &std::path::Path, plan: &Plan, config: &str) -> Checked {
    let ca = TestCa::new();
    let dir = temp_dir();
    write_all(&ca, dir.path(), &cert_names(plan));
    let ports = PortMap::for_plan(plan);
    let mut prepared = prepare(proxy, program, dir.path(), config, &ports);
    let out = run(&mut prepared.check);
    Checked {
        ok: out.status.success(),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        text: prepared.text,
    }
}

fn remedies_are_accepted(proxy: Proxy) {
    let Some(program) = common::programs::require(program_name(proxy)) else {
        return;
    };
    let mut checked = 0;
    for upstream in ["127.0.0.1:8008", "[::1]:6167"] {
        let mut answers = common::answers_for(Strategy::WellKnown, proxy);
        answers.upstream = upstream.into();
        let plan = common::plan_of(&answers);
        let generated = artifacts(&plan)
            .into_iter()
            .find(|a| a.id == ids::PROXY)
            .expect("a proxy artifact")
            .text;
        let baseline = validate(proxy, &program, &plan, &generated);
        assert!(
            baseline.ok,
            "{proxy}: the generated configuration must pass"
        );
        let allowed = warnings(proxy, &baseline.output).len();
        for shown in remedies(&plan, proxy) {
            let lines = snippet(&shown.text);
            assert!(
                !lines.is_empty(),
                "{proxy} {}: no configuration lines in\n{}",
                shown.what,
                shown.text
            );
            let config = if appears_in(&lines, &generated) {
                generated.clone()
            } else {
                insert(proxy, &generated, &shown.site, shown.place, &lines)
            };
            let result = validate(proxy, &program, &plan, &config);
            let found = warnings(proxy, &result.output);
            assert!(
                result.ok && found.len() <= allowed,
                "{proxy} does not accept the {} remedy (upstream {upstream}):\n{}\n\
                 --- validator output\n{}\n--- configuration\n{}",
                shown.what,
                shown.text,
                result.output,
                result.text
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 2 * 6);
}

#[test]
fn nginx_accepts_every_remedy() {
    remedies_are_accepted(Proxy::Nginx);
}

#[test]
fn apache_accepts_every_remedy() {
    remedies_are_accepted(Proxy::Apache);
}

#[test]
fn haproxy_accepts_every_remedy() {
    remedies_are_accepted(Proxy::Haproxy);
}

#[test]
fn caddy_accepts_every_remedy() {
    remedies_are_accepted(Proxy::Caddy);
}

/// The harness is not vacuous: a remedy line the proxy would ignore (an
/// HAProxy response rule on a request-only fetch, which HAProxy only warns
/// about) and a misspelt directive are both refused.
#[test]
fn a_wrong_snippet_is_refused() {
    let proxy = Proxy::Haproxy;
    let Some(program) = common::programs::require(program_name(proxy)) else {
        return;
    };
    let plan = common::plan_of(&common::answers_for(Strategy::WellKnown, proxy));
    let generated = artifacts(&plan)
        .into_iter()
        .find(|a| a.id == ids::PROXY)
        .expect("a proxy artifact")
        .text;
    let allowed = warnings(proxy, &validate(proxy, &program, &plan, &generated).output).len();
    let site = plan.base_domain();
    for wrong in [
        "http-response set-header X-Test 1 if { path_beg /.well-known/matrix/ }",
        "http-responsex set-header X-Test 1",
    ] {
        let config = insert(proxy, &generated, &site, Place::Site, &[wrong.to_string()]);
        let result = validate(proxy, &program, &plan, &config);
        assert!(
            !result.ok || warnings(proxy, &result.output).len() > allowed,
            "`{wrong}` passed: the check proves nothing\n{}",
            result.output
        );
    }
}

#[test]
fn snippets_are_found_where_the_generated_configuration_has_them() {
    let plan = common::plan_of(&common::answers_for(Strategy::WellKnown, Proxy::Nginx));
    let generated = artifacts(&plan)
        .into_iter()
        .find(|a| a.id == ids::PROXY)
        .expect("a proxy artifact")
        .text;
    let route = snippet(&remedy::route_well_known(
        Some(Proxy::Nginx),
        &plan.base_domain(),
        &plan.upstream,
    ));
    assert!(appears_in(&route, &generated), "{route:?}");
    let cors = snippet(&remedy::cors_well_known(
        Some(Proxy::Nginx),
        &plan.base_domain(),
    ));
    assert!(!appears_in(&cors, &generated), "{cors:?}");
    let with_cors = insert(
        Proxy::Nginx,
        &generated,
        &plan.base_domain(),
        Place::WellKnownLocation,
        &cors,
    );
    assert!(appears_in(&cors, &with_cors), "{with_cors}");
}
