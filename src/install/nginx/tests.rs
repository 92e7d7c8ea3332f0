use std::collections::BTreeMap;

use super::*;
use crate::domain::{Answers, Proxy, plan};
use crate::generate::{artifacts, ids, sites::sites};

const DEBIAN_MAIN: &str = "user www-data;\nhttp {\n\tinclude /etc/nginx/mime.types;\n\tinclude /etc/nginx/conf.d/*.conf;\n\tinclude /etc/nginx/sites-enabled/*;\n}\n";
const DEFAULT_SITE: &str =
    "server {\n\tlisten 80 default_server;\n\tserver_name _;\n\troot /var/www/html;\n}\n";

struct Tree {
    listing: Listing,
    texts: BTreeMap<String, String>,
    generated: String,
    sites: Vec<Site>,
    acme: Option<String>,
}

fn tree(main: Option<&str>) -> Tree {
    let p = plan(&Answers {
        proxy: Proxy::Nginx,
        ..Answers::example()
    })
    .expect("valid");
    let generated = artifacts(&p)
        .into_iter()
        .find(|a| a.id == ids::PROXY)
        .expect("proxy artifact")
        .text;
    let mut t = Tree {
        listing: Listing::default(),
        texts: BTreeMap::new(),
        generated,
        sites: sites(&p),
        acme: None,
    };
    for d in [CONF_DIR, SITES_AVAILABLE, SITES_ENABLED, CONF_D] {
        t.listing.entries.insert(d.into(), Entry::Dir);
    }
    if let Some(main) = main {
        t.file(MAIN, main);
    }
    t.file("/etc/nginx/sites-available/default", DEFAULT_SITE);
    t.listing.entries.insert(
        "/etc/nginx/sites-enabled/default".into(),
        Entry::Symlink {
            target: "/etc/nginx/sites-available/default".into(),
        },
    );
    t.texts.insert(
        "/etc/nginx/sites-enabled/default".into(),
        DEFAULT_SITE.into(),
    );
    for name in ["example.com", "matrix.example.com"] {
        for f in ["fullchain.pem", "privkey.pem"] {
            t.listing
                .entries
                .insert(format!("/etc/letsencrypt/live/{name}/{f}"), Entry::File);
        }
    }
    t
}

impl Tree {
    fn file(&mut self, path: &str, text: &str) {
        self.listing.entries.insert(path.into(), Entry::File);
        self.texts.insert(path.into(), text.into());
    }

    fn decide(&self, proxy_config: Option<&str>) -> Decision {
        decide(&Inputs {
            acme: self.acme.as_deref(),
            listing: &self.listing,
            texts: &self.texts,
            generated: &self.generated,
            sites: &self.sites,
            server_name: "example.com",
            proxy_config,
        })
    }
}

#[test]
fn debian_layout_writes_sites_available_and_links_it() {
    let t = tree(Some(DEBIAN_MAIN));
    let Decision::Install(install) = t.decide(None) else {
        panic!("{:?}", t.decide(None))
    };
    assert_eq!(
        install.file,
        "/etc/nginx/sites-available/matrix-example.com.conf"
    );
    assert_eq!(
        install.ops,
        vec![
            FileOp::Write {
                path: install.file.clone(),
                contents: t.generated.clone()
            },
            FileOp::Link {
                path: "/etc/nginx/sites-enabled/matrix-example.com.conf".into(),
                target: "../sites-available/matrix-example.com.conf".into()
            }
        ]
    );
    assert!(install.why.contains("Debian layout"), "{}", install.why);
}

#[test]
fn conf_d_when_sites_enabled_is_not_included() {
    let t = tree(Some("http { include conf.d/*.conf; }"));
    let Decision::Install(install) = t.decide(None) else {
        panic!("{:?}", t.decide(None))
    };
    assert_eq!(install.file, "/etc/nginx/conf.d/matrix-example.com.conf");
    assert_eq!(install.ops.len(), 1);
}

#[test]
fn unknown_layout_says_what_it_looked_for_and_names_the_option() {
    for main in [None, Some("http { include /opt/sites/*.conf; }")] {
        let Decision::UnknownLayout { looked_for, hint } = tree(main).decide(None) else {
            panic!("{main:?}")
        };
        assert!(
            looked_for.iter().any(|l| l.contains("sites-enabled")),
            "{looked_for:?}"
        );
        assert!(hint.contains("--proxy-config PATH"), "{hint}");
    }
    let t = tree(Some("http { include /opt/sites/*.conf; }"));
    let Decision::Install(install) = t.decide(Some("/opt/sites/matrix.conf")) else {
        panic!()
    };
    assert_eq!(install.file, "/opt/sites/matrix.conf");
    assert!(
        install.why.contains("which nginx.conf includes"),
        "{}",
        install.why
    );
}

#[test]
fn an_existing_block_for_the_base_domain_is_a_conflict_with_exact_lines() {
    let mut t = tree(Some(DEBIAN_MAIN));
    let site = "server {\n    listen 443 ssl;\n    server_name example.com www.example.com;\n    ssl_certificate /etc/ssl/x.pem;\n    root /var/www/example;\n}\n";
    t.file("/etc/nginx/sites-available/example", site);
    t.listing.entries.insert(
        "/etc/nginx/sites-enabled/example".into(),
        Entry::Symlink {
            target: "../sites-available/example".into(),
        },
    );
    t.texts
        .insert("/etc/nginx/sites-enabled/example".into(), site.into());
    let Decision::Conflicts(merges) = t.decide(None) else {
        panic!("{:?}", t.decide(None))
    };
    assert_eq!(merges.len(), 1, "{merges:?}");
    let m = &merges[0];
    assert_eq!(m.site, "example.com");
    assert_eq!(m.ports, vec![443]);
    assert_eq!(m.file, "/etc/nginx/sites-enabled/example");
    assert_eq!(m.link_target.as_deref(), Some("../sites-available/example"));
    assert_eq!((m.open_line, m.close_line), (1, 6));
    let body = m.lines.join("\n");
    assert!(
        body.contains(
            "    location /.well-known/matrix/ {\n        proxy_pass http://127.0.0.1:8008;\n    }"
        ),
        "{body}"
    );
    assert!(
        !body.contains("server_name")
            && !body.contains("ssl_certificate")
            && !body.contains("listen"),
        "{body}"
    );
}

#[test]
fn a_block_that_already_has_the_locations_keeps_its_site() {
    let mut t = tree(Some(DEBIAN_MAIN));
    let site = "server {\n    listen 443 ssl;\n    server_name example.com;\n    location /.well-known/matrix/ { proxy_pass http://127.0.0.1:8008; }\n}\n";
    t.file("/etc/nginx/conf.d/example.conf", site);
    let Decision::Install(install) = t.decide(None) else {
        panic!("{:?}", t.decide(None))
    };
    let FileOp::Write { contents, .. } = &install.ops[0] else {
        panic!()
    };
    // The site left to the existing block loses its port-80 block too:
    // the operator's site answers for it there. (IPv4 and IPv6 `listen`
    // lines each give a port.)
    let blocks: Vec<(Vec<String>, Vec<u16>)> = scan::server_blocks(contents)
        .into_iter()
        .map(|b| (b.names, b.ports))
        .collect();
    assert_eq!(
        blocks,
        vec![
            (vec!["matrix.example.com".to_string()], vec![443, 443]),
            (vec!["matrix.example.com".to_string()], vec![80, 80]),
        ]
    );
    assert_eq!(install.notes.len(), 1, "{:?}", install.notes);
}

#[test]
fn missing_certificates_write_nothing_and_give_the_certbot_step() {
    let mut t = tree(Some(DEBIAN_MAIN));
    t.listing
        .entries
        .retain(|p, _| !p.starts_with("/etc/letsencrypt/live/example.com/"));
    let Decision::CertificatesMissing {
        missing,
        step,
        acme: AcmeStep::Nothing,
    } = t.decide(None)
    else {
        panic!("{:?}", t.decide(None))
    };
    assert_eq!(
        missing,
        vec![
            "/etc/letsencrypt/live/example.com/fullchain.pem",
            "/etc/letsencrypt/live/example.com/privkey.pem"
        ]
    );
    assert!(
        step.contains(&"  certbot certonly --nginx -d example.com".to_string()),
        "{step:?}"
    );
}

#[test]
fn a_second_run_changes_nothing() {
    let mut t = tree(Some(DEBIAN_MAIN));
    let generated = t.generated.clone();
    t.file(
        "/etc/nginx/sites-available/matrix-example.com.conf",
        &generated,
    );
    t.listing.entries.insert(
        "/etc/nginx/sites-enabled/matrix-example.com.conf".into(),
        Entry::Symlink {
            target: "../sites-available/matrix-example.com.conf".into(),
        },
    );
    t.texts.insert(
        "/etc/nginx/sites-enabled/matrix-example.com.conf".into(),
        generated,
    );
    assert!(
        matches!(t.decide(None), Decision::UpToDate { .. }),
        "{:?}",
        t.decide(None)
    );
}

#[test]
fn the_include_closure_follows_globs_and_relative_includes() {
    let mut t = tree(Some(
        "http { include conf.d/*.conf; include /etc/nginx/sites-enabled/*; }",
    ));
    t.file(
        "/etc/nginx/conf.d/a.conf",
        "include /etc/nginx/snippets/x.conf;",
    );
    let closure = include_closure(&t.listing, &t.texts);
    assert_eq!(
        closure,
        vec![
            MAIN,
            "/etc/nginx/conf.d/a.conf",
            "/etc/nginx/sites-enabled/default",
            "/etc/nginx/snippets/x.conf"
        ]
    );
}

const ACME_FILE: &str = "/etc/nginx/sites-available/acme-matrix-example.com.conf";
const ACME_LINK: &str = "/etc/nginx/sites-enabled/acme-matrix-example.com.conf";

/// A Debian tree without certificates, with the port-80 part to install
/// first.
fn without_certificates() -> Tree {
    let mut t = tree(Some(DEBIAN_MAIN));
    t.listing
        .entries
        .retain(|p, _| !p.starts_with("/etc/letsencrypt/"));
    let p = plan(&Answers {
        proxy: Proxy::Nginx,
        ..Answers::example()
    })
    .expect("valid");
    t.acme = crate::generate::acme_only(&p);
    t
}

/// The tree after the certificate step ran and certbot got the files.
fn after_the_certificate_step(acme_text: &str) -> Tree {
    let mut t = tree(Some(DEBIAN_MAIN));
    t.acme = without_certificates().acme;
    t.file(ACME_FILE, acme_text);
    t.listing.entries.insert(
        ACME_LINK.into(),
        Entry::Symlink {
            target: "../sites-available/acme-matrix-example.com.conf".into(),
        },
    );
    t.texts.insert(ACME_LINK.into(), acme_text.into());
    t
}

#[test]
fn missing_certificates_install_the_port_80_part_alone_first() {
    let t = without_certificates();
    let acme = t.acme.clone().expect("nginx has a port-80 part");
    let Decision::CertificatesMissing {
        missing,
        step,
        acme: AcmeStep::Install(install),
    } = t.decide(None)
    else {
        panic!("{:?}", t.decide(None))
    };
    assert_eq!(missing.len(), 4, "{missing:?}");
    assert!(step.iter().any(|l| l.contains("--webroot")), "{step:?}");
    assert_eq!(install.file, ACME_FILE);
    assert_eq!(
        install.ops,
        vec![
            FileOp::Write {
                path: ACME_FILE.into(),
                contents: acme.clone()
            },
            FileOp::Link {
                path: ACME_LINK.into(),
                target: "../sites-available/acme-matrix-example.com.conf".into()
            }
        ]
    );
    // Only port 80: no https block, no certificate named.
    assert!(scan::certificate_files(&acme).is_empty(), "{acme}");
    let blocks = scan::server_blocks(&acme);
    assert_eq!(blocks.len(), 2);
    assert!(
        blocks.iter().all(|b| b.ports.iter().all(|p| *p == 80)),
        "{blocks:?}"
    );
    // The same text as the port-80 part that ends the whole configuration.
    let tail = &t.generated[t
        .generated
        .find("\n# --- example.com, port 80")
        .expect("port 80")..];
    assert!(acme.ends_with(tail), "{acme}\n---\n{tail}");
}

#[test]
fn a_second_certificate_step_finds_its_port_80_part_in_place() {
    let mut t = after_the_certificate_step(&without_certificates().acme.unwrap_or_default());
    t.listing
        .entries
        .retain(|p, _| !p.starts_with("/etc/letsencrypt/"));
    assert_eq!(
        t.decide(None),
        Decision::CertificatesMissing {
            missing: t
                .sites
                .iter()
                .flat_map(|s| [
                    format!("/etc/letsencrypt/live/{}/fullchain.pem", s.name),
                    format!("/etc/letsencrypt/live/{}/privkey.pem", s.name)
                ])
                .collect(),
            step: crate::install::certificates::certbot_step(
                Proxy::Nginx,
                &scan::certificate_files(&t.generated)
            ),
            acme: AcmeStep::InPlace {
                file: ACME_FILE.into()
            },
        }
    );
}

#[test]
fn an_existing_port_80_block_without_the_challenge_is_a_conflict() {
    let mut t = without_certificates();
    t.file(
        "/etc/nginx/conf.d/site.conf",
        "server {\n    listen 80;\n    server_name example.com;\n    root /var/www/site;\n}\n",
    );
    let Decision::Conflicts(merges) = t.decide(None) else {
        panic!("{:?}", t.decide(None))
    };
    assert_eq!(merges.len(), 1, "{merges:?}");
    assert_eq!(merges[0].ports, vec![80]);
    assert_eq!(merges[0].file, "/etc/nginx/conf.d/site.conf");
    assert!(
        merges[0]
            .lines
            .iter()
            .any(|l| l.trim() == "location ^~ /.well-known/acme-challenge/ {"),
        "{:?}",
        merges[0].lines
    );
    // One that serves the challenge already keeps its name: only the
    // other name's port-80 block is installed.
    let mut t = without_certificates();
    t.file(
        "/etc/nginx/conf.d/site.conf",
        "server {\n    listen 80;\n    server_name example.com;\n    location ^~ /.well-known/acme-challenge/ { root /srv; }\n}\n",
    );
    let Decision::CertificatesMissing {
        acme: AcmeStep::Install(install),
        ..
    } = t.decide(None)
    else {
        panic!("{:?}", t.decide(None))
    };
    let FileOp::Write { contents, .. } = &install.ops[0] else {
        panic!("{:?}", install.ops)
    };
    let names: Vec<Vec<String>> = scan::server_blocks(contents)
        .into_iter()
        .map(|b| b.names)
        .collect();
    assert_eq!(names, vec![vec!["matrix.example.com".to_string()]]);
}

#[test]
fn the_full_install_removes_the_port_80_part_first() {
    let acme = without_certificates().acme.unwrap_or_default();
    let t = after_the_certificate_step(&acme);
    let Decision::Install(install) = t.decide(None) else {
        panic!("{:?}", t.decide(None))
    };
    assert_eq!(
        install.ops,
        vec![
            FileOp::Remove {
                path: ACME_LINK.into()
            },
            FileOp::Remove {
                path: ACME_FILE.into()
            },
            FileOp::Write {
                path: "/etc/nginx/sites-available/matrix-example.com.conf".into(),
                contents: t.generated.clone()
            },
            FileOp::Link {
                path: "/etc/nginx/sites-enabled/matrix-example.com.conf".into(),
                target: "../sites-available/matrix-example.com.conf".into()
            }
        ]
    );
    assert!(
        install
            .notes
            .iter()
            .any(|n| n.starts_with(&format!("removes {ACME_FILE}"))),
        "{:?}",
        install.notes
    );
}

#[test]
fn an_edited_port_80_part_stops_the_full_install() {
    let acme = without_certificates().acme.unwrap_or_default();
    let t = after_the_certificate_step(&format!("{acme}# mine\n"));
    assert_eq!(
        t.decide(None),
        Decision::AcmeFileEdited {
            file: ACME_FILE.into(),
            link: Some(ACME_LINK.into())
        }
    );
}

#[test]
fn with_proxy_config_the_port_80_part_goes_beside_it_and_says_whether_it_is_read() {
    let mut t = without_certificates();
    t.file(
        MAIN,
        "http {\n\tinclude /opt/web/*.conf;\n\tinclude /opt/one/matrix.conf;\n}\n",
    );
    let why = |t: &Tree, path: &str| match t.decide(Some(path)) {
        Decision::CertificatesMissing {
            acme: AcmeStep::Install(install),
            ..
        } => (install.file.clone(), install.why.clone()),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        why(&t, "/opt/web/matrix.conf"),
        (
            "/opt/web/acme-matrix.conf".to_string(),
            "beside --proxy-config /opt/web/matrix.conf; nginx.conf includes it".to_string()
        )
    );
    let (file, text) = why(&t, "/opt/one/matrix.conf");
    assert_eq!(file, "/opt/one/acme-matrix.conf");
    assert!(
        text.contains("nginx.conf does not include it")
            && text.contains("`include /opt/one/acme-matrix.conf;`"),
        "{text}"
    );
}
