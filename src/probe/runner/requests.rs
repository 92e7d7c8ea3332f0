//! The exact requests the checks send, in one place: what the spec says a
//! remote server or a client sends (Host header, SNI, Origin, preflight
//! headers, body caps, redirects followed or not).

use std::net::{IpAddr, SocketAddr};

use crate::check::verdict::cors::PROBE_ORIGIN;
use crate::matrix::discovery::Target;
use crate::matrix::peers::FetchPolicy;
use crate::probe::{API_BODY_CAP, FetchRequest, TlsTarget};

/// `GET /.well-known/matrix/server` (and `support`): redirects followed,
/// 50 KiB cap, like Synapse (server-server API, "Resolving server names", step 3).
pub(crate) fn well_known(url: &str) -> FetchRequest {
    FetchRequest::get(url)
}

/// `GET /.well-known/matrix/server` as wide as any modelled peer fetches
/// it ([`FetchPolicy::WIDEST`]): up to 20 redirects, a redirect to plain
/// http followed (and recorded), 256 KiB; each peer's answer is then cut
/// from it by its own rules.
pub(crate) fn well_known_as_peers(url: &str) -> FetchRequest {
    let wide = FetchPolicy::WIDEST;
    FetchRequest::get(url)
        .max_redirects(wide.max_redirects)
        .allow_plain_http(wide.follows_https_to_http)
        .body_cap(wide.body_cap)
}

/// A `GET` a web client makes: with `Origin`, redirects followed
/// (client-server API, "Web Browser Clients").
pub(crate) fn browser_get(url: &str) -> FetchRequest {
    FetchRequest::get(url).header("Origin", PROBE_ORIGIN)
}

/// A CORS preflight: `OPTIONS` with `Origin` and
/// `Access-Control-Request-Method: GET` (and the request headers the real
/// request will carry). Browsers never follow redirects on a preflight.
pub(crate) fn preflight(url: &str, request_headers: Option<&str>) -> FetchRequest {
    let req = FetchRequest::options(url)
        .header("Origin", PROBE_ORIGIN)
        .header("Access-Control-Request-Method", "GET")
        .follow_redirects(false);
    match request_headers {
        Some(h) => req.header("Access-Control-Request-Headers", h),
        None => req,
    }
}

/// The host a federation request's URL names: the SNI (and certificate
/// name) for host names; the IP literal, bracketed for IPv6, otherwise —
/// the fetcher then sends no SNI and verifies the certificate for the IP.
fn url_host(target: &Target) -> String {
    match (&target.sni, target.cert_name.parse::<IpAddr>()) {
        (Some(sni), _) => sni.clone(),
        (None, Ok(IpAddr::V6(v6))) => format!("[{v6}]"),
        (None, _) => target.cert_name.clone(),
    }
}

/// A federation request to one resolved address, as a remote homeserver
/// sends it: connected to `addr`, with the target's `Host` header and SNI,
/// no redirects followed (server-server API, "Resolving server names").
pub(crate) fn federation(
    addr: SocketAddr,
    target: &Target,
    path: &str,
    cap: usize,
) -> FetchRequest {
    FetchRequest::get(format!("https://{}{path}", url_host(target)))
        .connect_to(addr)
        .host_header(target.host_header.clone())
        .follow_redirects(false)
        .body_cap(cap)
}

/// The key request: 1 MiB cap.
pub(crate) fn keys(addr: SocketAddr, target: &Target) -> FetchRequest {
    federation(
        addr,
        target,
        crate::check::verdict::keys::PATH,
        API_BODY_CAP,
    )
}

/// The TLS handshake a remote server makes with this address.
pub(crate) fn tls(addr: SocketAddr, target: &Target) -> TlsTarget {
    TlsTarget {
        address: addr,
        sni: target.sni.clone(),
        required_name: target.cert_name.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(sni: Option<&str>, cert: &str, header: &str) -> Target {
        Target {
            connect_host: cert.into(),
            port: 8448,
            host_header: header.into(),
            sni: sni.map(str::to_string),
            cert_name: cert.into(),
            srv: None,
            addresses: vec![],
            lookup_failure: None,
            cname: None,
        }
    }

    #[test]
    fn federation_requests_carry_host_and_sni_of_the_target() {
        let addr: SocketAddr = "127.0.0.11:8448".parse().expect("addr");
        let t = target(
            Some("matrix.example.com"),
            "matrix.example.com",
            "matrix.example.com",
        );
        let r = federation(addr, &t, "/x", 10);
        assert_eq!(r.url, "https://matrix.example.com/x");
        assert_eq!(r.host_header.as_deref(), Some("matrix.example.com"));
        assert_eq!(r.connect_to, Some(addr));
        assert!(!r.follow_redirects);
        let v6 = target(None, "::1", "[::1]:8448");
        assert_eq!(federation(addr, &v6, "/x", 10).url, "https://[::1]/x");
        let v4 = target(None, "127.0.0.40", "127.0.0.40");
        assert_eq!(federation(addr, &v4, "/x", 10).url, "https://127.0.0.40/x");
        assert_eq!(tls(addr, &v4).sni, None);
    }

    #[test]
    fn preflights_ask_like_a_browser() {
        let p = preflight("https://example.com/a", Some("authorization"));
        assert!(!p.follow_redirects);
        let names: Vec<&str> = p.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "Origin",
                "Access-Control-Request-Method",
                "Access-Control-Request-Headers"
            ]
        );
    }
}
