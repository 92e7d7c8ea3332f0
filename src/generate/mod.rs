//! Pure: Plan → artifacts (text rendered from templates under `assets/`).
//!
//! Which artifacts exist depends on the plan:
//! - `dns` always;
//! - `config-section` for a config-file deployment, or `docker-env`,
//!   `docker-compose` and `docker-compose-table` for Docker;
//! - `proxy` always (for `--proxy static` it describes what the static web
//!   server must serve, with which headers);
//! - `well-known-server`, `well-known-client`, `well-known-support` where
//!   the base domain serves the files itself (strategies `static` and `srv`);
//! - `checklist` last.

mod context;
mod quote;
mod render;
pub mod sites;

use std::collections::BTreeMap;

use crate::domain::{Deployment, Plan, Proxy};

pub use context::MAX_REQUEST_BYTES;

/// Stable artifact ids (the wizard's tabs and scripts rely on them).
pub mod ids {
    pub const DNS: &str = "dns";
    pub const CONFIG_SECTION: &str = "config-section";
    pub const DOCKER_ENV: &str = "docker-env";
    pub const DOCKER_COMPOSE: &str = "docker-compose";
    pub const DOCKER_COMPOSE_TABLE: &str = "docker-compose-table";
    pub const PROXY: &str = "proxy";
    pub const WELL_KNOWN_SERVER: &str = "well-known-server";
    pub const WELL_KNOWN_CLIENT: &str = "well-known-client";
    pub const WELL_KNOWN_SUPPORT: &str = "well-known-support";
    pub const CHECKLIST: &str = "checklist";
}

/// One generated file or snippet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// Stable id, e.g. `config-section`, `proxy`, `dns`, `checklist` (see [`ids`]).
    pub id: &'static str,
    /// Heading shown to the operator (tab title in the wizard).
    pub title: String,
    /// File name used by `generate --out DIR` (may contain `/`).
    pub file_name: String,
    /// The syntax of `text`, for highlighting: `toml`, `env`, `yaml`,
    /// `caddyfile`, `nginx`, `apache`, `haproxy`, `json`, `zone`, `text`.
    pub syntax: &'static str,
    pub text: String,
}

/// Marks the text of an artifact whose template failed to render (a bug).
pub const RENDER_FAILURE: &str = "matrix-delegate could not render this artifact";

/// Every artifact the plan needs, in the order an operator applies them.
pub fn artifacts(plan: &Plan) -> Vec<Artifact> {
    let mut specs: Vec<Spec> = vec![Spec::new(
        ids::DNS,
        "DNS records",
        "dns-records.txt",
        "zone",
        "dns.txt.j2",
    )];
    match plan.deployment {
        Deployment::ConfigFile => specs.push(Spec::new(
            ids::CONFIG_SECTION,
            "[global.well_known] for the Continuwuity config file",
            "continuwuity-well-known.toml",
            "toml",
            "config/well_known.toml.j2",
        )),
        Deployment::Docker => specs.extend([
            Spec::new(
                ids::DOCKER_ENV,
                "Docker environment file (one variable per key)",
                "continuwuity.env",
                "env",
                "docker/env.j2",
            ),
            Spec::new(
                ids::DOCKER_COMPOSE,
                "docker compose environment: block",
                "compose-environment.yml",
                "yaml",
                "docker/compose.yml.j2",
            ),
            Spec::new(
                ids::DOCKER_COMPOSE_TABLE,
                "docker compose, whole section in one variable",
                "compose-environment-table.yml",
                "yaml",
                "docker/compose_table.yml.j2",
            ),
        ]),
    }
    specs.push(proxy_spec(plan.proxy));
    let mut artifacts: Vec<Artifact> = Vec::new();
    let files: BTreeMap<&'static str, String> = specs
        .iter()
        .map(|s| (s.id, s.file_name.to_string()))
        .chain(static_file_names())
        .chain([(ids::CHECKLIST, "NEXT-STEPS.txt".to_string())])
        .collect();
    let ctx = context::context(plan, files);
    for spec in specs {
        artifacts.push(spec.render(&ctx));
    }
    for file in &ctx.files {
        let (id, file_name) = static_file_id(file.name);
        artifacts.push(Artifact {
            id,
            title: format!("{} (static file)", file.path),
            file_name,
            syntax: "json",
            text: context::pretty_json(&file.json),
        });
    }
    artifacts.push(
        Spec::new(
            ids::CHECKLIST,
            "Next steps",
            "NEXT-STEPS.txt",
            "text",
            "checklist.txt.j2",
        )
        .render(&ctx),
    );
    artifacts
}

/// The `[global.well_known]` section alone, with its explaining comments:
/// what the config editor writes and what the wizard shows.
pub fn well_known_toml(plan: &Plan) -> String {
    let ctx = context::context(plan, BTreeMap::new());
    render::render("config/well_known.toml.j2", &ctx)
        .unwrap_or_else(|e| format!("# {RENDER_FAILURE} (a bug; please report it): {e}\n"))
}

/// The port-80 part of the proxy configuration on its own (the ACME
/// http-01 challenge, RFC 8555 §8.3, and the redirect to https), rendered
/// from the same template part that ends the whole configuration: what
/// `apply` installs while the certificates do not exist yet. `None` for the
/// proxies that get their own certificates (Caddy, Traefik) or have no
/// port-80 part (static).
pub fn acme_only(plan: &Plan) -> Option<String> {
    let template = match plan.proxy {
        Proxy::Nginx => "proxy/acme/nginx.j2",
        Proxy::Apache => "proxy/acme/apache.j2",
        Proxy::Haproxy => "proxy/acme/haproxy.j2",
        Proxy::Caddy | Proxy::Traefik | Proxy::Static => return None,
    };
    let ctx = context::context(plan, BTreeMap::new());
    Some(
        render::render(template, &ctx)
            .unwrap_or_else(|e| format!("# {RENDER_FAILURE} (a bug; please report it): {e}\n")),
    )
}

struct Spec {
    id: &'static str,
    title: &'static str,
    file_name: &'static str,
    syntax: &'static str,
    template: &'static str,
}

impl Spec {
    fn new(
        id: &'static str,
        title: &'static str,
        file_name: &'static str,
        syntax: &'static str,
        template: &'static str,
    ) -> Spec {
        Spec {
            id,
            title,
            file_name,
            syntax,
            template,
        }
    }

    fn render(&self, ctx: &context::Context) -> Artifact {
        let text = render::render(self.template, ctx).unwrap_or_else(|e| {
            format!(
                "{RENDER_FAILURE} `{}` (a bug; please report it): {e}\n",
                self.id
            )
        });
        Artifact {
            id: self.id,
            title: self.title.to_string(),
            file_name: self.file_name.to_string(),
            syntax: self.syntax,
            text,
        }
    }
}

fn proxy_spec(proxy: Proxy) -> Spec {
    let (title, file, syntax, template) = match proxy {
        Proxy::Caddy => ("Caddyfile", "Caddyfile", "caddyfile", "proxy/caddy.j2"),
        Proxy::Nginx => (
            "nginx configuration",
            "nginx-matrix.conf",
            "nginx",
            "proxy/nginx.j2",
        ),
        Proxy::Apache => (
            "Apache httpd configuration",
            "apache-matrix.conf",
            "apache",
            "proxy/apache.j2",
        ),
        Proxy::Haproxy => (
            "HAProxy configuration",
            "haproxy-matrix.cfg",
            "haproxy",
            "proxy/haproxy.j2",
        ),
        Proxy::Traefik => (
            "Traefik: entry points and Docker labels",
            "compose-traefik.yml",
            "yaml",
            "proxy/traefik.yml.j2",
        ),
        Proxy::Static => (
            "Static web server: what to serve",
            "static-web-server.txt",
            "text",
            "proxy/static.txt.j2",
        ),
    };
    Spec::new(ids::PROXY, title, file, syntax, template)
}

fn static_file_id(name: &str) -> (&'static str, String) {
    let id = match name {
        "server" => ids::WELL_KNOWN_SERVER,
        "client" => ids::WELL_KNOWN_CLIENT,
        _ => ids::WELL_KNOWN_SUPPORT,
    };
    (id, format!("well-known/matrix/{name}"))
}

fn static_file_names() -> impl Iterator<Item = (&'static str, String)> {
    ["server", "client", "support"]
        .into_iter()
        .map(static_file_id)
}

#[cfg(test)]
mod tests;
