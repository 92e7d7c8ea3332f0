//! The transitions of server discovery (see [`crate::matrix::discovery`] for the
//! steps). Private: the runner uses [`super::Discovery`].

use super::Need;
use super::types::{MAX_ADDRESSES_PER_HOST, MAX_SRV_TARGETS, Note, Resolution, Step, Target};
use crate::domain::{Host, ServerName, SrvService};
use crate::finding::{Evidence, Status};
use crate::matrix::srv::{self, SrvOutcome};
use crate::matrix::well_known_server::ServerWellKnown;
use crate::observe::{AddressLookup, HttpObservation, SrvLookup};

/// The port when nothing else gives one.
pub(super) const DEFAULT_PORT: u16 = 8448;

#[derive(Debug, Clone)]
pub(super) enum Phase {
    AwaitWellKnown {
        url: String,
    },
    AwaitSrv {
        /// The host the SRV owner is built from.
        host: String,
        /// Reached through a valid `m.server` (steps 3.3/3.4) or not (4/5).
        delegated: bool,
        legacy: bool,
    },
    AwaitAddresses {
        step: Step,
        pending: Vec<Target>,
    },
    Done(Box<Resolution>),
}

#[derive(Debug, Clone)]
pub(super) struct Machine {
    pub(super) phase: Phase,
    draft: Resolution,
}

fn target(connect_host: &str, port: u16, host_header: String, cert_host: &str) -> Target {
    Target {
        connect_host: connect_host.to_string(),
        port,
        host_header,
        sni: Some(cert_host.to_string()),
        cert_name: cert_host.to_string(),
        srv: None,
        addresses: Vec::new(),
        lookup_failure: None,
        cname: None,
    }
}

/// An IP literal target: no lookup, no SNI, certificate for the IP.
fn ip_target(host: &Host, port: u16, host_header: String) -> Target {
    let ip = match host {
        Host::Ipv4(ip) => Some(std::net::IpAddr::V4(*ip)),
        Host::Ipv6(ip) => Some(std::net::IpAddr::V6(*ip)),
        Host::Dns(_) => None,
    };
    let text = ip
        .map(|i| i.to_string())
        .unwrap_or_else(|| host.to_string());
    Target {
        connect_host: text.clone(),
        port,
        host_header,
        sni: None,
        cert_name: text,
        srv: None,
        addresses: ip.into_iter().collect(),
        lookup_failure: None,
        cname: None,
    }
}

fn same_host(a: &str, b: &str) -> bool {
    a.trim_end_matches('.')
        .eq_ignore_ascii_case(b.trim_end_matches('.'))
}

impl Machine {
    pub(super) fn start(name: ServerName) -> Machine {
        let mut draft = Resolution::empty(name.clone(), Step::DefaultPort);
        let phase = match (&name.host, name.port) {
            (Host::Ipv4(_) | Host::Ipv6(_), port) => {
                draft.trail.push(Evidence {
                    asked: format!("server name {name}"),
                    got: "an IP literal: connect to it directly (step 1)".into(),
                });
                let port = port.unwrap_or(DEFAULT_PORT);
                draft.step = Step::IpLiteral;
                draft.targets = vec![ip_target(&name.host, port, name.as_str().to_string())];
                Phase::Done(Box::new(draft.clone()))
            }
            (Host::Dns(host), Some(port)) => {
                draft.trail.push(Evidence {
                    asked: format!("server name {name}"),
                    got: format!("explicit port {port}: no well-known, no SRV (step 2)"),
                });
                Phase::AwaitAddresses {
                    step: Step::ExplicitPort,
                    pending: vec![target(host, port, name.as_str().to_string(), host)],
                }
            }
            (Host::Dns(host), None) => Phase::AwaitWellKnown {
                url: format!("https://{host}/.well-known/matrix/server"),
            },
        };
        Machine { phase, draft }
    }

    pub(super) fn need(&self) -> Option<Need> {
        match &self.phase {
            Phase::AwaitWellKnown { url } => Some(Need::WellKnown { url: url.clone() }),
            Phase::AwaitSrv {
                host,
                legacy: false,
                ..
            } => Some(Need::Srv {
                name: SrvService::Federation.owner(host),
            }),
            Phase::AwaitSrv {
                host, legacy: true, ..
            } => Some(Need::LegacySrv {
                name: SrvService::LegacyFederation.owner(host),
            }),
            Phase::AwaitAddresses { pending, .. } => {
                let mut hosts: Vec<String> = Vec::new();
                for t in pending {
                    if !hosts.iter().any(|h| same_host(h, &t.connect_host)) {
                        hosts.push(t.connect_host.clone());
                    }
                }
                Some(Need::Addresses { hosts })
            }
            Phase::Done(_) => None,
        }
    }

    pub(super) fn resolution_so_far(&self) -> Resolution {
        match &self.phase {
            Phase::Done(res) => (**res).clone(),
            _ => self.draft.clone(),
        }
    }

    fn note(&mut self, status: Status, text: String) {
        self.draft.notes.push(Note { status, text });
    }

    fn finish(&mut self) {
        self.phase = Phase::Done(Box::new(self.draft.clone()));
    }

    pub(super) fn on_well_known(&mut self, obs: HttpObservation) {
        let name_host = self.draft.server_name.host_str();
        let wk = ServerWellKnown::read(obs);
        let got = match (wk.m_server(), wk.invalid()) {
            (Some(m), _) => format!("m.server = {m}"),
            (None, Some(invalid)) => format!("{}: skip to step 4", invalid.describe()),
            (None, None) => "no answer".into(),
        };
        self.draft.trail.push(Evidence {
            asked: format!("GET {}", wk.observation.url),
            got,
        });
        let m_server = wk.m_server().cloned();
        self.draft.well_known = Some(wk);
        self.phase = match m_server {
            Some(m) => match (&m.host, m.port) {
                (Host::Ipv4(_) | Host::Ipv6(_), port) => {
                    let header = match port {
                        Some(p) => format!("{}:{p}", m.host_str()),
                        None => m.host_str(),
                    };
                    self.draft.step = Step::DelegatedIp;
                    self.draft.targets =
                        vec![ip_target(&m.host, port.unwrap_or(DEFAULT_PORT), header)];
                    Phase::Done(Box::new(self.draft.clone()))
                }
                (Host::Dns(host), Some(port)) => Phase::AwaitAddresses {
                    step: Step::DelegatedHostPort,
                    pending: vec![target(host, port, format!("{host}:{port}"), host)],
                },
                (Host::Dns(host), None) => Phase::AwaitSrv {
                    host: host.clone(),
                    delegated: true,
                    legacy: false,
                },
            },
            None => Phase::AwaitSrv {
                host: name_host,
                delegated: false,
                legacy: false,
            },
        };
    }

    pub(super) fn on_srv(&mut self, lookup: SrvLookup, legacy: bool) {
        let Phase::AwaitSrv {
            host, delegated, ..
        } = self.phase.clone()
        else {
            return;
        };
        let outcome = srv::classify(&lookup);
        let step = match (delegated, legacy) {
            (true, false) => Step::DelegatedSrv,
            (true, true) => Step::DelegatedLegacySrv,
            (false, false) => Step::Srv,
            (false, true) => Step::LegacySrv,
        };
        let got = match &outcome {
            SrvOutcome::Targets(records) => {
                let mut shown: Vec<String> = records
                    .iter()
                    .take(MAX_SRV_TARGETS)
                    .map(ToString::to_string)
                    .collect();
                if records.len() > MAX_SRV_TARGETS {
                    shown.push(format!(
                        "and {} more, not followed",
                        records.len() - MAX_SRV_TARGETS
                    ));
                }
                shown.join("; ")
            }
            SrvOutcome::NoService(r) => format!("{r}: target `.` means no service"),
            SrvOutcome::NotFound(e) | SrvOutcome::Failed(e) => e.to_string(),
        };
        self.draft.trail.push(Evidence {
            asked: format!("SRV {}", lookup.name),
            got,
        });
        if srv::stray_dots(&lookup) > 0 {
            self.note(
                Status::Warn,
                format!(
                    "{} mixes `.` targets with real ones; `.` only means \"no service\" when it \
                     is the only record, so it is ignored",
                    lookup.name
                ),
            );
        }
        let owner = lookup.name.clone();
        self.draft.srv_lookups.push(lookup);
        match outcome {
            SrvOutcome::Targets(mut records) => {
                if records.len() > MAX_SRV_TARGETS {
                    self.draft.not_probed.srv_targets += records.len() - MAX_SRV_TARGETS;
                    records.truncate(MAX_SRV_TARGETS);
                }
                if step.is_deprecated() {
                    self.note(
                        Status::Warn,
                        format!(
                            "only the deprecated {owner} record exists (step {step}); servers \
                             that dropped it fall through to port 8448: publish \
                             _matrix-fed._tcp.{host} with the same data"
                        ),
                    );
                }
                let pending = records
                    .into_iter()
                    .map(|r| {
                        let mut t = target(r.target_host(), r.port, host.clone(), &host);
                        t.srv = Some(r);
                        t
                    })
                    .collect();
                self.phase = Phase::AwaitAddresses { step, pending };
            }
            SrvOutcome::NoService(_) => {
                self.note(
                    Status::Fail,
                    format!(
                        "{owner} has the single target `.`: the domain declares that it offers \
                         no Matrix federation, and servers stop here"
                    ),
                );
                self.draft.step = step;
                self.draft.no_service = Some(owner);
                self.finish();
            }
            SrvOutcome::NotFound(_) | SrvOutcome::Failed(_) => {
                if let SrvOutcome::Failed(e) = &outcome {
                    self.note(
                        Status::Fail,
                        format!(
                            "the SRV lookup of {owner} failed ({e}): neither a record nor a \
                             \"none\". Synapse gives up on the server until the lookup works; \
                             other servers carry on with the next step, as this check does"
                        ),
                    );
                }
                self.phase = if legacy {
                    let default = if delegated {
                        Step::DelegatedDefaultPort
                    } else {
                        Step::DefaultPort
                    };
                    Phase::AwaitAddresses {
                        step: default,
                        pending: vec![target(&host, DEFAULT_PORT, host.clone(), &host)],
                    }
                } else {
                    Phase::AwaitSrv {
                        host,
                        delegated,
                        legacy: true,
                    }
                };
            }
        }
    }

    pub(super) fn on_addresses(&mut self, lookups: Vec<AddressLookup>) {
        let Phase::AwaitAddresses { step, pending } = self.phase.clone() else {
            return;
        };
        let mut targets = Vec::new();
        for mut t in pending {
            match lookups.iter().find(|l| same_host(&l.name, &t.connect_host)) {
                Some(lookup) => {
                    let mut addresses = lookup.addresses();
                    addresses.truncate(MAX_ADDRESSES_PER_HOST);
                    t.addresses = addresses;
                    t.lookup_failure = lookup.failure();
                    t.cname = lookup.cnames.last().map(|c| c.target.clone());
                }
                None => t.lookup_failure = Some("the addresses were not looked up".into()),
            }
            // RFC 2782 forbids aliases as SRV targets, but Synapse,
            // Continuwuity and Dendrite all follow the CNAME: a spec
            // violation to fix, not a broken path.
            if let (Some(record), Some(alias)) = (&t.srv, &t.cname) {
                self.note(
                    Status::Warn,
                    format!(
                        "the SRV target {} is a CNAME (alias of {alias}): RFC 2782 forbids \
                         aliases as SRV targets; Synapse, Continuwuity and Dendrite follow it \
                         anyway, a stricter resolver may not: point the record at {alias} or \
                         give {} its own A/AAAA records",
                        record.target_host(),
                        record.target_host()
                    ),
                );
            }
            targets.push(t);
        }
        for lookup in &lookups {
            let got = match lookup.failure() {
                Some(f) => f,
                None => {
                    let all = lookup.addresses();
                    let mut shown: Vec<String> = all
                        .iter()
                        .take(MAX_ADDRESSES_PER_HOST)
                        .map(ToString::to_string)
                        .collect();
                    if all.len() > MAX_ADDRESSES_PER_HOST {
                        self.draft.not_probed.addresses += all.len() - MAX_ADDRESSES_PER_HOST;
                        shown.push(format!(
                            "and {} more, not probed",
                            all.len() - MAX_ADDRESSES_PER_HOST
                        ));
                    }
                    shown.join(", ")
                }
            };
            let via = match lookup.cnames.last() {
                Some(c) => format!(" (CNAME → {})", c.target),
                None => String::new(),
            };
            self.draft.trail.push(Evidence {
                asked: format!("A/AAAA {}", lookup.name),
                got: format!("{got}{via}"),
            });
        }
        self.draft.address_lookups.extend(lookups);
        self.draft.step = step;
        self.draft.targets = targets;
        self.finish();
    }
}
