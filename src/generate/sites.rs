//! The web sites a plan needs, independent of the proxy program: which name
//! answers on which ports, which paths go to the homeserver and which
//! well-known files the proxy serves itself. Every proxy template renders
//! this one model, so all proxies route the same way.

use serde::Serialize;
use serde_json::Value;

use crate::domain::{BaseDomainRole, Plan, Strategy};

/// A name usable as an identifier (Traefik router names, HAProxy ACL
/// names): lowercase letters, digits and single dashes
/// (`matrix.example.com` → `matrix-example-com`). `apply --proxy traefik`
/// names its routers the same way, so remedies naming a router fit both.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// Path prefixes Continuwuity answers under.
pub const MATRIX: &str = "/_matrix/";
pub const CONTINUWUITY: &str = "/_continuwuity/";
pub const WELL_KNOWN: &str = "/.well-known/matrix/";

/// Why a site exists; a site may have several roles once names coincide.
/// The templates explain each role in a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SiteRole {
    /// The delegated host: the client API and federation.
    Host,
    /// The base domain forwards the well-known files to the homeserver.
    BaseWellKnown,
    /// The base domain serves the well-known files itself.
    BaseStatic,
    /// `well-known+srv-fallback`: peers that could not read the well-known
    /// file follow the SRV record to `<server_name>:443` (spec step 4).
    BaseFallback,
    /// `srv`: peers follow `_matrix-fed._tcp.<server_name>` to the host but
    /// send `Host: <server_name>` and expect its certificate (spec step 4).
    SrvTarget,
    /// `none`: the server name is the host.
    NoDelegation,
}

/// A well-known file the proxy answers itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaticFile {
    /// `server`, `client` or `support`.
    pub name: &'static str,
    /// `/.well-known/matrix/<name>`.
    pub path: String,
    pub json: Value,
}

/// One virtual host: a name on some ports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Site {
    /// The name clients put in SNI and `Host`; also the certificate's name.
    pub name: String,
    pub ports: Vec<u16>,
    pub roles: Vec<SiteRole>,
    /// Path prefixes forwarded to the homeserver, unchanged.
    pub proxy_paths: Vec<&'static str>,
    pub files: Vec<StaticFile>,
}

/// The well-known files the base domain must serve itself, if any.
pub fn static_files(plan: &Plan) -> Vec<StaticFile> {
    let file = |name: &'static str, json: Value| StaticFile {
        name,
        path: format!("{WELL_KNOWN}{name}"),
        json,
    };
    let mut out = Vec::new();
    match plan.base_domain_role() {
        BaseDomainRole::StaticFiles => {
            if let Some(server) = plan.server_file() {
                out.push(file("server", server));
            }
        }
        BaseDomainRole::ClientFilesOnly => {}
        BaseDomainRole::ProxyWellKnown | BaseDomainRole::SameAsHost => return out,
    }
    out.push(file("client", plan.client_file()));
    if let Some(support) = plan.support_file() {
        out.push(file("support", support));
    }
    out
}

/// Every site, the delegated host first. No two sites share a name: when
/// names coincide (delegating to the server name itself) they are merged.
pub fn sites(plan: &Plan) -> Vec<Site> {
    let host = plan.host_str();
    let base = plan.base_domain();
    let all = vec![MATRIX, CONTINUWUITY, WELL_KNOWN];
    let mut out = Vec::new();
    let host_role = if plan.strategy == Strategy::None {
        SiteRole::NoDelegation
    } else {
        SiteRole::Host
    };
    add(&mut out, &host, plan.host_ports(), host_role, all, vec![]);
    let files = static_files(plan);
    match plan.base_domain_role() {
        BaseDomainRole::SameAsHost => {}
        BaseDomainRole::ProxyWellKnown => {
            let (role, paths) = if plan.base_domain_routes_federation() {
                (SiteRole::BaseFallback, vec![WELL_KNOWN, MATRIX])
            } else {
                (SiteRole::BaseWellKnown, vec![WELL_KNOWN])
            };
            add(&mut out, &base, vec![443], role, paths, vec![]);
        }
        BaseDomainRole::StaticFiles | BaseDomainRole::ClientFilesOnly => {
            add(
                &mut out,
                &base,
                vec![443],
                SiteRole::BaseStatic,
                vec![],
                files,
            );
        }
    }
    if plan.strategy == Strategy::Srv {
        add(
            &mut out,
            &base,
            vec![plan.port],
            SiteRole::SrvTarget,
            vec![MATRIX],
            vec![],
        );
    }
    out
}

fn add(
    sites: &mut Vec<Site>,
    name: &str,
    ports: Vec<u16>,
    role: SiteRole,
    paths: Vec<&'static str>,
    files: Vec<StaticFile>,
) {
    let site = match sites.iter_mut().position(|s| s.name == name) {
        Some(i) => &mut sites[i],
        None => {
            sites.push(Site {
                name: name.to_string(),
                ports: Vec::new(),
                roles: Vec::new(),
                proxy_paths: Vec::new(),
                files: Vec::new(),
            });
            let last = sites.len() - 1;
            &mut sites[last]
        }
    };
    for port in ports {
        if !site.ports.contains(&port) {
            site.ports.push(port);
        }
    }
    site.roles.push(role);
    for path in paths {
        if !site.proxy_paths.contains(&path) {
            site.proxy_paths.push(path);
        }
    }
    site.files.extend(files);
    // A file served here must not also be forwarded: the proxy answers the
    // well-known paths itself, and what it does not serve is a 404.
    if !site.files.is_empty() {
        site.proxy_paths.retain(|p| *p != WELL_KNOWN);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Answers, plan};

    fn sites_for(strategy: Strategy, port: &str) -> Vec<Site> {
        let a = Answers {
            strategy,
            port: port.into(),
            support_email: "admin@example.com".into(),
            ..Answers::example()
        };
        sites(&plan(&a).expect("valid answers"))
    }

    /// Name, ports, forwarded paths, served files.
    type Summary = (String, Vec<u16>, Vec<&'static str>, Vec<&'static str>);

    fn summary(sites: &[Site]) -> Vec<Summary> {
        sites
            .iter()
            .map(|s| {
                let files = s.files.iter().map(|f| f.name).collect();
                (
                    s.name.clone(),
                    s.ports.clone(),
                    s.proxy_paths.clone(),
                    files,
                )
            })
            .collect()
    }

    #[test]
    fn well_known_forwards_the_base_domains_well_known_paths() {
        let s = summary(&sites_for(Strategy::WellKnown, "8448"));
        assert_eq!(
            s,
            vec![
                (
                    "matrix.example.com".into(),
                    vec![8448, 443],
                    vec![MATRIX, CONTINUWUITY, WELL_KNOWN],
                    vec![]
                ),
                ("example.com".into(), vec![443], vec![WELL_KNOWN], vec![]),
            ]
        );
    }

    #[test]
    fn srv_fallback_base_domain_also_routes_federation() {
        let s = sites_for(Strategy::WellKnownSrvFallback, "");
        assert_eq!(s[1].proxy_paths, vec![WELL_KNOWN, MATRIX]);
        assert_eq!(s[1].roles, vec![SiteRole::BaseFallback]);
    }

    #[test]
    fn static_serves_all_three_files() {
        let s = summary(&sites_for(Strategy::Static, ""));
        assert_eq!(s[1].3, vec!["server", "client", "support"]);
        assert!(s[1].2.is_empty());
    }

    #[test]
    fn srv_serves_client_files_and_federation_for_the_server_name() {
        let s = sites_for(Strategy::Srv, "");
        assert_eq!(s.len(), 2, "{s:?}");
        assert_eq!(s[1].name, "example.com");
        assert_eq!(s[1].roles, vec![SiteRole::BaseStatic, SiteRole::SrvTarget]);
        assert_eq!(s[1].proxy_paths, vec![MATRIX]);
        let files: Vec<_> = s[1].files.iter().map(|f| f.name).collect();
        assert_eq!(files, vec!["client", "support"]);

        let s = summary(&sites_for(Strategy::Srv, "8448"));
        assert_eq!(s[1].1, vec![443, 8448]);
    }

    #[test]
    fn none_is_one_site_on_8448_and_443() {
        let a = Answers {
            strategy: Strategy::None,
            server_name: "matrix.example.com".into(),
            host: String::new(),
            ..Answers::example()
        };
        let s = sites(&plan(&a).expect("valid"));
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].ports, vec![8448, 443]);
        assert_eq!(s[0].roles, vec![SiteRole::NoDelegation]);
    }

    #[test]
    fn delegating_to_the_server_name_merges_the_sites() {
        let a = Answers {
            host: "example.com".into(),
            strategy: Strategy::Static,
            ..Answers::example()
        };
        let s = sites(&plan(&a).expect("valid"));
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].proxy_paths, vec![MATRIX, CONTINUWUITY]);
        assert_eq!(s[0].files.len(), 2);
    }
}
