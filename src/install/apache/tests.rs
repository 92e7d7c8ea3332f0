//! The Apache decision on a Debian tree without and with certificates:
//! the port-80 part first, then the whole site retiring it.

use std::collections::BTreeMap;

use super::*;
use crate::domain::{Answers, Proxy, plan};
use crate::generate::{acme_only, artifacts, ids, sites::sites};

const DEBIAN_MAIN: &str = "IncludeOptional mods-enabled/*.load\nIncludeOptional mods-enabled/*.conf\nIncludeOptional sites-enabled/*.conf\n";
const FILE: &str = "/etc/apache2/sites-available/matrix-example.com.conf";
const LINK: &str = "/etc/apache2/sites-enabled/matrix-example.com.conf";
const ACME_FILE: &str = "/etc/apache2/sites-available/acme-matrix-example.com.conf";
const ACME_LINK: &str = "/etc/apache2/sites-enabled/acme-matrix-example.com.conf";
const ACME_TARGET: &str = "../sites-available/acme-matrix-example.com.conf";

struct Tree {
    listing: Listing,
    texts: BTreeMap<String, String>,
    generated: String,
    acme: String,
    sites: Vec<Site>,
}

/// Debian's tree with every module enabled already, and certificates
/// for `with_certificates`.
fn tree(with_certificates: bool) -> Tree {
    let p = plan(&Answers {
        proxy: Proxy::Apache,
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
        acme: acme_only(&p).expect("Apache has a port-80 part"),
        sites: sites(&p),
    };
    for d in [
        CONF_DIR,
        SITES_AVAILABLE,
        SITES_ENABLED,
        MODS_AVAILABLE,
        MODS_ENABLED,
    ] {
        t.listing.entries.insert(d.into(), Entry::Dir);
    }
    t.file(MAIN, DEBIAN_MAIN);
    for module in scan::modules_needed(&t.generated) {
        t.listing
            .entries
            .insert(format!("{MODS_ENABLED}/{module}.load"), Entry::File);
    }
    if with_certificates {
        for name in ["example.com", "matrix.example.com"] {
            for f in ["fullchain.pem", "privkey.pem"] {
                t.listing
                    .entries
                    .insert(format!("/etc/letsencrypt/live/{name}/{f}"), Entry::File);
            }
        }
    }
    t
}

impl Tree {
    fn file(&mut self, path: &str, text: &str) {
        self.listing.entries.insert(path.into(), Entry::File);
        self.texts.insert(path.into(), text.into());
    }

    fn enabled(&mut self, link: &str, target: &str, text: &str) {
        self.listing.entries.insert(
            link.into(),
            Entry::Symlink {
                target: target.into(),
            },
        );
        self.texts.insert(link.into(), text.into());
    }

    fn decide(&self) -> Decision {
        decide(&Inputs {
            listing: &self.listing,
            texts: &self.texts,
            generated: &self.generated,
            sites: &self.sites,
            server_name: "example.com",
            acme: Some(&self.acme),
        })
    }
}

#[test]
fn missing_certificates_install_the_port_80_site_alone_and_enable_it() {
    let t = tree(false);
    let Decision::CertificatesMissing {
        missing,
        step,
        acme: AcmeStep::Install(install),
    } = t.decide()
    else {
        panic!("{:?}", t.decide())
    };
    assert_eq!(missing.len(), 4, "{missing:?}");
    assert!(
        step.iter()
            .any(|l| l.trim() == "certbot certonly --apache -d example.com"),
        "{step:?}"
    );
    assert_eq!(
        install.ops,
        vec![
            FileOp::Write {
                path: ACME_FILE.into(),
                contents: t.acme.clone()
            },
            FileOp::Link {
                path: ACME_LINK.into(),
                target: ACME_TARGET.into()
            }
        ]
    );
    // Port 80 only, no certificate named: Apache loads it without them.
    assert!(scan::certificate_files(&t.acme).is_empty(), "{}", t.acme);
    let hosts = scan::virtual_hosts(&t.acme);
    assert_eq!(hosts.len(), 2);
    assert!(
        hosts
            .iter()
            .all(|v| !v.serves(&v.names[0], 443) && v.serves(&v.names[0], 80)),
        "{hosts:?}"
    );
    // The same text as the port-80 part that ends the whole site.
    let tail = &t.generated[t
        .generated
        .find("\n# --- matrix.example.com, port 80")
        .expect("port 80")..];
    assert!(t.acme.ends_with(tail), "{}\n---\n{tail}", t.acme);
}

#[test]
fn an_existing_port_80_host_without_the_challenge_is_a_conflict() {
    let mut t = tree(false);
    let site = "<VirtualHost *:80>\n\tServerName example.com\n\tDocumentRoot /var/www/site\n</VirtualHost>\n";
    t.file("/etc/apache2/sites-available/site.conf", site);
    t.enabled(
        "/etc/apache2/sites-enabled/site.conf",
        "../sites-available/site.conf",
        site,
    );
    let Decision::Conflicts(merges) = t.decide() else {
        panic!("{:?}", t.decide())
    };
    assert_eq!(merges.len(), 1, "{merges:?}");
    assert_eq!(merges[0].ports, vec![80]);
    assert!(
        merges[0]
            .lines
            .iter()
            .any(|l| l.trim().starts_with("Alias /.well-known/acme-challenge/ ")),
        "{:?}",
        merges[0].lines
    );
    // One that has the challenge's Alias already is no conflict.
    let mut t = tree(false);
    let site = "<VirtualHost *:80>\n\tServerName example.com\n\tAlias /.well-known/acme-challenge/ /srv/acme/\n</VirtualHost>\n";
    t.file("/etc/apache2/sites-available/site.conf", site);
    t.enabled(
        "/etc/apache2/sites-enabled/site.conf",
        "../sites-available/site.conf",
        site,
    );
    assert!(
        matches!(t.decide(), Decision::CertificatesMissing { .. }),
        "{:?}",
        t.decide()
    );
}

#[test]
fn the_whole_site_retires_the_port_80_site_in_the_same_install() {
    let mut t = tree(true);
    let acme = t.acme.clone();
    t.file(ACME_FILE, &acme);
    t.enabled(ACME_LINK, ACME_TARGET, &acme);
    let Decision::Install(install) = t.decide() else {
        panic!("{:?}", t.decide())
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
                path: FILE.into(),
                contents: t.generated.clone()
            },
            FileOp::Link {
                path: LINK.into(),
                target: "../sites-available/matrix-example.com.conf".into()
            }
        ]
    );
    // Without the port-80 site, the same install without the removals.
    let t = tree(true);
    let Decision::Install(install) = t.decide() else {
        panic!("{:?}", t.decide())
    };
    assert!(
        !install
            .ops
            .iter()
            .any(|op| matches!(op, FileOp::Remove { .. })),
        "{:?}",
        install.ops
    );
}

#[test]
fn an_edited_port_80_site_is_not_removed() {
    let mut t = tree(true);
    let edited = format!("{}# mine\n", t.acme);
    t.file(ACME_FILE, &edited);
    t.enabled(ACME_LINK, ACME_TARGET, &edited);
    assert_eq!(
        t.decide(),
        Decision::AcmeFileEdited {
            file: ACME_FILE.into(),
            link: Some(ACME_LINK.into())
        }
    );
}

#[test]
fn the_port_80_site_enables_mod_alias_when_it_is_off() {
    let mut t = tree(false);
    t.listing
        .entries
        .remove(&format!("{MODS_ENABLED}/alias.load"));
    t.listing
        .entries
        .insert(format!("{MODS_AVAILABLE}/alias.load"), Entry::File);
    t.listing
        .entries
        .insert(format!("{MODS_AVAILABLE}/alias.conf"), Entry::File);
    let Decision::CertificatesMissing {
        acme: AcmeStep::Install(install),
        ..
    } = t.decide()
    else {
        panic!("{:?}", t.decide())
    };
    assert_eq!(
        install.ops[2..],
        [
            FileOp::Link {
                path: format!("{MODS_ENABLED}/alias.load"),
                target: "../mods-available/alias.load".into()
            },
            FileOp::Link {
                path: format!("{MODS_ENABLED}/alias.conf"),
                target: "../mods-available/alias.conf".into()
            }
        ]
    );
    assert!(
        install
            .notes
            .iter()
            .any(|n| n == "enables the modules it needs, as a2enmod does: alias"),
        "{:?}",
        install.notes
    );
}
