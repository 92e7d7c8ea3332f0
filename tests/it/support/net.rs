//! The small world both fetcher test files run against.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use matrix_delegate::observe::{Exchange, FetchFailure, HttpObservation};
use matrix_delegate::probe::*;
use matrix_delegate::sim::{Scenario, Sim};

pub fn scenario() -> String {
    let mut toml = String::from(
        r#"
name = "fetch-test"
description = "fetch behaviours"
server_name = "example.com"

[hosts]
"fetch.example.com" = "127.0.0.20"
"elsewhere.example.com" = "127.0.0.99"
"other.example.com" = "127.0.0.21"
"expired.example.com" = "127.0.0.22"
"wrongname.example.com" = "127.0.0.23"
"unknownca.example.com" = "127.0.0.24"
"blackhole.example.com" = "127.0.0.25"
"refused.example.com" = "127.0.0.26"
"nothttp.example.com" = "127.0.0.27"

[[server]]
address = "127.0.0.21:443"
certs = [{ names = ["other.example.com"] }]
[[server.route]]
path = "/final"
json = { done = true }
headers = { "Access-Control-Allow-Origin" = "*" }
[[server.route]]
path = "/to-http"
redirect = "http://other.example.com/final"

[[server]]
address = "127.0.0.22:443"
certs = [{ names = ["expired.example.com"], kind = "expired" }]
[[server]]
address = "127.0.0.23:443"
certs = [{ names = ["somebody-else.example.net"] }]
[[server]]
address = "127.0.0.24:443"
certs = [{ names = ["unknownca.example.com"], kind = "unknown-ca" }]
[[server]]
address = "127.0.0.25:443"
mode = "blackhole"
[[server]]
address = "127.0.0.27:443"
mode = "not-http"
certs = [{ names = ["nothttp.example.com"] }]

[[server]]
address = "127.0.0.40:8448"
certs = [{ names = ["127.0.0.40"] }]
[[server.route]]
path = "/plain"
json = { ip = true }
[[server]]
address = "127.0.0.41:8448"
certs = [{ names = ["fetch.example.com"] }]
"#,
    );
    let routes = r#"
[[server.route]]
path = "/plain"
json = { "m.server" = "matrix.example.com:443" }
headers = { "Access-Control-Allow-Origin" = "*", "Cache-Control" = "max-age=600" }
[[server.route]]
path = "/redirect1"
redirect = "/redirect2"
status = 302
headers = { "Access-Control-Allow-Origin" = "*" }
[[server.route]]
path = "/redirect2"
redirect = "https://other.example.com/final"
[[server.route]]
path = "/loop-a"
redirect = "/loop-b"
status = 302
[[server.route]]
path = "/loop-b"
redirect = "https://fetch.example.com/loop-a"
status = 307
[[server.route]]
path = "/no-location"
status = 302
[[server.route]]
path = "/huge"
huge_body = 10485760
[[server.route]]
path = "/slow"
slow_body = { chunk = 1, interval_ms = 100, total = 100 }
[[server.route]]
path = "/utf8"
body_base64 = "eyJhIjoi/yJ9"
headers = { "Content-Type" = "application/json" }
[[server.route]]
path = "/late"
delay_ms = 3000
body = "too late"
"#;
    for addr in ["127.0.0.20:443", "127.0.0.20:8448"] {
        toml.push_str(&format!(
            "[[server]]\naddress = \"{addr}\"\ncerts = [{{ names = [\"fetch.example.com\", \"elsewhere.example.com\"] }}]\n{routes}"
        ));
        for i in 0..12 {
            toml.push_str(&format!(
                "[[server.route]]\npath = \"/r{i}\"\nredirect = \"/r{}\"\n",
                i + 1
            ));
        }
    }
    toml
}

pub async fn start(timeout_ms: u64) -> (Sim, Net) {
    let scenario = Scenario::from_toml(&scenario()).expect("test scenario parses");
    let sim = Sim::start(&scenario).await.expect("sim starts");
    let mut opts = sim.net_options();
    opts.timeout = Duration::from_millis(timeout_ms);
    let net = Net::new(opts).expect("network layer sets up");
    (sim, net)
}

pub fn addr(s: &str) -> SocketAddr {
    s.parse().expect("test address")
}

pub fn failure(obs: &HttpObservation) -> Option<&FetchFailure> {
    obs.error.as_ref()
}

/// How the request of the final response went out (panics, showing the
/// observation, when there is no response).
pub fn exchange(obs: &HttpObservation) -> &Exchange {
    obs.exchange
        .as_ref()
        .unwrap_or_else(|| panic!("no response: {obs:#?}"))
}
