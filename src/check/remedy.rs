//! Remedies worded for the operator's reverse proxy: the exact lines to add
//! or change. `None` for the proxy gives a proxy-neutral wording.

use crate::domain::{Deployment, Proxy, acme};

/// HAProxy: remembers the request path for the response rules below. A
/// `http-response` rule cannot use `path` (the request is gone by then;
/// HAProxy warns the condition "will never match"), so it tests this
/// variable instead.
const HAPROXY_KEEP_PATH: &str = "http-request set-var(txn.matrix_path) path";

/// HAProxy: the condition "the request was for `/.well-known/matrix/`", as
/// a response rule can test it (after [`HAPROXY_KEEP_PATH`]).
const HAPROXY_IF_WELL_KNOWN: &str = "if { var(txn.matrix_path) -m beg /.well-known/matrix/ }";

/// The name `generate` gives the Traefik router of `host`: lowercase
/// letters and digits, every other run of characters one `-`.
fn traefik_router(host: &str) -> String {
    let mut out = String::new();
    for c in host.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

fn indent(lines: &str) -> String {
    lines
        .lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Adding `Access-Control-Allow-Origin: *` to `/.well-known/matrix/*` on `site`.
pub fn cors_well_known(proxy: Option<Proxy>, site: &str) -> String {
    match proxy {
        // Without `defer` the header is set before `reverse_proxy` copies
        // the homeserver's own one in: two copies, which browsers reject.
        Some(Proxy::Caddy) => format!(
            "In your Caddyfile for {site} add (`defer` sets it after the homeserver answered, \
             so the header goes out once):\n{}",
            indent("header /.well-known/matrix/* {\n\tAccess-Control-Allow-Origin *\n\tdefer\n}")
        ),
        // `add_header` adds a second copy when the location proxies to a
        // homeserver that sends the header itself (Continuwuity does), and
        // browsers reject an answer with two (Fetch standard, CORS check:
        // the header must be exactly one value); `proxy_hide_header` drops
        // the upstream's copy first, and changes nothing for a file nginx
        // serves itself.
        Some(Proxy::Nginx) => format!(
            "In the nginx server block for {site}, inside `location /.well-known/matrix/`, add \
             (the first line drops a copy the homeserver sends, so the header goes out once):\n{}",
            indent(
                "proxy_hide_header Access-Control-Allow-Origin;\nadd_header Access-Control-Allow-Origin \"*\" always;"
            )
        ),
        // `Header always set` writes mod_headers' "always" table; a copy
        // already in the other one (the homeserver's, through a proxy, or
        // another `Header` line) would go out as well, so it is unset first.
        Some(Proxy::Apache) => format!(
            "In the Apache virtual host for {site} (with mod_headers enabled) add (the `unset` \
             drops another copy, so the header goes out once):\n{}",
            indent(
                "<Location \"/.well-known/matrix/\">\n  Header unset Access-Control-Allow-Origin\n  Header always set Access-Control-Allow-Origin \"*\"\n</Location>"
            )
        ),
        Some(Proxy::Haproxy) => format!(
            "In the HAProxy frontend serving {site} add:\n{}",
            indent(&format!(
                "{HAPROXY_KEEP_PATH}\nhttp-response set-header Access-Control-Allow-Origin \"*\" {HAPROXY_IF_WELL_KNOWN}"
            ))
        ),
        Some(Proxy::Traefik) => format!(
            "Add a headers middleware to the router serving {site}'s /.well-known/matrix/ (Docker labels):\n{}",
            indent(&format!(
                "traefik.http.middlewares.matrix-cors.headers.accesscontrolalloworiginlist=*\ntraefik.http.routers.{}.middlewares=matrix-cors",
                traefik_router(site)
            ))
        ),
        Some(Proxy::Static) | None => format!(
            "Make the web server of {site} send `Access-Control-Allow-Origin: *` with every \
             /.well-known/matrix/ file (and keep proxies from removing it)."
        ),
    }
}

/// The same header for the client API on the homeserver's host.
pub fn cors_client_api(proxy: Option<Proxy>, host: &str) -> String {
    let neutral = format!(
        "The homeserver sends CORS headers on /_matrix/ itself; the proxy for {host} must pass \
         them through and must answer OPTIONS preflights by forwarding them, not with its own \
         405 or a page without the headers."
    );
    match proxy {
        Some(Proxy::Nginx) => format!(
            "{neutral}\nIn nginx, do not `proxy_hide_header Access-Control-Allow-Origin` and do not \
             answer OPTIONS in the `location /_matrix` block (no `if ($request_method = OPTIONS)` \
             returning early)."
        ),
        Some(Proxy::Apache) => format!(
            "{neutral}\nIn Apache, remove any `Header unset Access-Control-Allow-Origin` and any \
             `RewriteRule` that answers OPTIONS for /_matrix."
        ),
        Some(Proxy::Caddy) => format!(
            "{neutral}\nIn Caddy, remove any `header -Access-Control-Allow-Origin` and any \
             `respond` for OPTIONS before `reverse_proxy`."
        ),
        _ => neutral,
    }
}

/// `Access-Control-Allow-Origin` sent more than once (or as a list) on
/// `host`: the homeserver sends it and the proxy adds another.
pub fn cors_once(proxy: Option<Proxy>, host: &str) -> String {
    let neutral = format!(
        "Send `Access-Control-Allow-Origin` exactly once, with one value (`*`): browsers \
         refuse an answer that has two. The homeserver already sends it on what it answers, \
         so the proxy for {host} must not add its own on those paths."
    );
    match proxy {
        Some(Proxy::Nginx) => format!(
            "{neutral}\nIn nginx, remove `add_header Access-Control-Allow-Origin` from the \
             locations that proxy_pass to the homeserver, or put this line next to it so only \
             nginx's copy goes out:\n{}",
            indent("proxy_hide_header Access-Control-Allow-Origin;")
        ),
        Some(Proxy::Apache) => format!(
            "{neutral}\nIn Apache, remove `Header always set Access-Control-Allow-Origin` (or \
             `Header add`) for the proxied paths: `always` writes a second copy next to the \
             homeserver's."
        ),
        Some(Proxy::Caddy) => format!(
            "{neutral}\nIn Caddy, remove the `header ... Access-Control-Allow-Origin` line for \
             the proxied paths."
        ),
        Some(Proxy::Haproxy) => format!(
            "{neutral}\nIn HAProxy, use `http-response set-header` (which replaces), never \
             `add-header`, for Access-Control-Allow-Origin."
        ),
        _ => neutral,
    }
}

/// A preflight for `/_matrix/` on `host` that does not allow the
/// `Authorization` request header.
pub fn cors_allow_authorization(proxy: Option<Proxy>, host: &str) -> String {
    let neutral = format!(
        "The answer to OPTIONS preflights on {host}/_matrix/ must carry \
         `Access-Control-Allow-Headers: X-Requested-With, Content-Type, Authorization` \
         (Authorization by name: `*` does not cover it). Homeservers send this themselves: \
         let the proxy forward OPTIONS to the homeserver instead of answering it, or list \
         Authorization where it answers."
    );
    match proxy {
        Some(Proxy::Nginx) => format!(
            "{neutral}\nIn nginx, remove the `if ($request_method = OPTIONS)` block (and any \
             `add_header Access-Control-Allow-Headers`) from `location /_matrix`."
        ),
        _ => neutral,
    }
}

/// The homeserver's address as the plan gives it: `host:port`, or
/// `unix:/path` for its UNIX socket (`unix_socket_path`), which each proxy
/// writes in its own syntax, as the generated configurations do
/// (`assets/templates/proxy/`).
#[derive(Debug, Clone, Copy)]
enum Upstream<'a> {
    Tcp(&'a str),
    Socket(&'a str),
}

impl<'a> Upstream<'a> {
    fn of(upstream: &'a str) -> Upstream<'a> {
        match upstream.strip_prefix("unix:") {
            Some(path) => Upstream::Socket(path),
            None => Upstream::Tcp(upstream),
        }
    }

    /// nginx's `proxy_pass` target without a URI part (ngx_http_proxy_module:
    /// `http://unix:/path` names a socket).
    fn nginx(self) -> String {
        match self {
            Upstream::Tcp(a) => format!("http://{a}"),
            Upstream::Socket(p) => format!("http://unix:{p}"),
        }
    }

    /// Caddy's dial address (`reverse_proxy` upstream: `unix//path`).
    fn caddy(self) -> String {
        match self {
            Upstream::Tcp(a) => a.to_string(),
            Upstream::Socket(p) => format!("unix/{p}"),
        }
    }

    /// Apache's `ProxyPass` and `ProxyPassReverse` URLs for `path`
    /// (mod_proxy: `unix:/path|http://localhost/...` for a socket).
    fn apache(self, path: &str) -> (String, String) {
        match self {
            Upstream::Tcp(a) => (format!("http://{a}{path}"), format!("http://{a}{path}")),
            Upstream::Socket(p) => (
                format!("unix:{p}|http://localhost{path}"),
                format!("http://localhost{path}"),
            ),
        }
    }

    /// HAProxy's `server` address (`unix@/path` for a socket).
    fn haproxy(self) -> String {
        match self {
            Upstream::Tcp(a) => a.to_string(),
            Upstream::Socket(p) => format!("unix@{p}"),
        }
    }
}

/// Routing `/.well-known/matrix/` of the base domain to the homeserver.
pub fn route_well_known(proxy: Option<Proxy>, site: &str, upstream: &str) -> String {
    let up = Upstream::of(upstream);
    match proxy {
        Some(Proxy::Caddy) => format!(
            "In your Caddyfile, inside the block for {site}, add:\n{}",
            indent(&format!(
                "reverse_proxy /.well-known/matrix/* {}",
                up.caddy()
            ))
        ),
        Some(Proxy::Nginx) => format!(
            "In the nginx server block for {site} add:\n{}",
            indent(&format!(
                "location /.well-known/matrix/ {{\n    proxy_pass {};\n}}",
                up.nginx()
            ))
        ),
        Some(Proxy::Apache) => {
            let (pass, reverse) = up.apache("/.well-known/matrix/");
            format!(
                "In the Apache virtual host for {site} add:\n{}",
                indent(&format!(
                    "ProxyPass /.well-known/matrix/ {pass} nocanon\nProxyPassReverse /.well-known/matrix/ {reverse}"
                ))
            )
        }
        Some(Proxy::Haproxy) => format!(
            "In the HAProxy frontend serving {site} add:\n{}",
            indent(&format!(
                "use_backend continuwuity if {{ hdr(host) -i {site} }} {{ path_beg /.well-known/matrix/ }}\n# backend continuwuity\n#   server hs {}",
                up.haproxy()
            ))
        ),
        Some(Proxy::Traefik) => format!(
            "Give {site} a router to the homeserver for /.well-known/matrix/ (Docker labels on \
             the homeserver's container):\n{}",
            indent(&format!(
                "traefik.http.routers.{r}.rule=Host(`{site}`) && PathPrefix(`/.well-known/matrix/`)\n\
                 traefik.http.routers.{r}.entrypoints=websecure\n\
                 traefik.http.routers.{r}.tls.certresolver=letsencrypt\n\
                 traefik.http.routers.{r}.service=continuwuity",
                r = traefik_router(site)
            ))
        ),
        Some(Proxy::Static) | None => format!(
            "Make https://{site}/.well-known/matrix/ reach the homeserver ({upstream}), or serve \
             the JSON files there yourself."
        ),
    }
}

/// Passing `/_matrix` through unchanged (no path decoding, no prefix stripping):
/// the fix for a mangling proxy found by the routing probe.
pub fn pass_path_unchanged(proxy: Option<Proxy>, host: &str, upstream: &str) -> String {
    let up = Upstream::of(upstream);
    match proxy {
        Some(Proxy::Nginx) => format!(
            "In the nginx server block for {host}, write proxy_pass WITHOUT a URI part (no path, \
             not even a trailing `/`), so nginx passes the request path exactly as received:\n{}",
            indent(&format!(
                "location /_matrix/ {{\n    proxy_pass {};\n}}",
                up.nginx()
            ))
        ),
        Some(Proxy::Apache) => {
            let (pass, reverse) = up.apache("/_matrix");
            format!(
                "In the Apache virtual host for {host}, keep encoded slashes and the raw path:\n{}",
                indent(&format!(
                    "AllowEncodedSlashes NoDecode\nProxyPass /_matrix {pass} nocanon\nProxyPassReverse /_matrix {reverse}"
                ))
            )
        }
        Some(Proxy::Caddy) => format!(
            "In your Caddyfile for {host}, proxy /_matrix without rewriting it (no `handle_path`, \
             no `uri strip_prefix`):\n{}",
            indent(&format!("reverse_proxy /_matrix/* {}", up.caddy()))
        ),
        Some(Proxy::Haproxy) => format!(
            "In HAProxy, send `path_beg /_matrix` to the homeserver backend without \
             `http-request set-path`, `replace-path` or `set-uri`:\n{}",
            indent(&format!(
                "use_backend continuwuity if {{ path_beg /_matrix }}\n# backend continuwuity\n#   server hs {}",
                up.haproxy()
            ))
        ),
        Some(Proxy::Traefik) => format!(
            "Route PathPrefix(`/_matrix`) on {host} to the homeserver without a StripPrefix or \
             ReplacePath middleware:\n{}",
            indent(&format!(
                "traefik.http.routers.{}.rule=Host(`{host}`) && PathPrefix(`/_matrix/`)",
                traefik_router(host)
            ))
        ),
        Some(Proxy::Static) | None => format!(
            "Make the proxy for {host} pass every /_matrix/ request to the homeserver ({upstream}) \
             with its path unchanged: no decoding of %2F or %24, no prefix stripping. (nginx: \
             proxy_pass without a URI; Apache: nocanon and AllowEncodedSlashes NoDecode.)"
        ),
    }
}

/// Serving the server file directly instead of redirecting.
pub fn no_redirect(proxy: Option<Proxy>, site: &str, upstream: &str) -> String {
    format!(
        "Serve /.well-known/matrix/server on {site} directly with a 200 instead of redirecting: \
         some servers do not follow redirects for it, and every hop is another chance to fail.\n{}",
        route_well_known(proxy, site, upstream)
    )
}

/// Making a static file server send `Content-Type: application/json`.
pub fn content_type_json(proxy: Option<Proxy>, site: &str) -> String {
    let line = match proxy {
        Some(Proxy::Caddy) => {
            "header /.well-known/matrix/* Content-Type application/json".to_string()
        }
        Some(Proxy::Nginx) => {
            "default_type application/json;   # inside location /.well-known/matrix/".to_string()
        }
        Some(Proxy::Apache) => {
            "<Location \"/.well-known/matrix/\">\n  ForceType application/json\n</Location>"
                .to_string()
        }
        Some(Proxy::Haproxy) => format!(
            "{HAPROXY_KEEP_PATH}\nhttp-response set-header Content-Type application/json {HAPROXY_IF_WELL_KNOWN}"
        ),
        Some(Proxy::Traefik) => {
            "traefik.http.middlewares.matrix-json.headers.customresponseheaders.Content-Type=application/json"
                .to_string()
        }
        Some(Proxy::Static) | None => {
            return format!(
                "Make the web server of {site} send `Content-Type: application/json` for the \
                 files under /.well-known/matrix/ (they have no .json extension)."
            );
        }
    };
    format!(
        "Send `Content-Type: application/json` for {site}/.well-known/matrix/*:\n{}",
        indent(&line)
    )
}

/// Setting one `[global.well_known]` key, as the deployment writes it.
pub fn well_known_key(deployment: Option<Deployment>, key: &str, value: &str) -> String {
    match deployment {
        Some(Deployment::Docker) => format!(
            "Set the environment variable `CONTINUWUITY_WELL_KNOWN__{}={value}` and recreate the \
             container.",
            key.to_ascii_uppercase()
        ),
        _ => format!(
            "In the homeserver's config file set, under `[global.well_known]`:\n{}\nthen restart \
             the homeserver.",
            indent(&format!("{key} = \"{value}\""))
        ),
    }
}

/// A `Cache-Control` lifetime on `/.well-known/matrix/*` of `site`.
pub fn cache_control(proxy: Option<Proxy>, site: &str, secs: u64) -> String {
    let line = match proxy {
        Some(Proxy::Caddy) => {
            format!("header /.well-known/matrix/* Cache-Control \"max-age={secs}\"")
        }
        Some(Proxy::Nginx) => {
            format!(
                "add_header Cache-Control \"max-age={secs}\" always;   # inside location /.well-known/matrix/"
            )
        }
        Some(Proxy::Apache) => format!(
            "<Location \"/.well-known/matrix/\">\n  Header always set Cache-Control \"max-age={secs}\"\n</Location>"
        ),
        Some(Proxy::Haproxy) => format!(
            "{HAPROXY_KEEP_PATH}\nhttp-response set-header Cache-Control \"max-age={secs}\" {HAPROXY_IF_WELL_KNOWN}"
        ),
        Some(Proxy::Traefik) => format!(
            "traefik.http.middlewares.matrix-cache.headers.customresponseheaders.Cache-Control=max-age={secs}"
        ),
        Some(Proxy::Static) | None => {
            return format!(
                "Send `Cache-Control: max-age={secs}` with the files under https://{site}/.well-known/matrix/."
            );
        }
    };
    format!("For {site}/.well-known/matrix/* add:\n{}", indent(&line))
}

/// Obtaining or renewing the certificate for `host`, with the command for
/// the operator's proxy (certbot's plugin where one exists; HAProxy reads
/// one PEM file holding the chain and the key; Caddy and Traefik obtain
/// their own and say in their logs why they could not).
pub fn certificate(proxy: Option<Proxy>, host: &str) -> String {
    // The commands come from `domain::acme`, shared with NEXT-STEPS and
    // `apply`'s certificate step.
    let sudo = |cmds: Vec<String>| -> String {
        cmds.iter()
            .map(|c| format!("sudo {c}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let timer = "sudo systemctl list-timers certbot.timer";
    match proxy {
        Some(Proxy::Nginx) => format!(
            "Get a certificate for {host} with certbot's nginx plugin (it renews by its timer and \
             reloads nginx):\n{}",
            indent(&format!(
                "{}\n{timer}",
                sudo(acme::certbot(Proxy::Nginx, host))
            ))
        ),
        Some(Proxy::Apache) => format!(
            "Get a certificate for {host} with certbot's Apache plugin (it renews by its timer and \
             reloads Apache):\n{}",
            indent(&format!(
                "{}\n{timer}",
                sudo(acme::certbot(Proxy::Apache, host))
            ))
        ),
        Some(Proxy::Haproxy) => format!(
            "Get a certificate for {host} through certbot's standalone server on port {port}, \
             behind HAProxy's port-80 rule for {challenge}; its deploy hook gives HAProxy the \
             chain and the key in one file, the `crt` its `bind` line names, and reloads it:\n{}",
            indent(&sudo(
                acme::prepare(Proxy::Haproxy)
                    .into_iter()
                    .chain(acme::certbot(Proxy::Haproxy, host))
                    .collect()
            )),
            port = acme::STANDALONE_PORT,
            challenge = acme::CHALLENGE_PATH,
        ),
        Some(Proxy::Caddy) => format!(
            "Caddy obtains and renews the certificate for {host} itself: find in its log why it \
             could not (ports 80 and 443 reachable from the internet, DNS pointing here), check \
             that it may write its storage, then reload:\n{}",
            indent(&format!(
                "sudo journalctl -u caddy | grep -i -E 'certificate|acme|error'\n\
                 sudo ls -l {}\n\
                 sudo systemctl reload caddy",
                acme::CADDY_STORAGE
            ))
        ),
        Some(Proxy::Traefik) => format!(
            "Traefik obtains the certificate for {host} through its certificate resolver: the \
             router needs `tls.certresolver`, acme.json must be writable by Traefik only (mode \
             600), and its log says why a request failed:\n{}",
            indent(&format!(
                "traefik.http.routers.{}.tls.certresolver=letsencrypt\n\
                 docker logs traefik 2>&1 | grep -i acme",
                traefik_router(host)
            ))
        ),
        Some(Proxy::Static) | None => format!(
            "Get a certificate for {host} (for example from Let's Encrypt, with the web server's \
             document root), serve {}/fullchain.pem with its key, and reload the server:\n{}",
            acme::live_dir(host),
            indent(&sudo(acme::certbot(Proxy::Static, host)))
        ),
    }
}

/// Making the proxy accept TLS connections for `host` on `port` (on the
/// address family of the address that failed), in the operator's proxy
/// syntax: the lines `generate` writes for a site on that port.
pub fn listen(proxy: Option<Proxy>, host: &str, ipv6: bool, port: u16) -> String {
    match proxy {
        Some(Proxy::Nginx) => format!(
            "In the nginx server block for {host} add:\n{}",
            indent(&if ipv6 {
                format!("listen [::]:{port} ssl;")
            } else {
                format!("listen {port} ssl;")
            })
        ),
        Some(Proxy::Apache) => format!(
            "In Apache, listen on the port (in ports.conf, outside any virtual host; it covers \
             IPv4 and IPv6) and add `*:{port}` to {host}'s `<VirtualHost>` line:\n{}",
            indent(&format!("Listen {port}"))
        ),
        Some(Proxy::Haproxy) => format!(
            "In the HAProxy frontend for {host} add (IPv4 and IPv6 alike):\n{}",
            indent(&format!(
                "bind [::]:{port} v4v6 ssl crt /etc/haproxy/certs/{host}.pem alpn h2,http/1.1"
            ))
        ),
        Some(Proxy::Caddy) => format!(
            "Caddy listens on IPv4 and IPv6 by itself (unless a `bind` leaves one out); list the \
             port among the addresses of the site block for {host}:\n{}",
            indent(&if port == 443 {
                format!("{host}:443 {{")
            } else {
                format!("{host}:{port}, {host}:443 {{")
            })
        ),
        Some(Proxy::Traefik) => {
            let router = traefik_router(host);
            format!(
                "Give Traefik an entry point on port {port} (its `command:`, and publish \
                 \"{port}:{port}\" under `ports:`) and put the router for {host} on it (Docker \
                 labels):\n{}",
                indent(&format!(
                    "--entryPoints.matrix-federation-{port}.address=:{port}\n\
                     traefik.http.routers.{router}.entrypoints=matrix-federation-{port},websecure"
                ))
            )
        }
        Some(Proxy::Static) | None => format!(
            "Make the web server or reverse proxy for {host} accept TLS on port {port}{} (nginx \
             `listen {}{port} ssl;`, Apache `Listen {port}`, Caddy `{host}:{port}` among the site's \
             addresses).",
            if ipv6 { " over IPv6" } else { "" },
            if ipv6 { "[::]:" } else { "" },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::answers::DEFAULT_UPSTREAM;

    #[test]
    fn cors_remedy_names_the_proxy_and_the_line() {
        let caddy = cors_well_known(Some(Proxy::Caddy), "example.com");
        assert!(
            caddy.starts_with("In your Caddyfile for example.com add"),
            "{caddy}"
        );
        assert!(caddy.contains("header /.well-known/matrix/* {"), "{caddy}");
        assert!(caddy.contains("\tdefer"), "{caddy}");
        let nginx = cors_well_known(Some(Proxy::Nginx), "e.com");
        assert!(nginx.contains("proxy_hide_header Access-Control-Allow-Origin;"));
        assert!(nginx.contains("always;"));
        let apache = cors_well_known(Some(Proxy::Apache), "e.com");
        assert!(apache.contains("Header unset Access-Control-Allow-Origin"));
        assert!(apache.contains("Header always set"));
        assert!(cors_well_known(Some(Proxy::Haproxy), "e.com").contains("set-header"));
        assert!(
            cors_well_known(Some(Proxy::Traefik), "e.com").contains("accesscontrolalloworiginlist")
        );
        assert!(cors_well_known(None, "e.com").contains("Access-Control-Allow-Origin: *"));
    }

    #[test]
    fn routing_fix_per_proxy() {
        let nginx = pass_path_unchanged(Some(Proxy::Nginx), "m.example.com", DEFAULT_UPSTREAM);
        assert!(
            nginx.contains("proxy_pass http://127.0.0.1:8008;"),
            "{nginx}"
        );
        assert!(!nginx.contains("8008/;"));
        let apache = pass_path_unchanged(Some(Proxy::Apache), "m.example.com", DEFAULT_UPSTREAM);
        assert!(apache.contains("nocanon") && apache.contains("AllowEncodedSlashes NoDecode"));
        assert!(pass_path_unchanged(Some(Proxy::Caddy), "h", "u:1").contains("handle_path"));
        assert!(pass_path_unchanged(Some(Proxy::Traefik), "h", "u:1").contains("StripPrefix"));
    }

    #[test]
    fn config_key_per_deployment() {
        let file = well_known_key(Some(Deployment::ConfigFile), "server", "m.example.com:443");
        assert!(file.contains("server = \"m.example.com:443\""), "{file}");
        let docker = well_known_key(Some(Deployment::Docker), "server", "m.example.com:443");
        assert!(docker.contains("CONTINUWUITY_WELL_KNOWN__SERVER=m.example.com:443"));
    }
}
