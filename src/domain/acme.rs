//! Where certificates come from for each proxy: the one source of the
//! certbot commands, paths and ports that the generated configurations,
//! NEXT-STEPS, `apply`'s certificate step and the check remedies print.
//!
//! Certificates follow certbot's layout, one lineage per name
//! (`/etc/letsencrypt/live/<name>/`), because every generated site reads
//! the files of its own name. The ACME http-01 challenge (RFC 8555 §8.3)
//! is answered on port 80 under `/.well-known/acme-challenge/<token>`.

use super::Proxy;

/// The directory the port-80 blocks of nginx and Apache serve the ACME
/// challenge from: `certbot certonly --webroot -w` writes its tokens under
/// `<dir>/.well-known/acme-challenge/`.
pub const WEBROOT: &str = "/var/www/letsencrypt";

/// The path prefix of the ACME http-01 challenge (RFC 8555 §8.3).
pub const CHALLENGE_PATH: &str = "/.well-known/acme-challenge/";

/// The local port certbot's standalone server listens on behind HAProxy
/// (`--http-01-port`): HAProxy cannot serve files, so its port-80 frontend
/// routes the challenge path to `127.0.0.1:<this>`.
pub const STANDALONE_PORT: u16 = 8402;

/// Where Caddy keeps the certificates it obtains (Debian's package runs it
/// as the `caddy` user with this home).
pub const CADDY_STORAGE: &str = "/var/lib/caddy/.local/share/caddy/certificates/";

/// certbot's directory of the current certificate files for `name`.
pub fn live_dir(name: &str) -> String {
    format!("/etc/letsencrypt/live/{name}")
}

/// The chain file the nginx and Apache configurations name.
pub fn fullchain(name: &str) -> String {
    format!("{}/fullchain.pem", live_dir(name))
}

/// The key file the nginx and Apache configurations name.
pub fn privkey(name: &str) -> String {
    format!("{}/privkey.pem", live_dir(name))
}

/// HAProxy's `crt` file for `name`: the chain followed by the key in one
/// PEM file (HAProxy's configuration manual, `crt`).
pub fn haproxy_pem(name: &str) -> String {
    format!("/etc/haproxy/certs/{name}.pem")
}

/// The name in a certbot path `/etc/letsencrypt/live/<name>/...` or a
/// combined PEM `/etc/haproxy/certs/<name>.pem`.
pub fn certificate_name(path: &str) -> Option<&str> {
    let name = if let Some(rest) = path.strip_prefix("/etc/letsencrypt/live/") {
        rest.split('/').next()
    } else {
        path.strip_prefix("/etc/haproxy/certs/")
            .and_then(|rest| rest.strip_suffix(".pem"))
    };
    name.filter(|n| !n.is_empty() && !n.contains('/'))
}

/// The commands that obtain the certificate for `name` with `proxy`, in
/// the order to run them (without `sudo`; callers that print for a shell
/// add it). Empty for Caddy and Traefik, which obtain their own.
///
/// - nginx, Apache: certbot's plugin for that server, which answers the
///   challenge through the running server (`certonly`: the generated
///   configuration already names the files, so certbot must not edit it).
/// - HAProxy: certbot's standalone server on [`STANDALONE_PORT`], reached
///   through the port-80 frontend, and a deploy hook that builds the
///   combined PEM on every issue and renewal and reloads HAProxy.
/// - a static web server: the webroot way, from its document root.
pub fn certbot(proxy: Proxy, name: &str) -> Vec<String> {
    match proxy {
        Proxy::Nginx => vec![format!("certbot certonly --nginx -d {name}")],
        Proxy::Apache => vec![format!("certbot certonly --apache -d {name}")],
        Proxy::Haproxy => vec![format!(
            "certbot certonly --standalone --http-01-port {STANDALONE_PORT} -d {name} \
             --deploy-hook '{}'",
            combine(name, "$RENEWED_LINEAGE", "&& systemctl reload haproxy")
        )],
        Proxy::Static => vec![format!(
            "certbot certonly --webroot -w /var/www/html -d {name}"
        )],
        Proxy::Caddy | Proxy::Traefik => Vec::new(),
    }
}

/// What to run once before [`certbot`] for any name: HAProxy's folder of
/// combined PEM files, readable by root only (they hold the keys).
pub fn prepare(proxy: Proxy) -> Option<String> {
    match proxy {
        Proxy::Haproxy => Some("install -d -m 700 /etc/haproxy/certs".to_string()),
        _ => None,
    }
}

/// The webroot way for nginx and Apache, once their port-80 block serves
/// [`WEBROOT`]: needs no plugin and leaves the configuration alone.
pub fn certbot_webroot(name: &str) -> String {
    format!("certbot certonly --webroot -w {WEBROOT} -d {name}")
}

/// HAProxy's combined PEM for `name` built by hand from certbot's files
/// (the deploy hook does the same on renewal).
pub fn haproxy_combine(name: &str) -> String {
    format!("sh -c '{}'", combine(name, &live_dir(name), ""))
}

fn combine(name: &str, lineage: &str, then: &str) -> String {
    let cmd = format!(
        "umask 077; cat {lineage}/fullchain.pem {lineage}/privkey.pem > {}",
        haproxy_pem(name)
    );
    if then.is_empty() {
        cmd
    } else {
        format!("{cmd} {then}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_per_proxy() {
        assert_eq!(
            certbot(Proxy::Nginx, "a.b"),
            ["certbot certonly --nginx -d a.b"]
        );
        assert_eq!(
            certbot(Proxy::Apache, "a.b"),
            ["certbot certonly --apache -d a.b"]
        );
        let h = certbot(Proxy::Haproxy, "a.b");
        assert_eq!(h.len(), 1);
        assert_eq!(
            prepare(Proxy::Haproxy).as_deref(),
            Some("install -d -m 700 /etc/haproxy/certs")
        );
        assert_eq!(prepare(Proxy::Nginx), None);
        assert_eq!(
            h[0],
            "certbot certonly --standalone --http-01-port 8402 -d a.b --deploy-hook 'umask 077; \
             cat $RENEWED_LINEAGE/fullchain.pem $RENEWED_LINEAGE/privkey.pem > \
             /etc/haproxy/certs/a.b.pem && systemctl reload haproxy'"
        );
        assert!(certbot(Proxy::Caddy, "a.b").is_empty());
        assert_eq!(
            haproxy_combine("a.b"),
            "sh -c 'umask 077; cat /etc/letsencrypt/live/a.b/fullchain.pem \
             /etc/letsencrypt/live/a.b/privkey.pem > /etc/haproxy/certs/a.b.pem'"
        );
        assert_eq!(
            certbot_webroot("a.b"),
            "certbot certonly --webroot -w /var/www/letsencrypt -d a.b"
        );
    }

    #[test]
    fn names_from_paths() {
        assert_eq!(
            certificate_name("/etc/letsencrypt/live/a.b/privkey.pem"),
            Some("a.b")
        );
        assert_eq!(certificate_name("/etc/haproxy/certs/a.b.pem"), Some("a.b"));
        assert_eq!(certificate_name("/etc/ssl/x.pem"), None);
        assert_eq!(certificate_name("/etc/letsencrypt/live//x"), None);
    }
}
