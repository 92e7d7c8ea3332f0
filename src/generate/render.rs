//! The template environment: templates embedded from `assets/templates/`
//! and the quoting filters they use.

use std::sync::LazyLock;

use minijinja::value::ViaDeserialize;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;

use super::quote;
use crate::toml_syntax::toml_string;

/// Every template, by name. Names starting with `_` hold shared macros.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "_explain.j2",
        include_str!("../../assets/templates/_explain.j2"),
    ),
    (
        "config/well_known.toml.j2",
        include_str!("../../assets/templates/config/well_known.toml.j2"),
    ),
    (
        "docker/env.j2",
        include_str!("../../assets/templates/docker/env.j2"),
    ),
    (
        "docker/compose.yml.j2",
        include_str!("../../assets/templates/docker/compose.yml.j2"),
    ),
    (
        "docker/compose_table.yml.j2",
        include_str!("../../assets/templates/docker/compose_table.yml.j2"),
    ),
    (
        "proxy/caddy.j2",
        include_str!("../../assets/templates/proxy/caddy.j2"),
    ),
    (
        "proxy/nginx.j2",
        include_str!("../../assets/templates/proxy/nginx.j2"),
    ),
    (
        "proxy/apache.j2",
        include_str!("../../assets/templates/proxy/apache.j2"),
    ),
    (
        "proxy/haproxy.j2",
        include_str!("../../assets/templates/proxy/haproxy.j2"),
    ),
    (
        "proxy/nginx_port80.j2",
        include_str!("../../assets/templates/proxy/nginx_port80.j2"),
    ),
    (
        "proxy/apache_port80.j2",
        include_str!("../../assets/templates/proxy/apache_port80.j2"),
    ),
    (
        "proxy/haproxy_defaults.j2",
        include_str!("../../assets/templates/proxy/haproxy_defaults.j2"),
    ),
    (
        "proxy/haproxy_port80.j2",
        include_str!("../../assets/templates/proxy/haproxy_port80.j2"),
    ),
    (
        "proxy/acme/nginx.j2",
        include_str!("../../assets/templates/proxy/acme/nginx.j2"),
    ),
    (
        "proxy/acme/apache.j2",
        include_str!("../../assets/templates/proxy/acme/apache.j2"),
    ),
    (
        "proxy/acme/haproxy.j2",
        include_str!("../../assets/templates/proxy/acme/haproxy.j2"),
    ),
    (
        "proxy/traefik.yml.j2",
        include_str!("../../assets/templates/proxy/traefik.yml.j2"),
    ),
    (
        "proxy/static.txt.j2",
        include_str!("../../assets/templates/proxy/static.txt.j2"),
    ),
    (
        "dns.txt.j2",
        include_str!("../../assets/templates/dns.txt.j2"),
    ),
    (
        "checklist.txt.j2",
        include_str!("../../assets/templates/checklist.txt.j2"),
    ),
];

struct Templates {
    env: Environment<'static>,
    /// Templates that failed to compile (a bug caught by the tests).
    broken: Vec<String>,
}

static TEMPLATES_ENV: LazyLock<Templates> = LazyLock::new(build);

fn build() -> Templates {
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.add_filter("toml", |s: String| toml_string(&s));
    env.add_filter("yaml", |s: String| quote::yaml_string(&s));
    env.add_filter("env", |s: String| quote::env_file_value(&s));
    env.add_filter("figment", |s: String| quote::figment_value(&s));
    env.add_filter(
        "json",
        |v: ViaDeserialize<serde_json::Value>, escape: Option<String>, pretty: Option<bool>| {
            quote::json_escaping(&v, escape.as_deref().unwrap_or(""), pretty.unwrap_or(false))
        },
    );
    env.add_filter("nginx_str", nginx_string);
    env.add_filter("slug", slug);
    let mut broken = Vec::new();
    for (name, source) in TEMPLATES {
        if let Err(e) = env.add_template(name, source) {
            broken.push(format!("{name}: {e:#}"));
        }
    }
    Templates { env, broken }
}

/// An nginx single-quoted string: nginx treats `\` as an escape inside quotes.
fn nginx_string(s: String) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// The `slug` filter: `sites::slug` for a template value.
fn slug(s: String) -> String {
    super::sites::slug(&s)
}

/// Renders one template. An error here is a bug in a template, never a
/// consequence of the operator's values (they only pass through filters that
/// cannot fail).
pub(super) fn render(name: &str, ctx: &impl Serialize) -> Result<String, String> {
    let t = &*TEMPLATES_ENV;
    if !t.broken.is_empty() {
        return Err(t.broken.join("; "));
    }
    let template = t.env.get_template(name).map_err(|e| format!("{e:#}"))?;
    template.render(ctx).map_err(|e| format!("{e:#}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_compiles() {
        assert!(
            TEMPLATES_ENV.broken.is_empty(),
            "{:?}",
            TEMPLATES_ENV.broken
        );
    }

    #[test]
    fn filters() {
        assert_eq!(nginx_string("a'b\\c".into()), "'a\\'b\\\\c'");
        assert_eq!(slug("matrix.Example.com".into()), "matrix-example-com");
        assert_eq!(slug("[2001:db8::1]".into()), "2001-db8-1");
    }
}
