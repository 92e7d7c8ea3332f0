//! One HTTPS exchange with reqwest, connected exactly where we decide.
//!
//! How the address, SNI and `Host` header are controlled:
//! the port is kept out of the URL reqwest sees and put into a `resolve`
//! override for the host instead (reqwest prefers a URL port over the
//! override), the `Host` header is set explicitly, and every address passes
//! through the dial map first. IP-literal hosts cannot go through reqwest's
//! resolver, so they travel under a placeholder name with SNI switched off
//! and the certificate verified for the IP itself.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::dns::{Name, Resolve, Resolving};
use rustls::ClientConfig;
use tokio::sync::OwnedSemaphorePermit;

use crate::observe::{
    AddressLookup, BodyEnd, Exchange, FetchFailure, Hop, LocalProblem, Method, TimeoutPhase,
};
use crate::probe::fetch::{HopTarget, later};
use crate::probe::net::Net;
use crate::probe::tls::error::{find_io_kind, find_rustls_error, tls_error_kind};
use crate::probe::trust::{PinnedNameVerifier, provider, server_name_for};

/// Stands in for IP-literal hosts inside reqwest; never sent anywhere (SNI
/// is off for those connections and `.invalid` never resolves, RFC 6761).
const IP_PLACEHOLDER: &str = "ip-literal.matrix-delegate.invalid";

/// How much longer than the connect timeout the header wait may run, so a
/// connect timeout is reported as such rather than racing the outer timer.
const PHASE_GRACE: Duration = Duration::from_millis(250);

const USER_AGENT: &str = concat!("matrix-delegate/", env!("CARGO_PKG_VERSION"));

pub(crate) struct HopRequest<'a> {
    pub target: &'a HopTarget,
    pub method: Method,
    pub connect_to: Option<SocketAddr>,
    pub host_header: &'a str,
    pub headers: &'a [(String, String)],
    pub deadline: Instant,
}

/// Refuses every lookup: reqwest only ever sees hosts that have an override.
struct NoSystemDns;

impl Resolve for NoSystemDns {
    fn resolve(&self, name: Name) -> Resolving {
        let msg = format!("no address decided for {}", name.as_str());
        Box::pin(async move { Err(msg.into()) })
    }
}

/// A response, and the slot at its address (held until its body is read).
pub(crate) type Exchanged = (Hop, reqwest::Response, Option<OwnedSemaphorePermit>);

/// One request and its response headers (the body is read by the caller),
/// or why there is no response.
pub(crate) async fn exchange(net: &Net, req: HopRequest<'_>) -> Result<Exchanged, FetchFailure> {
    let target = req.target;
    let url_text = target.url.to_string();
    let candidates = candidates(net, &req).await.map_err(FetchFailure::Dns)?;
    // No socket to an address the rule on private addresses refuses.
    let (candidates, refused) = net.permitted(&candidates);
    if candidates.is_empty() {
        return Err(FetchFailure::RefusedAddress { addresses: refused });
    }
    // A pinned address holds its slot already (the fetch took it); a
    // looked-up host waits for one at the address tried first.
    let at_address = match (req.connect_to, candidates.first()) {
        (None, Some(first)) => net.address_slot(*first).await,
        _ => None,
    };
    let opts = net.options();
    let real: Vec<SocketAddr> = candidates.iter().map(|a| opts.dial(*a)).collect();
    let single = match candidates.as_slice() {
        [only] => Some(*only),
        _ => None,
    };

    let (reqwest_host, sni) = match target.ip {
        Some(_) => (IP_PLACEHOLDER.to_string(), None),
        None => (target.host.to_ascii_lowercase(), Some(target.host.clone())),
    };
    // A plain-http hop (allowed by the request) has no TLS and so no SNI.
    let sni = sni.filter(|_| target.url.scheme() == "https");
    let config =
        tls_config(net, &target.host, target.ip.is_none()).map_err(FetchFailure::InvalidRequest)?;
    let mut url = target.url.clone();
    // Neither can fail for an http(s) URL with a host.
    let _ = url.set_port(None);
    if target.ip.is_some() {
        let _ = url.set_host(Some(IP_PLACEHOLDER));
    }

    let remaining = req.deadline.saturating_duration_since(Instant::now());
    let client = reqwest::Client::builder()
        .tls_backend_preconfigured(config)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .http1_only()
        .connect_timeout(remaining)
        .pool_max_idle_per_host(0)
        .dns_resolver(Arc::new(NoSystemDns))
        .resolve_to_addrs(&reqwest_host, &real)
        .user_agent(USER_AGENT)
        .build()
        .map_err(|e| FetchFailure::InvalidRequest(chain_text(&e)))?;
    let method = match req.method {
        Method::Get => reqwest::Method::GET,
        Method::Options => reqwest::Method::OPTIONS,
    };
    let mut builder = client
        .request(method, url)
        .header(reqwest::header::HOST, req.host_header);
    for (name, value) in req.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let sent = Instant::now();
    let response = match tokio::time::timeout_at(
        later(req.deadline, PHASE_GRACE).into(),
        builder.send(),
    )
    .await
    {
        Err(_) => return Err(FetchFailure::Timeout(TimeoutPhase::Headers)),
        Ok(Err(e)) => return Err(classify(&e, single)),
        Ok(Ok(r)) => r,
    };
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let hop = Hop {
        url: url_text,
        status: response.status().as_u16(),
        headers,
        exchange: Exchange {
            host_header: req.host_header.to_string(),
            sni,
            connected_to: response.remote_addr().map(|r| {
                candidates
                    .iter()
                    .find(|c| opts.dial(**c) == r)
                    .copied()
                    .unwrap_or_else(|| opts.logical(r))
            }),
            candidates,
            elapsed: sent.elapsed(),
        },
    };
    Ok((hop, response, at_address))
}

/// The logical addresses to try: the pinned one, a `--resolve` override, the
/// IP literal itself, or what DNS says (IPv4 first).
async fn candidates(
    net: &Net,
    req: &HopRequest<'_>,
) -> Result<Vec<SocketAddr>, Box<AddressLookup>> {
    let t = req.target;
    if let Some(addr) = req.connect_to {
        return Ok(vec![addr]);
    }
    if let Some(addrs) = net.options().resolve_override(&t.host, t.port) {
        return Ok(addrs);
    }
    if let Some(ip) = t.ip {
        return Ok(vec![SocketAddr::new(ip, t.port)]);
    }
    let lookup = net.dns().addresses_until(&t.host, req.deadline).await;
    let ips = lookup.addresses();
    if ips.is_empty() {
        return Err(Box::new(lookup));
    }
    Ok(ips
        .into_iter()
        .map(|ip| SocketAddr::new(ip, t.port))
        .collect())
}

fn tls_config(net: &Net, host: &str, sni: bool) -> Result<ClientConfig, String> {
    let name = server_name_for(host)?;
    let verifier = Arc::new(PinnedNameVerifier::new(net.webpki(), name));
    let mut config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.enable_sni = sni;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// What a failed request tells: typed from the error itself (the rustls
/// error inside, the I/O error kind), never from its text.
fn classify(e: &reqwest::Error, address: Option<SocketAddr>) -> FetchFailure {
    let detail = chain_text(e);
    // Out of file descriptors, buffers or ports here: nothing was asked.
    if let Some(problem) = LocalProblem::in_chain(e) {
        return FetchFailure::Local { problem, address };
    }
    if e.is_builder() {
        return FetchFailure::InvalidRequest(detail);
    }
    if let Some(tls) = find_rustls_error(e) {
        return FetchFailure::Tls {
            kind: tls_error_kind(tls),
            address,
        };
    }
    if e.is_timeout() {
        let phase = if e.is_connect() {
            TimeoutPhase::Connect
        } else {
            TimeoutPhase::Headers
        };
        return FetchFailure::Timeout(phase);
    }
    match find_io_kind(e) {
        Some(std::io::ErrorKind::ConnectionRefused) => FetchFailure::Refused { address },
        Some(std::io::ErrorKind::TimedOut) => FetchFailure::Timeout(TimeoutPhase::Connect),
        _ if e.is_connect() => FetchFailure::Connect { detail, address },
        _ => FetchFailure::Http(detail),
    }
}

/// An error and its causes, joined, without the URL (which for IP literals
/// would show the placeholder), repeats, or reqwest's and hyper's generic
/// wrappers ("error sending request", "client error (Connect)").
pub(crate) fn chain_text(e: &reqwest::Error) -> String {
    let top = e.to_string();
    let top = top
        .split_once(" for url (")
        .map_or(top.as_str(), |(head, _)| head)
        .to_string();
    let mut parts: Vec<String> = Vec::new();
    let mut next: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    let mut all = vec![top.clone()];
    while let Some(s) = next {
        all.push(s.to_string());
        next = s.source();
        if all.len() > 8 {
            break;
        }
    }
    for text in all {
        let generic = text == "error sending request"
            || text == "error decoding response body"
            || text.starts_with("client error (");
        if !generic && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    if parts.is_empty() {
        return top;
    }
    parts.join(": ")
}

/// Reads a body up to `cap` bytes, stopping at the deadline: the bytes,
/// and how reading ended.
pub(crate) async fn read_body(
    mut response: reqwest::Response,
    cap: usize,
    deadline: Instant,
) -> (Vec<u8>, BodyEnd) {
    let mut bytes = Vec::new();
    let end = loop {
        match tokio::time::timeout_at(deadline.into(), response.chunk()).await {
            Err(_) => break BodyEnd::TimedOut,
            Ok(Ok(None)) => break BodyEnd::Complete,
            Ok(Ok(Some(chunk))) => {
                let room = cap.saturating_sub(bytes.len());
                if chunk.len() > room {
                    bytes.extend_from_slice(&chunk[..room]);
                    break BodyEnd::OverCap;
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(Err(e)) => break BodyEnd::Broken(chain_text(&e)),
        }
    };
    (bytes, end)
}
