//! The generated configuration, run by the real proxy on loopback with TLS
//! from a test CA, in front of a stand-in homeserver: the three well-known
//! files come back with the plan's exact JSON, `Content-Type:
//! application/json` and exactly one `Access-Control-Allow-Origin: *`, and
//! federation paths reach the homeserver byte for byte (the X-Matrix
//! signature covers them), over TCP and through a unix socket
//! (`unix_socket_path`).

use crate::support::proxy as common;

use std::net::SocketAddr;

use common::certs::{TestCa, write_all};
use common::process::{Running, temp_dir};
use common::proxies::{PortMap, cert_names, prepare, program_name};
use matrix_delegate::domain::{Answers, Plan, Proxy, Strategy};
use matrix_delegate::generate::{artifacts, ids};
use serde_json::Value;

/// A request path whose segments carry escapes; a proxy that decodes and
/// re-encodes paths changes it.
const ESCAPED: &str = "/_matrix/federation/v1/event/%24probe%2Fslash%3Fq%23h";

struct Setup {
    plan: Plan,
    ports: PortMap,
    ca: TestCa,
    // Dropped in this order: the proxy stops before its directory goes.
    _proxy: Running,
    _dir: tempfile::TempDir,
}

async fn serve(proxy: Proxy, strategy: Strategy, port: &str) -> Option<Setup> {
    serve_changed(proxy, strategy, port, |_| {}, |text| text.to_string()).await
}

/// Like [`serve`], with the generated text changed first (for the negative
/// controls that prove the assertions can fail).
async fn serve_changed(
    proxy: Proxy,
    strategy: Strategy,
    port: &str,
    adjust: impl Fn(&mut Answers),
    change: impl Fn(&str) -> String,
) -> Option<Setup> {
    serve_upstream(proxy, strategy, port, adjust, change, false).await
}

/// [`serve_changed`], the stand-in on TCP or (`unix`) on a unix socket
/// that the generated configuration names as `unix:<path>`.
async fn serve_upstream(
    proxy: Proxy,
    strategy: Strategy,
    port: &str,
    adjust: impl Fn(&mut Answers),
    change: impl Fn(&str) -> String,
    unix: bool,
) -> Option<Setup> {
    let program = common::programs::require(program_name(proxy))?;
    let mut answers = common::answers_for(strategy, proxy);
    answers.port = port.into();
    adjust(&mut answers);
    let dir = temp_dir();
    if unix {
        use std::os::unix::fs::PermissionsExt;
        // The proxy's workers may run as another user: they must reach it.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
            .expect("folder permissions");
        let socket = dir.path().join("continuwuity.sock");
        common::homeserver::start_unix(&common::plan_of(&answers), &socket).await;
        answers.upstream = format!("unix:{}", socket.display());
    } else {
        let stand_in = common::homeserver::start(&common::plan_of(&answers)).await;
        answers.upstream = stand_in.addr.to_string();
    }
    let plan = common::plan_of(&answers);
    let all = artifacts(&plan);
    let ca = TestCa::new();
    write_all(&ca, dir.path(), &cert_names(&plan));
    let ports = PortMap::for_proxy(&plan, proxy);
    let text = &all.iter().find(|a| a.id == ids::PROXY).expect("proxy").text;
    let prepared = prepare(proxy, &program, dir.path(), &change(text), &ports);
    // Apache serves the static files from disk: publish the generated ones
    // (the other proxies answer them from their configuration).
    if proxy == Proxy::Apache {
        for a in all.iter().filter(|a| a.id.starts_with("well-known-")) {
            let name = a.file_name.rsplit('/').next().expect("file name");
            std::fs::write(dir.path().join("www").join(name), &a.text).expect("publish file");
        }
    }
    let mut running = Running::spawn(program_name(proxy), prepared.run, dir.path());
    running.wait_for(&ports.addrs());
    Some(Setup {
        plan,
        ports,
        ca,
        _proxy: running,
        _dir: dir,
    })
}

impl Setup {
    /// GET `https://<name><path>` through the proxy's listener for `port`.
    async fn get(&self, name: &str, port: u16, path: &str) -> reqwest::Response {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let addr = SocketAddr::from(([127, 0, 0, 1], self.ports.test_port(port)));
        let client = reqwest::Client::builder()
            .tls_certs_only([self.ca.reqwest_root()])
            .resolve(name, addr)
            .no_proxy()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .expect("client");
        let host = if port == 443 {
            name.to_string()
        } else {
            format!("{name}:{port}")
        };
        client
            .get(format!("https://{name}{path}"))
            .header("host", host)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET https://{name}{path} via {addr}: {e:?}"))
    }

    /// The file must be exactly the plan's JSON, with the headers a web
    /// client needs, each once.
    async fn assert_file(&self, name: &str, file: &str, expected: &Value) {
        let resp = self
            .get(name, 443, &format!("/.well-known/matrix/{file}"))
            .await;
        assert_eq!(resp.status(), 200, "{name} {file}");
        let headers = resp.headers().clone();
        let content_type = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(
            content_type.starts_with("application/json"),
            "{file}: content-type {content_type:?}"
        );
        let cors: Vec<_> = headers
            .get_all("access-control-allow-origin")
            .iter()
            .collect();
        assert_eq!(
            cors,
            ["*"],
            "{file}: Access-Control-Allow-Origin must be sent once"
        );
        let body = json(resp).await;
        assert_eq!(&body, expected, "{file}");
    }

    async fn assert_all_files(&self) {
        let base = self.plan.base_domain();
        if let Some(server) = self.plan.server_file() {
            self.assert_file(&base, "server", &server).await;
        }
        self.assert_file(&base, "client", &self.plan.client_file())
            .await;
        let support = self
            .plan
            .support_file()
            .expect("the test answers set a contact");
        self.assert_file(&base, "support", &support).await;
    }

    /// A federation request reaches the homeserver with its path unchanged.
    async fn assert_routes_federation(&self, name: &str, port: u16) {
        let resp = self.get(name, port, ESCAPED).await;
        assert_eq!(resp.status(), 200, "{name}:{port}{ESCAPED}");
        let echo = json(resp).await;
        assert_eq!(echo["stand_in"], true, "{echo}");
        assert_eq!(echo["path"], ESCAPED, "the proxy changed the path");
        let host = echo["host"].as_str().unwrap_or("");
        assert!(host.starts_with(name), "Host {host:?} for {name}");
        let xff = echo["x_forwarded_for"].as_str().unwrap_or("");
        assert!(xff.contains("127.0.0.1"), "X-Forwarded-For {xff:?}");
    }
}

async fn json(resp: reqwest::Response) -> Value {
    let bytes = resp.bytes().await.expect("body");
    serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)))
}

async fn well_known(proxy: Proxy) {
    let Some(s) = serve(proxy, Strategy::WellKnown, "").await else {
        return;
    };
    s.assert_all_files().await;
    s.assert_routes_federation(&s.plan.host_str(), 443).await;
}

/// A support page with every character that is special in one of the
/// configuration syntaxes the JSON is embedded in.
const ODD_PAGE: &str = "https://example.com/help?a='x'&b=$HOME&c={y}&d=\"z\"\\w`q`#top";

async fn static_files(proxy: Proxy) {
    let odd = |a: &mut Answers| a.support_page = ODD_PAGE.into();
    let Some(s) = serve_changed(proxy, Strategy::Static, "", odd, |t| t.to_string()).await else {
        return;
    };
    assert_eq!(s.plan.support.page.as_deref(), Some(ODD_PAGE));
    s.assert_all_files().await;
    s.assert_routes_federation(&s.plan.host_str(), 443).await;
    // The base domain forwards nothing to the homeserver.
    let resp = s.get(&s.plan.base_domain(), 443, ESCAPED).await;
    let bytes = resp.bytes().await.expect("body");
    let stand_in = serde_json::from_slice::<Value>(&bytes).is_ok_and(|v| v["stand_in"] == true);
    assert!(!stand_in, "the base domain forwarded a federation request");
}

/// `well-known+srv-fallback` on port 8448: the host listens on 8448 and 443,
/// and the base domain also routes /_matrix/ (where the SRV record points).
async fn srv_fallback(proxy: Proxy) {
    let Some(s) = serve(proxy, Strategy::WellKnownSrvFallback, "8448").await else {
        return;
    };
    s.assert_all_files().await;
    let host = s.plan.host_str();
    s.assert_routes_federation(&host, 8448).await;
    s.assert_routes_federation(&host, 443).await;
    s.assert_routes_federation(&s.plan.base_domain(), 443).await;
}

/// `unix_socket_path`: the proxy reaches the homeserver through its socket,
/// paths unchanged.
async fn unix_socket(proxy: Proxy) {
    let Some(s) = serve_upstream(
        proxy,
        Strategy::WellKnown,
        "",
        |_| {},
        |t| t.to_string(),
        true,
    )
    .await
    else {
        return;
    };
    assert!(s.plan.upstream.starts_with("unix:/"), "{}", s.plan.upstream);
    s.assert_all_files().await;
    s.assert_routes_federation(&s.plan.host_str(), 443).await;
}

/// Negative control: the classic nginx trap. With a URI part in
/// proxy_pass, nginx sends the decoded path, and the routing assertion
/// notices.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_with_a_uri_in_proxy_pass_mangles_the_path() {
    let broken = |text: &str| {
        text.lines()
            .map(|l| match l.trim().strip_prefix("proxy_pass ") {
                Some(target) if l.contains("http://") => {
                    let addr = target.trim_end_matches(';');
                    format!("        proxy_pass {addr}/_matrix/;\n")
                }
                _ => format!("{l}\n"),
            })
            .collect::<String>()
    };
    let Some(s) = serve_changed(Proxy::Nginx, Strategy::WellKnown, "", |_| {}, broken).await else {
        return;
    };
    let resp = s.get(&s.plan.host_str(), 443, ESCAPED).await;
    let echo = json(resp).await;
    assert_eq!(echo["stand_in"], true, "{echo}");
    assert_ne!(
        echo["path"], ESCAPED,
        "expected nginx to change the path: {echo}"
    );
    println!("nginx sent {}", echo["path"]);
}

/// The generated configuration with `lines` added where the CORS remedy
/// says: inside nginx's `location /.well-known/matrix/` block (which
/// proxies to the homeserver), in the base domain's site block for the
/// others.
fn with_remedy_lines(proxy: Proxy, site: &str, text: &str, lines: &[String]) -> String {
    let mut out = String::new();
    let mut done = false;
    // nginx: the location inside the site's own server block.
    let mut in_site = false;
    for l in text.lines() {
        out.push_str(l);
        out.push('\n');
        if l.trim_start().starts_with("server_name ") {
            in_site = l.trim() == format!("server_name {site};");
        }
        let here = match proxy {
            Proxy::Nginx => in_site && l.trim() == "location /.well-known/matrix/ {",
            Proxy::Apache => l.trim() == format!("ServerName {site}"),
            Proxy::Caddy => l.strip_suffix(" {").is_some_and(|a| {
                a.split(", ")
                    .any(|a| a == site || a == format!("{site}:443"))
            }),
            Proxy::Haproxy => {
                l.trim_start().starts_with("acl ") && l.ends_with(&format!(" -i {site}"))
            }
            Proxy::Traefik | Proxy::Static => false,
        };
        if here && !done {
            done = true;
            for added in lines {
                out.push_str(&format!("        {added}\n"));
            }
        }
    }
    assert!(done, "no place for the {proxy} remedy in:\n{text}");
    out
}

/// The remedy for a missing `Access-Control-Allow-Origin` on the
/// well-known files, added where it says, really sends the header once,
/// also where a copy is there already (nginx and Caddy proxy the files to
/// a homeserver that sends it; Apache's files carry one): two copies make
/// browsers refuse the answer.
async fn cors_remedy_sends_the_header_once(proxy: Proxy) {
    let remedy = matrix_delegate::check::remedy::cors_well_known(Some(proxy), "example.com");
    let lines: Vec<String> = remedy
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .map(str::to_string)
        .collect();
    assert!(!lines.is_empty(), "{remedy}");
    let fixed = |text: &str| with_remedy_lines(proxy, "example.com", text, &lines);
    let Some(s) = serve_changed(proxy, Strategy::WellKnown, "", |_| {}, fixed).await else {
        return;
    };
    s.assert_all_files().await;
}

/// The negative controls: what the remedies used to say (a bare nginx
/// `add_header` in the location that proxies to the homeserver, Caddy's
/// `header` without `defer`, Apache's `Header always set` alone) sends the
/// header twice, so the assertion above can fail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_former_cors_remedies_send_the_header_twice() {
    let former: [(Proxy, &[&str]); 3] = [
        (
            Proxy::Nginx,
            &["add_header Access-Control-Allow-Origin \"*\" always;"],
        ),
        (
            Proxy::Caddy,
            &["header /.well-known/matrix/* Access-Control-Allow-Origin *"],
        ),
        (
            Proxy::Apache,
            &[
                "<Location \"/.well-known/matrix/\">",
                "  Header always set Access-Control-Allow-Origin \"*\"",
                "</Location>",
            ],
        ),
    ];
    for (proxy, lines) in former {
        let lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        let doubled = |text: &str| with_remedy_lines(proxy, "example.com", text, &lines);
        let Some(s) = serve_changed(proxy, Strategy::WellKnown, "", |_| {}, doubled).await else {
            continue;
        };
        let resp = s
            .get(&s.plan.base_domain(), 443, "/.well-known/matrix/client")
            .await;
        let copies = resp
            .headers()
            .get_all("access-control-allow-origin")
            .iter()
            .count();
        assert_eq!(copies, 2, "{proxy}: the former remedy adds a second copy");
    }
}

macro_rules! served_tests {
    ($($name:ident => $proxy:expr;)+) => {
        mod served {
            use super::*;
            $(
                pub mod $name {
                    use super::*;
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn well_known_files_come_from_the_homeserver() {
                        well_known($proxy).await;
                    }
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn static_files_come_from_the_proxy() {
                        static_files($proxy).await;
                    }
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn srv_fallback_routes_federation_on_both_names() {
                        srv_fallback($proxy).await;
                    }
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn the_cors_remedy_sends_the_header_once() {
                        cors_remedy_sends_the_header_once($proxy).await;
                    }
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn a_unix_socket_upstream_reaches_the_homeserver() {
                        unix_socket($proxy).await;
                    }
                }
            )+
        }
    };
}

served_tests! {
    nginx => Proxy::Nginx;
    caddy => Proxy::Caddy;
    apache => Proxy::Apache;
    haproxy => Proxy::Haproxy;
}

/// A token certbot would write; the port-80 blocks must hand it out as is.
const TOKEN: &str = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0";

impl Setup {
    /// GET `http://<name><path>` on the proxy's port-80 stand-in, without
    /// following redirects.
    async fn get_plain(&self, name: &str, path: &str) -> reqwest::Response {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let addr = SocketAddr::from(([127, 0, 0, 1], self.ports.test_port(80)));
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .expect("client")
            .get(format!("http://{addr}{path}"))
            .header("host", name)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET http://{name}{path} via {addr}: {e:?}"))
    }

    /// Every other path on port 80 moves to the same path over https.
    async fn assert_redirects(&self, name: &str) {
        let resp = self.get_plain(name, "/somewhere?x=1").await;
        assert_eq!(resp.status(), 301, "{name}");
        let location = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        assert_eq!(location, format!("https://{name}/somewhere?x=1"));
    }
}

/// nginx and Apache answer the ACME http-01 challenge on port 80 from the
/// webroot certbot's `--webroot` writes to, for every name of the plan,
/// and redirect the rest to https (RFC 8555 §8.3).
async fn acme_challenge_from_the_webroot(proxy: Proxy) {
    let Some(s) = serve(proxy, Strategy::WellKnown, "").await else {
        return;
    };
    let challenges = s._dir.path().join("letsencrypt/.well-known/acme-challenge");
    std::fs::create_dir_all(&challenges).expect("webroot");
    for d in [
        "letsencrypt",
        "letsencrypt/.well-known",
        "letsencrypt/.well-known/acme-challenge",
    ] {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            s._dir.path().join(d),
            std::fs::Permissions::from_mode(0o755),
        )
        .expect("webroot permissions");
    }
    std::fs::write(challenges.join(TOKEN), format!("{TOKEN}.thumbprint")).expect("token");
    for name in cert_names(&s.plan) {
        let resp = s
            .get_plain(&name, &format!("/.well-known/acme-challenge/{TOKEN}"))
            .await;
        assert_eq!(resp.status(), 200, "{proxy} {name}");
        assert_eq!(
            resp.text().await.expect("body"),
            format!("{TOKEN}.thumbprint")
        );
        s.assert_redirects(&name).await;
    }
    // Negative control: a token that is not there is not made up.
    let resp = s
        .get_plain(&s.plan.host_str(), "/.well-known/acme-challenge/absent")
        .await;
    assert_eq!(resp.status(), 404, "{proxy}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_answers_the_acme_challenge_on_port_80() {
    acme_challenge_from_the_webroot(Proxy::Nginx).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apache_answers_the_acme_challenge_on_port_80() {
    acme_challenge_from_the_webroot(Proxy::Apache).await;
}

/// HAProxy cannot serve files: its port-80 frontend passes the challenge
/// path to certbot's standalone server on 127.0.0.1 (a stand-in here that
/// echoes the path it got) and redirects the rest to https.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn haproxy_routes_the_acme_challenge_to_the_standalone_port() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("standalone stand-in");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let n = conn.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]).to_string();
                let path = head.split(' ').nth(1).unwrap_or("").to_string();
                let body = format!("standalone {path}");
                let _ = conn
                    .write_all(
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        )
                        .as_bytes(),
                    )
                    .await;
            });
        }
    });
    let standalone = format!(
        "127.0.0.1:{}",
        matrix_delegate::domain::acme::STANDALONE_PORT
    );
    let moved = |text: &str| {
        assert!(text.contains(&standalone), "{text}");
        text.replace(&standalone, &addr.to_string())
    };
    let Some(s) = serve_changed(Proxy::Haproxy, Strategy::WellKnown, "", |_| {}, moved).await
    else {
        return;
    };
    for name in cert_names(&s.plan) {
        let path = format!("/.well-known/acme-challenge/{TOKEN}");
        let resp = s.get_plain(&name, &path).await;
        assert_eq!(resp.status(), 200, "{name}");
        assert_eq!(
            resp.text().await.expect("body"),
            format!("standalone {path}")
        );
        s.assert_redirects(&name).await;
    }
}
