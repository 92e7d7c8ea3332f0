//! HAProxy: the generated sections in a file of their own next to
//! `/etc/haproxy/haproxy.cfg` (`matrix-<server name>.cfg`), tested together
//! with the main file (`haproxy -c -f haproxy.cfg -f <file>`). Nothing else
//! is changed: HAProxy reads only the files it is started with, so the
//! operator adds the file to its command line. A conflict is an existing
//! `frontend` or `listen` section that binds a port the generated
//! frontends bind: HAProxy would open both and split the connections
//! between them.

pub mod relocate;

use std::collections::BTreeMap;

use super::acme_first::{self, AcmeStep, Place};
use super::certificates::certbot_step;
use super::listing::Listing;
use super::{Decision, FileOp, Install, Merge};
use crate::domain::Proxy;

pub const CONF_DIR: &str = "/etc/haproxy";
pub const MAIN: &str = "/etc/haproxy/haproxy.cfg";

/// `matrix-example.com.cfg`.
pub fn file_name(server_name: &str) -> String {
    let conf = super::file_name(server_name);
    format!("{}.cfg", conf.trim_end_matches(".conf"))
}

pub fn own_file(server_name: &str, proxy_config: Option<&str>) -> String {
    proxy_config.map_or_else(
        || format!("{CONF_DIR}/{}", file_name(server_name)),
        str::to_string,
    )
}

/// A `frontend` or `listen` section: its name, the ports it binds and
/// its lines (1-based, first and last).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub kind: String,
    pub name: String,
    pub ports: Vec<u16>,
    pub first_line: usize,
    pub last_line: usize,
}

/// The port of a `bind` address: `:443`, `*:443`, `[::]:443`, `1.2.3.4:443`.
pub fn bind_port(addr: &str) -> Option<u16> {
    addr.rsplit_once(':')?.1.split(',').next()?.parse().ok()
}

/// The words of a line before its comment, split where HAProxy splits
/// them: at the C locale's white space (space, tab, vertical tab, form
/// feed, carriage return), not at other Unicode spaces.
fn words(line: &str) -> impl Iterator<Item = &str> {
    line.split('#')
        .next()
        .unwrap_or("")
        .split([' ', '\t', '\u{b}', '\u{c}', '\r'])
        .filter(|w| !w.is_empty())
}

/// The sections of a configuration, each to the line before the next
/// section keyword.
pub fn sections(text: &str) -> Vec<Section> {
    const KEYWORDS: &[&str] = &[
        "global",
        "defaults",
        "frontend",
        "backend",
        "listen",
        "userlist",
        "peers",
        "resolvers",
        "mailers",
        "program",
        "http-errors",
        "ring",
        "cache",
    ];
    let mut out: Vec<Section> = Vec::new();
    let mut current: Option<Section> = None;
    let mut last_content = 0;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let mut words = words(line);
        let Some(first) = words.next() else { continue };
        // A section keyword starts a section wherever the line begins:
        // HAProxy skips leading white space, indentation means nothing.
        if KEYWORDS.contains(&first) {
            if let Some(mut s) = current.take() {
                s.last_line = last_content;
                out.push(s);
            }
            if first == "frontend" || first == "listen" {
                current = Some(Section {
                    kind: first.to_string(),
                    name: words.next().unwrap_or("").to_string(),
                    ports: Vec::new(),
                    first_line: n,
                    last_line: n,
                });
            }
        } else if first == "bind"
            && let Some(s) = current.as_mut()
            && let Some(port) = words.next().and_then(bind_port)
        {
            s.ports.push(port);
        }
        last_content = n;
    }
    if let Some(mut s) = current {
        s.last_line = last_content;
        out.push(s);
    }
    out
}

/// The `crt` files the configuration names on its `bind` lines.
pub fn certificate_files(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let words: Vec<&str> = words(line).collect();
        if words.first() != Some(&"bind") {
            continue;
        }
        for pair in words.windows(2) {
            if pair[0] == "crt" && !out.contains(&pair[1].to_string()) {
                out.push(pair[1].to_string());
            }
        }
    }
    out
}

/// The sections of `main` that bind a port a section of `generated`
/// binds, with the lines to merge into them.
fn conflicts(main: &str, generated: &str) -> Vec<Merge> {
    let backends: Vec<&str> = generated
        .lines()
        .filter_map(|l| {
            let mut w = words(l);
            (w.next() == Some("backend")).then(|| w.next()).flatten()
        })
        .collect();
    let generated_lines: Vec<&str> = generated.lines().collect();
    let mut merges = Vec::new();
    for ours in sections(generated) {
        for theirs in sections(main) {
            let ports: Vec<u16> = ours
                .ports
                .iter()
                .copied()
                .filter(|p| theirs.ports.contains(p))
                .collect();
            if ports.is_empty() {
                continue;
            }
            let body = generated_lines
                .get(ours.first_line..ours.last_line)
                .unwrap_or(&[]);
            let mut lines: Vec<String> = body
                .iter()
                .filter(|l| {
                    let t = l.trim_start();
                    !t.starts_with("bind") && !t.starts_with('#') && !t.is_empty()
                })
                .map(|l| l.to_string())
                .collect();
            let crts: Vec<String> = certificate_files(&body.join("\n"))
                .into_iter()
                .map(|c| format!("crt {c}"))
                .collect();
            lines.insert(
                0,
                format!(
                    "    # and on its bind line for port(s) {ports:?}: ssl {}",
                    crts.join(" ")
                ),
            );
            for backend in &backends {
                lines.push(format!(
                    "    # and, as a section of its own: backend {backend} (from the generated file)"
                ));
            }
            merges.push(Merge {
                site: format!("{} {}", theirs.kind, theirs.name),
                ports,
                file: MAIN.to_string(),
                link_target: None,
                open_line: theirs.first_line,
                close_line: theirs.last_line,
                lines,
            });
        }
    }
    merges
}

/// What the decision reads.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    pub listing: &'a Listing,
    pub texts: &'a BTreeMap<String, String>,
    pub generated: &'a str,
    pub server_name: &'a str,
    pub proxy_config: Option<&'a str>,
    /// The port-80 part on its own (`generate::acme_only`), installed first
    /// while certificates are missing ([`acme_first`]).
    pub acme: Option<&'a str>,
}

pub fn decide(inputs: &Inputs<'_>) -> Decision {
    let file = own_file(inputs.server_name, inputs.proxy_config);
    let place = Place::beside(&file, None);
    let Some(main) = inputs.texts.get(MAIN) else {
        return Decision::UnknownLayout {
            looked_for: vec![format!(
                "{MAIN}, the configuration the haproxy service loads"
            )],
            hint: "name the file with --proxy-config PATH and test it with your configuration"
                .into(),
        };
    };
    let merges = conflicts(main, inputs.generated);
    if !merges.is_empty() {
        return Decision::Conflicts(merges);
    }
    let missing: Vec<String> = certificate_files(inputs.generated)
        .into_iter()
        .filter(|f| !inputs.listing.has_file(f))
        .collect();
    if !missing.is_empty() {
        let step = certbot_step(Proxy::Haproxy, &missing);
        let acme = match inputs.acme {
            None => AcmeStep::Nothing,
            // Conflicts on port 80 are among those above: the whole
            // configuration holds the same port-80 frontend.
            Some(acme) => acme_first::step(
                &place,
                acme,
                &format!(
                    "a file of its own next to {MAIN}; HAProxy reads it once it is started with \
                     `-f {MAIN} -f {}`",
                    place.file
                ),
                inputs.listing,
                inputs.texts,
            ),
        };
        return Decision::CertificatesMissing {
            missing,
            step,
            acme,
        };
    }
    let retire = match inputs.acme {
        None => Vec::new(),
        Some(acme) => match acme_first::retire(&place, acme, inputs.listing, inputs.texts) {
            Ok(ops) => ops,
            Err(d) => return d,
        },
    };
    if retire.is_empty() && inputs.texts.get(&file).map(String::as_str) == Some(inputs.generated) {
        return Decision::UpToDate {
            file,
            why: "it already holds this configuration".into(),
        };
    }
    let notes = if retire.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "{}; if HAProxy was started with `-f {}`, start it with `-f {file}` instead",
            acme_first::retire_note(&place),
            place.file
        )]
    };
    Decision::Install(Install {
        file: file.clone(),
        why: format!(
            "a file of its own next to {MAIN}; HAProxy reads it once it is started with \
             `-f {MAIN} -f {file}`"
        ),
        ops: retire
            .into_iter()
            .chain(
                (inputs.texts.get(&file).map(String::as_str) != Some(inputs.generated)).then(
                    || FileOp::Write {
                        path: file,
                        contents: inputs.generated.to_string(),
                    },
                ),
            )
            .collect(),
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAIN_TEXT: &str = "global\n\tdaemon\n\ndefaults\n\tmode http\n\nfrontend web\n\tbind :80\n\tbind :443 ssl crt /etc/ssl/x.pem\n\tdefault_backend b\n\nbackend b\n\tserver s 127.0.0.1:1\n";

    #[test]
    fn sections_with_ports_and_lines() {
        let s = sections(MAIN_TEXT);
        assert_eq!(s.len(), 1);
        assert_eq!(
            (s[0].name.as_str(), s[0].ports.clone()),
            ("web", vec![80, 443])
        );
        assert_eq!((s[0].first_line, s[0].last_line), (7, 10));
        assert_eq!(bind_port("[::]:443"), Some(443));
        assert_eq!(bind_port("/run/x.sock"), None);
    }

    const FILE: &str = "/etc/haproxy/matrix-example.com.cfg";
    const ACME_FILE: &str = "/etc/haproxy/acme-matrix-example.com.cfg";

    /// haproxy.cfg (with `main`), the generated file and its port-80 part
    /// alone, and the combined certificate files for `with_certificates`.
    fn inputs_for(
        main: &str,
        with_certificates: bool,
    ) -> (Listing, BTreeMap<String, String>, String, String) {
        let p = crate::domain::plan(&crate::domain::Answers {
            proxy: Proxy::Haproxy,
            ..crate::domain::Answers::example()
        })
        .expect("valid");
        let generated = crate::generate::artifacts(&p)
            .into_iter()
            .find(|a| a.id == crate::generate::ids::PROXY)
            .expect("proxy artifact")
            .text;
        let acme = crate::generate::acme_only(&p).expect("HAProxy has a port-80 part");
        let mut listing = Listing::default();
        listing
            .entries
            .insert(MAIN.into(), super::super::listing::Entry::File);
        if with_certificates {
            for f in certificate_files(&generated) {
                listing
                    .entries
                    .insert(f, super::super::listing::Entry::File);
            }
        }
        (
            listing,
            BTreeMap::from([(MAIN.to_string(), main.to_string())]),
            generated,
            acme,
        )
    }

    fn decide_with(
        listing: &Listing,
        texts: &BTreeMap<String, String>,
        generated: &str,
        acme: &str,
    ) -> Decision {
        decide(&Inputs {
            listing,
            texts,
            generated,
            server_name: "example.com",
            proxy_config: None,
            acme: Some(acme),
        })
    }

    const DEBIAN_MAIN: &str = "global\n\tdaemon\n\ndefaults\n\tmode http\n";

    #[test]
    fn missing_certificates_write_the_port_80_sections_alone() {
        let (listing, texts, generated, acme) = inputs_for(DEBIAN_MAIN, false);
        let Decision::CertificatesMissing {
            missing,
            step,
            acme: AcmeStep::Install(install),
        } = decide_with(&listing, &texts, &generated, &acme)
        else {
            panic!("{:?}", decide_with(&listing, &texts, &generated, &acme))
        };
        assert_eq!(missing, certificate_files(&generated));
        assert!(
            step.iter()
                .any(|l| l.contains("--standalone --http-01-port 8402")),
            "{step:?}"
        );
        assert_eq!(
            install.ops,
            vec![FileOp::Write {
                path: ACME_FILE.into(),
                contents: acme.clone()
            }]
        );
        assert!(certificate_files(&acme).is_empty(), "{acme}");
        let ports: Vec<Vec<u16>> = sections(&acme).into_iter().map(|s| s.ports).collect();
        assert_eq!(ports, vec![vec![80]], "{acme}");
        // The same sections as those that end the whole file.
        let tail = &generated[generated.find("frontend matrix_80").expect("port 80")..];
        assert!(acme.ends_with(tail), "{acme}\n---\n{tail}");
    }

    #[test]
    fn a_frontend_on_port_80_is_a_conflict_even_without_certificates() {
        let main = format!(
            "{DEBIAN_MAIN}\nfrontend web\n\tbind :80\n\tdefault_backend b\n\nbackend b\n\tserver s 127.0.0.1:1\n"
        );
        let (listing, texts, generated, acme) = inputs_for(&main, false);
        let Decision::Conflicts(merges) = decide_with(&listing, &texts, &generated, &acme) else {
            panic!("{:?}", decide_with(&listing, &texts, &generated, &acme))
        };
        assert_eq!(merges.len(), 1, "{merges:?}");
        assert_eq!(merges[0].ports, vec![80]);
    }

    #[test]
    fn the_whole_file_retires_the_port_80_file() {
        let (listing, mut texts, generated, acme) = inputs_for(DEBIAN_MAIN, true);
        let mut listing = listing;
        listing
            .entries
            .insert(ACME_FILE.into(), super::super::listing::Entry::File);
        texts.insert(ACME_FILE.into(), acme.clone());
        let Decision::Install(install) = decide_with(&listing, &texts, &generated, &acme) else {
            panic!("{:?}", decide_with(&listing, &texts, &generated, &acme))
        };
        assert_eq!(
            install.ops,
            vec![
                FileOp::Remove {
                    path: ACME_FILE.into()
                },
                FileOp::Write {
                    path: FILE.into(),
                    contents: generated.clone()
                }
            ]
        );
        assert!(
            install
                .notes
                .iter()
                .any(|n| n.contains(&format!("start it with `-f {FILE}` instead"))),
            "{:?}",
            install.notes
        );
        // Edited since: kept, and the install stops.
        texts.insert(ACME_FILE.into(), format!("{acme}# mine\n"));
        assert_eq!(
            decide_with(&listing, &texts, &generated, &acme),
            Decision::AcmeFileEdited {
                file: ACME_FILE.into(),
                link: None
            }
        );
    }

    #[test]
    fn certificates_on_bind_lines() {
        assert_eq!(
            certificate_files(
                "frontend f\n    bind [::]:443 v4v6 ssl crt /a.pem crt /b.pem alpn h2\n"
            ),
            vec!["/a.pem", "/b.pem"]
        );
    }
}
