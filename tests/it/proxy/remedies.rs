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
    /// Outside every block (Apache's `Listen`): the top of the file.
    TopLevel,
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
    let listen_place = if proxy == Proxy::Apache {
        Place::TopLevel
    } else {
        Place::Site
    };
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
        Shown {
            what: "listen (IPv4)",
            text: remedy::listen(p, &host, false, plan.port),
            site: host.clone(),
            place: listen_place,
        },
        Shown {
            what: "listen (IPv6)",
            text: remedy::listen(p, &host, true, plan.port),
            site: host,
            place: listen_place,
        },
    ]
}

/// How many remedies [`remedies`] shows for every proxy.
const REMEDIES: usize = 8;

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
    if place == Place::TopLevel {
        // Before the first line: the test preparation rewrites only the
        // generated configuration's own `Listen` lines (after a line break).
        let mut out: Vec<String> = snippet.to_vec();
        out.extend(lines.iter().map(|l| l.to_string()));
        return out.join("\n") + "\n";
    }
    let (after, indent) = match (proxy, place) {
        (Proxy::Nginx, Place::Site | Place::TopLevel) => (
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
    let ports = PortMap::for_proxy(plan, proxy);
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
    // The federation port 8448 too: the listen remedies name the port;
    // and the homeserver's UNIX socket (`unix_socket_path`).
    for (upstream, port) in [
        ("127.0.0.1:8008", "443"),
        ("[::1]:6167", "443"),
        ("127.0.0.1:8008", "8448"),
        (SOCKET_UPSTREAM, "443"),
    ] {
        let mut answers = common::answers_for(Strategy::WellKnown, proxy);
        answers.upstream = upstream.into();
        answers.port = port.into();
        let plan = common::plan_of(&answers);
        let generated = proxy_config(&plan);
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
    assert_eq!(checked, 4 * REMEDIES);
}

const SOCKET_UPSTREAM: &str = "unix:/run/continuwuity/continuwuity.sock";

/// With a UNIX-socket upstream, every remedy that names the homeserver
/// names the socket the way the generated configuration does, in the
/// proxy's own syntax (nginx `http://unix:/path`, Caddy `unix//path`,
/// Apache `unix:/path|http://localhost/...`, HAProxy `unix@/path`), never
/// the plan's `unix:/path` spelling that no proxy reads as a socket (some,
/// like `apache2 -t`, accept it as a host name, so the validators above
/// alone would not notice).
#[test]
fn socket_upstreams_are_written_in_each_proxys_own_syntax() {
    let socket = SOCKET_UPSTREAM.trim_start_matches("unix:");
    for proxy in [Proxy::Nginx, Proxy::Caddy, Proxy::Apache, Proxy::Haproxy] {
        let mut answers = common::answers_for(Strategy::WellKnown, proxy);
        answers.upstream = SOCKET_UPSTREAM.into();
        let plan = common::plan_of(&answers);
        let generated = proxy_config(&plan);
        let form = match proxy {
            Proxy::Nginx => format!("http://unix:{socket};"),
            Proxy::Caddy => format!("unix/{socket}"),
            Proxy::Apache => format!("unix:{socket}|http://localhost/"),
            _ => format!("unix@{socket}"),
        };
        assert!(generated.contains(&form), "{proxy}: {form} in\n{generated}");
        for shown in remedies(&plan, proxy) {
            for line in snippet(&shown.text) {
                if !line.contains(socket) {
                    continue;
                }
                let uses_form = match proxy {
                    Proxy::Apache if line.starts_with("ProxyPassReverse") => {
                        !line.contains("unix") && line.contains("http://localhost/")
                    }
                    Proxy::Nginx => line.contains(&format!("http://unix:{socket};")),
                    _ => line.contains(&form),
                };
                assert!(uses_form, "{proxy} {}: `{line}` is not {form}", shown.what);
            }
            if matches!(shown.what, "route_well_known" | "pass_path_unchanged") {
                assert!(shown.text.contains(socket), "{proxy}: {}", shown.text);
            }
        }
    }
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
    let generated = proxy_config(&plan);
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
    let generated = proxy_config(&plan);
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

/// The certificate remedies give the command for each proxy, naming the
/// files the generated configuration reads (the proxies cannot run
/// certbot; what they read is checked here).
#[test]
fn certificate_remedies_name_the_command_and_the_files_the_configuration_reads() {
    let host = "matrix.example.com";
    for proxy in Proxy::ALL.iter().copied() {
        let strategy = if proxy == Proxy::Static {
            Strategy::Static
        } else {
            Strategy::WellKnown
        };
        let plan = common::plan_of(&common::answers_for(strategy, proxy));
        let generated = proxy_config(&plan);
        let text = remedy::certificate(Some(proxy), host);
        let lines = snippet(&text);
        assert!(!lines.is_empty(), "{proxy}: no command in\n{text}");
        let want: &[&str] = match proxy {
            Proxy::Nginx => &["sudo certbot certonly --nginx -d matrix.example.com"],
            Proxy::Apache => &["sudo certbot certonly --apache -d matrix.example.com"],
            Proxy::Haproxy => &[
                "sudo certbot certonly --standalone --http-01-port 8402 -d matrix.example.com",
                "> /etc/haproxy/certs/matrix.example.com.pem && systemctl reload haproxy",
            ],
            Proxy::Caddy => &["journalctl -u caddy", "/var/lib/caddy/.local/share/caddy/"],
            Proxy::Traefik => {
                &["traefik.http.routers.matrix-example-com.tls.certresolver=letsencrypt"]
            }
            Proxy::Static => &["sudo certbot certonly --webroot"],
        };
        for w in want {
            assert!(
                lines.iter().any(|l| l.contains(w)),
                "{proxy}: `{w}` missing from\n{text}"
            );
        }
        // The file the certificate ends up in is the one the configuration reads.
        let read = match proxy {
            Proxy::Nginx | Proxy::Apache => Some("/etc/letsencrypt/live/matrix.example.com/"),
            Proxy::Haproxy => Some("/etc/haproxy/certs/matrix.example.com.pem"),
            Proxy::Traefik => {
                Some("traefik.http.routers.matrix-example-com.tls.certresolver=letsencrypt")
            }
            Proxy::Caddy | Proxy::Static => None,
        };
        if let Some(read) = read {
            assert!(
                generated.contains(read),
                "{proxy}: the configuration does not read {read}"
            );
        }
        // The standalone server certbot runs behind HAProxy is where the
        // configuration's port-80 frontend sends the challenge.
        if proxy == Proxy::Haproxy {
            assert!(
                generated.contains("server certbot 127.0.0.1:8402"),
                "{generated}"
            );
        }
    }
}

/// Traefik has no Debian package to validate with: its remedy labels are
/// checked structurally. Every label line is `traefik.<key>=<value>` (or a
/// `--entryPoints…=` command argument), and each router and entry point a
/// label names is one the generated compose file defines.
#[test]
fn traefik_remedies_are_well_formed_labels_for_the_generated_routers() {
    let mut answers = common::answers_for(Strategy::WellKnown, Proxy::Traefik);
    answers.port = "8448".into();
    let plan = common::plan_of(&answers);
    let generated = proxy_config(&plan);
    let labels: Vec<String> = generated
        .lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix("- \"")?
                .strip_suffix('"')
                .map(str::to_string)
        })
        .collect();
    let defined = |prefix: &str| -> Vec<String> {
        labels
            .iter()
            .filter_map(|l| l.strip_prefix(prefix))
            .filter_map(|rest| rest.split('.').next().map(str::to_string))
            .collect()
    };
    let routers = defined("traefik.http.routers.");
    let entry_points = defined("--entryPoints.");
    assert!(
        !routers.is_empty() && !entry_points.is_empty(),
        "{generated}"
    );
    for shown in remedies(&plan, Proxy::Traefik) {
        for line in snippet(&shown.text) {
            let (key, value) = line
                .split_once('=')
                .unwrap_or_else(|| panic!("{}: `{line}` is not key=value", shown.what));
            assert!(
                key.starts_with("traefik.") || key.starts_with("--entryPoints."),
                "{}: `{key}`",
                shown.what
            );
            assert!(
                !value.trim().is_empty(),
                "{}: `{line}` has no value",
                shown.what
            );
            assert!(
                !key.contains(char::is_whitespace),
                "{}: `{key}`",
                shown.what
            );
            if let Some(rest) = key.strip_prefix("traefik.http.routers.") {
                let router = rest.split('.').next().unwrap_or_default();
                assert!(
                    router == "<router>" || routers.iter().any(|r| r == router),
                    "{}: router `{router}` is not one of {routers:?}",
                    shown.what
                );
            }
            if key.ends_with(".entrypoints") {
                for ep in value.split(',') {
                    assert!(
                        entry_points.iter().any(|e| e == ep),
                        "{}: entry point `{ep}` is not one of {entry_points:?}",
                        shown.what
                    );
                }
            }
        }
    }
    let listen = remedy::listen(Some(Proxy::Traefik), &plan.host_str(), false, 8448);
    for line in snippet(&listen) {
        assert!(
            labels.iter().any(|l| l == &line),
            "the listen remedy's `{line}` is not what generate writes:\n{generated}"
        );
    }
}

/// The proxy configuration `generate` writes for `plan`.
fn proxy_config(plan: &Plan) -> String {
    artifacts(plan)
        .into_iter()
        .find(|a| a.id == ids::PROXY)
        .expect("a proxy artifact")
        .text
}
