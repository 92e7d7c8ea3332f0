//! The four oracles: where each driver lives, what it needs, how it is run.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use matrix_delegate::sim::Scenario;
use matrix_delegate::sim::scenario::{OneOrMany, ServerSpec};
use serde_json::Value;

use super::{OracleRun, World};

/// The web client's origin (Element Web's place in the simulation).
pub const APP_HOST: &str = "app.example.net";
pub const APP_ADDRESS: &str = "127.0.0.250:443";
/// Where the page reports its outcome: the simulation logs the request
/// target, and the test reads the result back from the log.
const RESULT_PATH: &str = "/oracle-result";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Oracle {
    Synapse,
    Resolvematrix,
    JsSdk,
    Chromium,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Where `scripts/oracles-setup` puts what the oracles need.
pub fn oracle_dir() -> PathBuf {
    std::env::var_os("ORACLE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target").join("oracles"))
}

pub fn synapse_python() -> PathBuf {
    oracle_dir().join("venv").join("bin").join("python")
}

fn resolvematrix_binary() -> PathBuf {
    oracle_dir()
        .join("release")
        .join("matrix-delegate-resolvematrix-oracle")
}

fn js_dir() -> PathBuf {
    root().join("oracles").join("js")
}

fn program_runs(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success())
}

impl Oracle {
    pub const ALL: [Oracle; 4] = [
        Oracle::Synapse,
        Oracle::Resolvematrix,
        Oracle::JsSdk,
        Oracle::Chromium,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Oracle::Synapse => "synapse",
            Oracle::Resolvematrix => "resolvematrix",
            Oracle::JsSdk => "matrix-js-sdk",
            Oracle::Chromium => "chromium",
        }
    }

    /// Federation oracles resolve and fetch; client oracles discover.
    pub fn is_federation(self) -> bool {
        matches!(self, Oracle::Synapse | Oracle::Resolvematrix)
    }

    /// `Some(reason)` when this oracle cannot run here.
    pub fn missing(self) -> Option<String> {
        let setup = "(run scripts/oracles-setup)";
        match self {
            Oracle::Synapse => (!synapse_python().exists()).then(|| {
                format!(
                    "no Synapse virtualenv at {} {setup}",
                    synapse_python().display()
                )
            }),
            Oracle::Resolvematrix => (!resolvematrix_binary().exists()).then(|| {
                format!(
                    "no resolvematrix helper at {} {setup}",
                    resolvematrix_binary().display()
                )
            }),
            Oracle::JsSdk => {
                if !program_runs("node", "--version") {
                    Some("node is not installed".into())
                } else if !js_dir().join("node_modules").join("matrix-js-sdk").exists() {
                    Some(format!(
                        "matrix-js-sdk is not installed in {} {setup}",
                        js_dir().display()
                    ))
                } else {
                    None
                }
            }
            Oracle::Chromium => {
                if !program_runs("chromium", "--version") {
                    Some("chromium is not installed".into())
                } else if !program_runs("certutil", "-H")
                    && !Path::new("/usr/bin/certutil").exists()
                {
                    Some("certutil (libnss3-tools) is not installed".into())
                } else {
                    None
                }
            }
        }
    }

    pub fn run(self, world: &World, scenario: &Scenario) -> OracleRun {
        let name = scenario.server_name.clone();
        let ca = world.ca_file.display().to_string();
        match self {
            Oracle::Synapse => world.run(
                self,
                &synapse_python(),
                &[
                    root()
                        .join("oracles/synapse/driver.py")
                        .display()
                        .to_string(),
                    name,
                    "--ca-file".into(),
                    ca,
                    "--timeout".into(),
                    "6".into(),
                ],
                &[("PYTHONDONTWRITEBYTECODE", "1".into())],
                Duration::from_secs(40),
                None,
            ),
            Oracle::Resolvematrix => world.run(
                self,
                &resolvematrix_binary(),
                &[name, "--ca-file".into(), ca, "--timeout".into(), "6".into()],
                &[],
                Duration::from_secs(40),
                None,
            ),
            Oracle::JsSdk => world.run(
                self,
                Path::new("node"),
                &[js_dir().join("discover.mjs").display().to_string(), name],
                &[("NODE_EXTRA_CA_CERTS", ca)],
                Duration::from_secs(40),
                None,
            ),
            Oracle::Chromium => chromium(world, &name, true, Duration::from_secs(40)),
        }
    }
}

/// The page's origin: one more HTTPS server, with a name of its own, that
/// serves the page (`oracles/chromium/page.html`) and takes its report.
pub fn add_app_origin(scenario: &mut Scenario) {
    let address: SocketAddr = APP_ADDRESS.parse().expect("a socket address");
    scenario
        .hosts
        .insert(APP_HOST.into(), OneOrMany::One(address.ip()));
    let page = std::fs::read_to_string(root().join("oracles/chromium/page.html"))
        .expect("oracles/chromium/page.html");
    let route = |path: &str, body: &str, content_type: &str, prefix: bool| -> toml::Value {
        let mut headers = toml::Table::new();
        headers.insert("Content-Type".into(), content_type.into());
        headers.insert("Cache-Control".into(), "no-store".into());
        let mut route = toml::Table::new();
        route.insert("path".into(), path.into());
        route.insert(
            "match".into(),
            if prefix { "prefix" } else { "exact" }.into(),
        );
        route.insert("body".into(), body.into());
        route.insert("headers".into(), headers.into());
        route.into()
    };
    let mut cert = toml::Table::new();
    cert.insert("names".into(), vec![toml::Value::from(APP_HOST)].into());
    let mut server = toml::Table::new();
    server.insert("address".into(), APP_ADDRESS.into());
    server.insert("certs".into(), vec![toml::Value::from(cert)].into());
    server.insert(
        "route".into(),
        vec![
            route("/oracle.html", &page, "text/html; charset=utf-8", false),
            route(RESULT_PATH, "recorded", "text/plain", true),
        ]
        .into(),
    );
    let server: ServerSpec = toml::Value::from(server)
        .try_into()
        .expect("the app origin is a valid server");
    scenario.servers.push(server);
}

/// Headless Chromium loads the page from the app origin; the page fetches
/// the client file and `/_matrix/client/versions` (with `Authorization`)
/// and reports to `/oracle-result?<base64url JSON>`. The simulation's CA
/// goes into the profile's NSS database (`$HOME/.pki/nssdb`, where Chromium
/// on Linux reads locally trusted roots) only with `trust_ca`.
pub fn chromium(world: &World, server_name: &str, trust_ca: bool, limit: Duration) -> OracleRun {
    let home = world.dir.path().join("home");
    let nssdb = home.join(".pki").join("nssdb");
    let profile = world.dir.path().join("chromium-profile");
    // Chromium keeps its singleton socket in a folder of its own under the
    // temporary folder and leaves it behind when it is stopped: one per
    // run in /tmp otherwise.
    let tmp = world.dir.path().join("tmp");
    let _ = std::fs::create_dir_all(&nssdb);
    let _ = std::fs::create_dir_all(&profile);
    let _ = std::fs::create_dir_all(&tmp);
    let db = format!("sql:{}", nssdb.display());
    let created = Command::new("certutil")
        .args(["-N", "--empty-password", "-d", &db])
        .output()
        .is_ok_and(|o| o.status.success());
    let trusted = created
        && trust_ca
        && Command::new("certutil")
            .args(["-A", "-n", "simulated-internet-ca", "-t", "C,,", "-i"])
            .arg(&world.ca_file)
            .args(["-d", &db])
            .output()
            .is_ok_and(|o| o.status.success());
    let url = format!(
        "https://{APP_HOST}/oracle.html?server_name={}",
        url_escape(server_name)
    );
    let mut run = world.run(
        Oracle::Chromium,
        Path::new("chromium"),
        &[
            "--headless".into(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--no-default-browser-check".into(),
            "--disable-extensions".into(),
            // Its own services (updates, accounts) would still ask for their
            // names; only the documentation domains (and loopback literals,
            // which the rules would otherwise refuse too) reach the resolver,
            // which is the simulation's.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE example.com, EXCLUDE *.example.com, \
             EXCLUDE example.net, EXCLUDE *.example.net, EXCLUDE example.org, EXCLUDE *.example.org, \
             EXCLUDE 127.*, EXCLUDE ::1"
                .into(),
            "--enable-logging=stderr".into(),
            "--v=0".into(),
            format!("--user-data-dir={}", profile.display()),
            url,
        ],
        &[
            ("HOME", home.display().to_string()),
            ("TMPDIR", tmp.display().to_string()),
        ],
        limit,
        Some(&|target: &str| target.starts_with(&format!("{RESULT_PATH}?"))),
    );
    let report = run
        .requests
        .iter()
        .find_map(|r| r.target.strip_prefix(&format!("{RESULT_PATH}?")))
        .and_then(|encoded| URL_SAFE_NO_PAD.decode(encoded).ok())
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok());
    run.output = report.map(|mut v| {
        if let Some(obj) = v.as_object_mut() {
            obj.insert("ca_trusted_in_nss_db".into(), Value::Bool(trusted));
            obj.insert("console".into(), Value::String(console_lines(&run.stderr)));
        }
        v
    });
    run
}

/// The browser's console errors about CORS from its log (the page itself
/// only sees "Failed to fetch").
fn console_lines(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|l| l.contains("CORS") || l.contains("Access-Control") || l.contains("net::ERR"))
        .map(|l| l.split_once("] ").map_or(l, |(_, rest)| rest))
        .collect::<Vec<_>>()
        .join("\n")
}

fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
