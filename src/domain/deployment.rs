//! Where the homeserver's settings live and what sits in front of it.

use std::fmt;
use std::str::FromStr;

/// How the homeserver is configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Deployment {
    /// A TOML config file (`[global.well_known]`).
    ConfigFile,
    /// Environment variables in a container (`CONTINUWUITY_WELL_KNOWN...`).
    Docker,
}

/// The reverse proxy (or static web server) the operator uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Proxy {
    Caddy,
    Nginx,
    Apache,
    Haproxy,
    Traefik,
    /// Only static files on the base domain; no generated proxy config.
    Static,
}

macro_rules! id_enum {
    ($ty:ident, $what:literal, [$($variant:ident => $id:literal, $title:literal;)+]) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];
            pub fn id(self) -> &'static str {
                match self { $($ty::$variant => $id),+ }
            }
            pub fn title(self) -> &'static str {
                match self { $($ty::$variant => $title),+ }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.id())
            }
        }
        impl FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                $ty::ALL.iter().copied().find(|v| v.id() == s).ok_or_else(|| {
                    let ids: Vec<&str> = $ty::ALL.iter().map(|v| v.id()).collect();
                    let hint = crate::words::closest(s, &ids)
                        .map(|c| format!("did you mean `{c}`? "))
                        .unwrap_or_default();
                    format!("unknown {} `{}`; {hint}choose one of: {}", $what, s, ids.join(", "))
                })
            }
        }
    };
}

id_enum!(Deployment, "deployment", [
    ConfigFile => "config", "config file";
    Docker => "docker", "Docker environment";
]);

id_enum!(Proxy, "proxy", [
    Caddy => "caddy", "Caddy";
    Nginx => "nginx", "nginx";
    Apache => "apache", "Apache httpd";
    Haproxy => "haproxy", "HAProxy";
    Traefik => "traefik", "Traefik (Docker labels)";
    Static => "static", "static files only";
]);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for p in Proxy::ALL {
            assert_eq!(p.id().parse::<Proxy>(), Ok(*p));
        }
        for d in Deployment::ALL {
            assert_eq!(d.id().parse::<Deployment>(), Ok(*d));
        }
        assert!(
            "iis"
                .parse::<Proxy>()
                .expect_err("unknown")
                .contains("haproxy")
        );
    }
}
