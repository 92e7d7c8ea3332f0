//! Certificates first: while the certificate files the configuration
//! names do not exist, the proxy would refuse the whole configuration, so
//! the install puts only its port-80 part (the ACME http-01 challenge,
//! RFC 8555 §8.3, and the redirect to https) live, in a file of its own
//! beside the one the full install writes (`acme-matrix-<name>.conf`, and
//! its own link where the layout enables sites by links). certbot then
//! gets the certificates through it, and the next install writes the
//! full configuration and removes that file in the same transaction.
//!
//! The file's name starts with `acme-` while every install file's starts
//! with `matrix-` ([`super::file_name`]), so no server name's file can be
//! taken for it.

use std::collections::BTreeMap;

use super::listing::{Entry, Listing};
use super::{Decision, FileOp, Install};

/// What the certificate step installs before certbot runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AcmeStep {
    /// Nothing: the proxy answers the challenge by itself, or existing
    /// port-80 blocks already serve it for every name.
    Nothing,
    /// The port-80 part goes live first, with these operations.
    Install(Box<Install>),
    /// An earlier install put it in place and it is unchanged.
    InPlace { file: String },
}

/// Where the port-80 part goes: beside the full install's file and link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub link: Option<String>,
}

impl Place {
    /// The place beside the full install's `file` and `link`.
    pub fn beside(file: &str, link: Option<&str>) -> Place {
        Place {
            file: beside(file),
            link: link.map(beside),
        }
    }
}

/// `<dir>/acme-<name>` for `<dir>/<name>`.
pub fn beside(path: &str) -> String {
    match path.rsplit_once('/') {
        Some((dir, name)) => format!("{dir}/acme-{name}"),
        None => format!("acme-{path}"),
    }
}

/// A link's target as a2ensite writes it (and the install does):
/// relative, so it points at the same file under any root.
pub fn link_target(file: &str) -> String {
    format!(
        "../sites-available/{}",
        file.rsplit('/').next().unwrap_or(file)
    )
}

fn link_in_place(place: &Place, listing: &Listing) -> bool {
    place.link.as_ref().is_none_or(|link| {
        matches!(listing.get(link), Some(Entry::Symlink { target }) if *target == link_target(&place.file))
    })
}

/// The certificate step's install of `text` at `place`, or
/// [`AcmeStep::InPlace`] when an earlier run wrote exactly that.
pub fn step(
    place: &Place,
    text: &str,
    why: &str,
    listing: &Listing,
    texts: &BTreeMap<String, String>,
) -> AcmeStep {
    let file_ok = texts.get(&place.file).map(String::as_str) == Some(text);
    let link_ok = link_in_place(place, listing);
    if file_ok && link_ok {
        return AcmeStep::InPlace {
            file: place.file.clone(),
        };
    }
    let mut ops = Vec::new();
    if !file_ok {
        ops.push(FileOp::Write {
            path: place.file.clone(),
            contents: text.to_string(),
        });
    }
    if let Some(link) = &place.link
        && !link_ok
    {
        ops.push(FileOp::Link {
            path: link.clone(),
            target: link_target(&place.file),
        });
    }
    AcmeStep::Install(Box::new(Install {
        file: place.file.clone(),
        why: why.to_string(),
        ops,
        notes: vec![
            "only the port-80 part for now: the sites on the https ports stay off until their \
             certificates exist"
                .into(),
        ],
    }))
}

/// The operations that remove the port-80 part an earlier certificate
/// step installed (link first, then the file), to come before the full
/// configuration's in the same transaction: a kill between two operations
/// then never leaves two port-80 parts for the same names (HAProxy refuses
/// two sections of one name; nginx and Apache would ignore the second).
/// Empty when there is none. When the file no longer holds `text`, or the
/// link points elsewhere, the operator changed them: nothing is removed
/// and the install stops with [`Decision::AcmeFileEdited`].
pub fn retire(
    place: &Place,
    text: &str,
    listing: &Listing,
    texts: &BTreeMap<String, String>,
) -> Result<Vec<FileOp>, Decision> {
    let edited = || Decision::AcmeFileEdited {
        file: place.file.clone(),
        link: place.link.clone(),
    };
    let mut ops = Vec::new();
    if let Some(link) = &place.link {
        match listing.get(link) {
            None => {}
            Some(Entry::Symlink { target }) if *target == link_target(&place.file) => {
                ops.push(FileOp::Remove { path: link.clone() });
            }
            Some(_) => return Err(edited()),
        }
    }
    let present = listing.get(&place.file).is_some() || texts.contains_key(&place.file);
    if present {
        if texts.get(&place.file).map(String::as_str) != Some(text) {
            return Err(edited());
        }
        ops.push(FileOp::Remove {
            path: place.file.clone(),
        });
    }
    Ok(ops)
}

/// The note on a full install that retires the certificate step's file.
pub fn retire_note(place: &Place) -> String {
    format!(
        "removes {}, the port-80 part installed on its own while the certificates were \
         missing: the whole configuration ends with the same part",
        place.file
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "/etc/nginx/sites-available/acme-matrix-example.com.conf";
    const LINK: &str = "/etc/nginx/sites-enabled/acme-matrix-example.com.conf";

    fn place() -> Place {
        Place::beside(
            "/etc/nginx/sites-available/matrix-example.com.conf",
            Some("/etc/nginx/sites-enabled/matrix-example.com.conf"),
        )
    }

    fn installed(text: &str) -> (Listing, BTreeMap<String, String>) {
        let mut listing = Listing::default();
        listing.entries.insert(FILE.into(), Entry::File);
        listing.entries.insert(
            LINK.into(),
            Entry::Symlink {
                target: "../sites-available/acme-matrix-example.com.conf".into(),
            },
        );
        (
            listing,
            BTreeMap::from([(FILE.to_string(), text.to_string())]),
        )
    }

    #[test]
    fn the_place_is_beside_the_full_install() {
        assert_eq!(
            place(),
            Place {
                file: FILE.into(),
                link: Some(LINK.into())
            }
        );
        assert_eq!(beside("x.cfg"), "acme-x.cfg");
    }

    #[test]
    fn a_fresh_tree_gets_the_file_and_its_link() {
        let step = step(
            &place(),
            "server {}\n",
            "why",
            &Listing::default(),
            &BTreeMap::new(),
        );
        let AcmeStep::Install(install) = step else {
            panic!("{step:?}")
        };
        assert_eq!(
            install.ops,
            vec![
                FileOp::Write {
                    path: FILE.into(),
                    contents: "server {}\n".into()
                },
                FileOp::Link {
                    path: LINK.into(),
                    target: "../sites-available/acme-matrix-example.com.conf".into()
                }
            ]
        );
    }

    #[test]
    fn a_second_run_finds_it_in_place() {
        let (listing, texts) = installed("server {}\n");
        assert_eq!(
            step(&place(), "server {}\n", "why", &listing, &texts),
            AcmeStep::InPlace { file: FILE.into() }
        );
    }

    #[test]
    fn retiring_removes_the_link_then_the_file() {
        let (listing, texts) = installed("server {}\n");
        assert_eq!(
            retire(&place(), "server {}\n", &listing, &texts),
            Ok(vec![
                FileOp::Remove { path: LINK.into() },
                FileOp::Remove { path: FILE.into() }
            ])
        );
        assert_eq!(
            retire(&place(), "x", &Listing::default(), &BTreeMap::new()),
            Ok(vec![])
        );
    }

    #[test]
    fn an_edited_file_or_a_foreign_link_is_not_removed() {
        let (listing, texts) = installed("server { # mine\n}\n");
        let edited = Err(Decision::AcmeFileEdited {
            file: FILE.into(),
            link: Some(LINK.into()),
        });
        assert_eq!(retire(&place(), "server {}\n", &listing, &texts), edited);
        let (mut listing, texts) = installed("server {}\n");
        listing.entries.insert(
            LINK.into(),
            Entry::Symlink {
                target: "/elsewhere".into(),
            },
        );
        assert_eq!(retire(&place(), "server {}\n", &listing, &texts), edited);
    }
}
