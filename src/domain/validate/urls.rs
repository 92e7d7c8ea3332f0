//! Validation of the URL-like answers: the client base URL and the address
//! the reverse proxy reaches the homeserver at.

use crate::domain::answers::{Answers, Field};
use crate::domain::server_name::{Host, ServerName};
use crate::domain::validate::{Collector, opt};

pub(super) fn client_url(
    a: &Answers,
    host: &Host,
    name: Option<&ServerName>,
    c: &mut Collector,
) -> Option<String> {
    let Some(text) = opt(&a.client_url) else {
        return Some(format!("https://{host}"));
    };
    let parsed = match url::Url::parse(&text) {
        Ok(u) => u,
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            let host_like = text.trim_start_matches('/');
            c.error(
                Field::ClientUrl,
                format!(
                    "`{text}` is not a full URL: it needs `https://` and a host, e.g. \
                     `https://{}`",
                    if host_like.is_empty() || !host_like.contains('.') {
                        format!("{host}/")
                    } else {
                        host_like.to_string()
                    }
                ),
            );
            return None;
        }
        Err(e) => {
            let hint = if !text.contains("://") {
                format!(" (did you mean `https://{text}`?)")
            } else {
                String::new()
            };
            c.error(
                Field::ClientUrl,
                format!("`{text}` is not a URL: {e}{hint}"),
            );
            return None;
        }
    };
    match parsed.scheme() {
        "https" => {}
        "http" => c.warn(
            Field::ClientUrl,
            "`http://` works only for local testing: web clients served over HTTPS refuse it and \
             passwords travel in clear; use `https://`",
        ),
        other => {
            c.error(
                Field::ClientUrl,
                format!(
                    "the scheme `{other}` is not usable; the client base URL starts with `https://`"
                ),
            );
            return None;
        }
    }
    let Some(url_host) = parsed.host_str() else {
        c.error(Field::ClientUrl, "the URL has no host");
        return None;
    };
    if parsed.query().is_some() || parsed.fragment().is_some() {
        c.error(
            Field::ClientUrl,
            "the client base URL takes no `?query` or `#fragment`",
        );
        return None;
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        c.error(
            Field::ClientUrl,
            "the client base URL must not carry a user name or password",
        );
        return None;
    }
    if parsed.path() != "/" {
        c.warn(
            Field::ClientUrl,
            format!(
                "the path `{}` means clients call `{}/_matrix/...`; Continuwuity answers at the \
                 root, so your proxy must strip that prefix",
                parsed.path(),
                text.trim_end_matches('/')
            ),
        );
    }
    let local = url_host == "localhost"
        || url_host.ends_with(".localhost")
        || url_host.ends_with(".onion")
        || url_host.ends_with(".local")
        || url_host.parse::<std::net::IpAddr>().is_ok_and(is_private);
    if local {
        c.warn(
            Field::ClientUrl,
            format!(
                "`{url_host}` is only reachable from some places: clients that follow \
                 /.well-known/matrix/client will try it from everywhere (the seed's \
                 localhost / VPN / onion caveat)"
            ),
        );
    }
    if name.is_some_and(|n| n.host_str() == url_host) && *host != Host::Dns(url_host.to_string()) {
        c.warn(
            Field::ClientUrl,
            format!(
                "the client base URL points at the base domain `{url_host}`, not at `{host}`; \
                 then the base domain must also proxy /_matrix/client to the homeserver"
            ),
        );
    }
    Some(text)
}

fn is_private(ip: std::net::IpAddr) -> bool {
    match ip {
        std::net::IpAddr::V4(v4) => v4.is_private() || v4.is_loopback() || v4.is_link_local(),
        std::net::IpAddr::V6(v6) => v6.is_loopback() || (v6.segments()[0] & 0xfe00) == 0xfc00,
    }
}

pub(super) fn upstream(a: &Answers, c: &mut Collector) -> Option<String> {
    let text = a.upstream.trim();
    let text = if text.is_empty() {
        crate::domain::answers::DEFAULT_UPSTREAM
    } else {
        text
    };
    if let Some(path) = text.strip_prefix("unix:") {
        return unix_socket(a, path, c).map(|p| format!("unix:{p}"));
    }
    if text.contains("://") {
        c.error(
            Field::Upstream,
            format!("write the homeserver address as `host:port` without a scheme, e.g. `127.0.0.1:8008` (got `{text}`)"),
        );
        return None;
    }
    match ServerName::parse(text) {
        Ok(n) if n.port.is_some() => Some(text.to_string()),
        Ok(_) => {
            c.error(
                Field::Upstream,
                format!(
                    "`{text}` has no port; Continuwuity listens on 8008 by default (`{text}:8008`)"
                ),
            );
            None
        }
        Err(e) => {
            c.error(Field::Upstream, e.to_string());
            None
        }
    }
}

/// `unix:/run/continuwuity/continuwuity.sock`: Continuwuity's
/// `unix_socket_path`. Every proxy but Traefik (which reaches containers
/// over the network) can forward to it.
fn unix_socket<'a>(a: &Answers, path: &'a str, c: &mut Collector) -> Option<&'a str> {
    if !path.starts_with('/') {
        c.error(
            Field::Upstream,
            format!("a unix socket is an absolute path: `unix:/run/continuwuity/continuwuity.sock` (got `unix:{path}`)"),
        );
        return None;
    }
    // Characters that would end the path early in one of the proxies'
    // configuration languages.
    if let Some(bad) = path
        .chars()
        .find(|ch| ch.is_whitespace() || ch.is_control() || "\"';{}|#:$%\\".contains(*ch))
    {
        c.error(
            Field::Upstream,
            format!("the socket path cannot contain `{}`: choose a plain path such as /run/continuwuity/continuwuity.sock", bad.escape_default()),
        );
        return None;
    }
    if a.proxy == crate::domain::Proxy::Traefik {
        c.error(
            Field::Upstream,
            "Traefik reaches the homeserver over the network, not a unix socket: set `address` \
             and `port` in the homeserver's config and give that address here",
        );
        return None;
    }
    Some(path)
}
