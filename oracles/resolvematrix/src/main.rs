//! The Continuwuity oracle: the `resolvematrix` crate resolves a server name
//! and its federation client (the one the crate builds, with its own DNS
//! override) fetches `/_matrix/federation/v1/version` and
//! `/_matrix/key/v2/server`, as Continuwuity does. One JSON object on stdout
//! says what happened.
//!
//! Usage: `matrix-delegate-resolvematrix-oracle SERVER_NAME --ca-file CA.pem [--timeout SECONDS]`
//!
//! The crate reads the system resolver configuration; the test suite runs
//! this in a private mount namespace whose `/etc/resolv.conf` names the
//! simulated DNS server. The simulation's CA is the only trusted root, given
//! to both HTTP clients (the well-known one and the federation one) through
//! their builders. What Continuwuity sets when it builds the crate is set
//! here too: its well-known client's redirect limit (4) and its DNS
//! resolver's lookup strategy (`Ipv4thenIpv6`); everything else is the
//! crate's default.

use std::sync::Arc;
use std::time::Duration;

use resolvematrix::server::MatrixResolverBuilder;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use serde_json::{Value, json};

struct Args {
    server_name: String,
    ca_file: String,
    timeout: Duration,
}

fn args() -> Result<Args, String> {
    let mut server_name = None;
    let mut ca_file = None;
    let mut timeout = Duration::from_secs(10);
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--ca-file" => ca_file = it.next(),
            "--timeout" => {
                let secs: f64 = it
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or("--timeout needs seconds")?;
                timeout = Duration::from_secs_f64(secs);
            }
            _ if server_name.is_none() => server_name = Some(arg),
            other => return Err(format!("unexpected argument {other}")),
        }
    }
    Ok(Args {
        server_name: server_name.ok_or("usage: SERVER_NAME --ca-file CA.pem")?,
        ca_file: ca_file.ok_or("--ca-file is required")?,
        timeout,
    })
}

/// A rustls configuration trusting only the simulation's CA, with the ring
/// provider that the crate's default feature selects (deprecated upstream
/// only for lacking post-quantum key exchange, which no peer here needs).
#[allow(deprecated)]
fn tls_config(ca_file: &str) -> Result<rustls::ClientConfig, String> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca_file).map_err(|e| format!("{ca_file}: {e}"))? {
        roots
            .add(cert.map_err(|e| format!("{ca_file}: {e}"))?)
            .map_err(|e| format!("{ca_file}: {e}"))?;
    }
    Ok(rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| e.to_string())?
    .with_root_certificates(roots)
    .with_no_client_auth())
}

/// The full error chain: reqwest hides the cause (DNS, TLS, refused) in
/// its sources.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[allow(deprecated)]
fn install_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

async fn run(args: &Args) -> Result<Value, String> {
    install_provider();
    let tls = tls_config(&args.ca_file)?;
    // As Continuwuity builds its well-known client (`service/client`):
    // at most 4 redirects.
    let well_known_client = reqwest::Client::builder()
        .tls_backend_preconfigured(tls.clone())
        .timeout(args.timeout)
        .redirect(reqwest::redirect::Policy::limited(4))
        .build()
        .map_err(|e| chain(&e))?;
    // Continuwuity hands resolvematrix its own DNS resolver, built from the
    // system configuration with its `ip_lookup_strategy` (default 5:
    // `Ipv4thenIpv6`, A records and AAAA only when there are none); the
    // crate's own default resolver would ask for both and try AAAA first.
    let mut dns = hickory_resolver::Resolver::builder_tokio().map_err(|e| chain(&e))?;
    dns.options_mut().ip_strategy = hickory_resolver::config::LookupIpStrategy::Ipv4thenIpv6;
    let dns = Arc::new(dns.build().map_err(|e| chain(&e))?);
    let resolver = Arc::new(
        MatrixResolverBuilder::new()
            .http_client(well_known_client)
            .dns_resolver(dns)
            .build()
            .map_err(|e| chain(&e))?,
    );
    let resolution = match resolver.resolve_server(&args.server_name).await {
        Ok(resolution) => resolution,
        Err(e) => {
            return Ok(json!({
                "resolution": null,
                "resolution_error": {"type": format!("{e:?}").split(['(', ' ', '{']).next().unwrap_or("Error"), "text": chain(&e)},
                "requests": [],
                "ok": false,
            }));
        }
    };
    let client = resolver
        .create_client_with_builder(
            reqwest::Client::builder()
                .tls_backend_preconfigured(tls)
                .timeout(args.timeout),
        )
        .map_err(|e| chain(&e))?;
    let base_url = resolution.base_url();
    let mut requests = Vec::new();
    let mut keys_server_name = None;
    let mut all_ok = true;
    for path in ["/_matrix/federation/v1/version", "/_matrix/key/v2/server"] {
        let url = format!("{base_url}{path}");
        let entry = match client.get(&url).send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let body = response.bytes().await.map_err(|e| chain(&e));
                let parsed: Option<Value> = body
                    .as_ref()
                    .ok()
                    .and_then(|b| serde_json::from_slice(b).ok());
                if path.starts_with("/_matrix/key") {
                    keys_server_name = parsed
                        .as_ref()
                        .and_then(|v| v.get("server_name"))
                        .and_then(Value::as_str)
                        .map(str::to_string);
                }
                all_ok &= status == 200;
                json!({"path": path, "url": url, "ok": true, "status": status,
                       "json": parsed.filter(|_| body.as_ref().is_ok_and(|b| b.len() < 65536))})
            }
            Err(e) => {
                all_ok = false;
                json!({"path": path, "url": url, "ok": false,
                       "failure": {"type": kind_of(&e), "text": chain(&e)}})
            }
        };
        requests.push(entry);
    }
    let ok = all_ok && keys_server_name.as_deref() == Some(args.server_name.as_str());
    Ok(json!({
        "resolution": serde_json::to_value(&resolution).map_err(|e| e.to_string())?,
        "base_url": base_url,
        "sni_host": resolution.host,
        "requests": requests,
        "keys_server_name": keys_server_name,
        "ok": ok,
    }))
}

fn kind_of(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else if e.is_request() {
        "request"
    } else if e.is_body() || e.is_decode() {
        "body"
    } else {
        "other"
    }
}

#[tokio::main]
async fn main() {
    let mut out = json!({
        "oracle": "resolvematrix",
        "implementation": "resolvematrix 1.4.0 (Continuwuity's resolver) with its federation client",
    });
    let code = match args() {
        Ok(args) => {
            out["server_name"] = json!(args.server_name);
            match run(&args).await {
                Ok(Value::Object(fields)) => {
                    for (k, v) in fields {
                        out[k] = v;
                    }
                    0
                }
                Ok(_) => 2,
                Err(e) => {
                    out["driver_error"] = json!({"type": "setup", "text": e});
                    2
                }
            }
        }
        Err(e) => {
            out["driver_error"] = json!({"type": "usage", "text": e});
            2
        }
    };
    println!("{out}");
    std::process::exit(code);
}
