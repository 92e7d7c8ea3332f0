//! A canned little internet for driving server discovery in tests:
//! anything not listed is NXDOMAIN or unreachable.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::IpAddr;

use matrix_delegate::domain::ServerName;
use matrix_delegate::matrix::discovery::{Discovery, Input, Need, Resolution};
use matrix_delegate::observe::{
    AddressLookup, AddressRecord, CnameRecord, DnsError, FetchFailure, HttpObservation, SrvLookup,
    SrvRecord,
};

pub const NX: DnsError = DnsError::NxDomain { negative_ttl: None };

/// A canned little internet: anything not listed is NXDOMAIN / unreachable.
#[derive(Default)]
pub struct World {
    pub well_known: HashMap<String, HttpObservation>,
    pub srv: HashMap<String, Result<Vec<SrvRecord>, DnsError>>,
    pub hosts: HashMap<String, AddressLookup>,
    pub asked: Vec<Need>,
}

impl World {
    pub fn m_server(mut self, name: &str, m_server: &str) -> World {
        let url = format!("https://{name}/.well-known/matrix/server");
        let body = format!(r#"{{"m.server":"{m_server}"}}"#);
        let obs = HttpObservation::get(&url).respond(
            200,
            &[("content-type", "application/json")],
            body.as_bytes(),
        );
        self.well_known.insert(url, obs);
        self
    }

    pub fn well_known_status(mut self, name: &str, status: u16) -> World {
        let url = format!("https://{name}/.well-known/matrix/server");
        self.well_known.insert(
            url.clone(),
            HttpObservation::get(&url).respond(status, &[], b"nope"),
        );
        self
    }

    pub fn srv(mut self, owner: &str, records: Result<Vec<SrvRecord>, DnsError>) -> World {
        self.srv.insert(owner.to_string(), records);
        self
    }

    pub fn host(mut self, name: &str, ips: &[&str]) -> World {
        let parse = |s: &&str| AddressRecord {
            ip: s.parse::<IpAddr>().expect("test address"),
            ttl: 300,
        };
        let (v4, v6): (Vec<&str>, Vec<&str>) = ips.iter().partition(|s| !s.contains(':'));
        let or_nodata = |v: Vec<AddressRecord>| {
            if v.is_empty() {
                Err(DnsError::NoData { negative_ttl: None })
            } else {
                Ok(v)
            }
        };
        self.hosts.insert(
            name.to_string(),
            AddressLookup {
                name: name.to_string(),
                cnames: Vec::new(),
                a: or_nodata(v4.iter().map(parse).collect()),
                aaaa: or_nodata(v6.iter().map(parse).collect()),
            },
        );
        self
    }

    pub fn cname(mut self, name: &str, target: &str, ips: &[&str]) -> World {
        self = self.host(name, ips);
        if let Some(l) = self.hosts.get_mut(name) {
            l.cnames.push(CnameRecord {
                name: name.into(),
                target: target.into(),
                ttl: 60,
            });
        }
        self
    }

    pub fn answer(&mut self, need: &Need) -> Input {
        self.asked.push(need.clone());
        match need {
            Need::WellKnown { url } => {
                let obs = self.well_known.get(url).cloned().unwrap_or_else(|| {
                    let host = url::Url::parse(url)
                        .ok()
                        .and_then(|u| u.host_str().map(str::to_string))
                        .unwrap_or_default();
                    HttpObservation::get(url).fail(FetchFailure::Dns(Box::new(nx_lookup(&host))))
                });
                Input::WellKnown(Box::new(obs))
            }
            Need::Srv { name } => Input::Srv(self.srv_lookup(name)),
            Need::LegacySrv { name } => Input::LegacySrv(self.srv_lookup(name)),
            Need::Addresses { hosts } => Input::Addresses(
                hosts
                    .iter()
                    .map(|h| self.hosts.get(h).cloned().unwrap_or_else(|| nx_lookup(h)))
                    .collect(),
            ),
        }
    }

    pub fn srv_lookup(&self, name: &str) -> SrvLookup {
        SrvLookup {
            name: name.to_string(),
            records: self.srv.get(name).cloned().unwrap_or(Err(NX)),
        }
    }

    pub fn resolve(&mut self, name: &str) -> Resolution {
        let name = ServerName::parse(name).expect("test server name");
        Discovery::run(name, |need| self.answer(need))
    }
}

/// The A/AAAA lookup of a name that does not exist.
pub fn nx_lookup(name: &str) -> AddressLookup {
    AddressLookup {
        name: name.to_string(),
        cnames: Vec::new(),
        a: Err(NX),
        aaaa: Err(NX),
    }
}

pub fn rec(priority: u16, weight: u16, port: u16, target: &str) -> SrvRecord {
    SrvRecord {
        priority,
        weight,
        port,
        target: target.into(),
        ttl: 3600,
    }
}

/// (address, Host, SNI, certificate name) of every endpoint.
pub fn endpoints(res: &Resolution) -> Vec<(String, String, Option<String>, String)> {
    res.endpoints()
        .into_iter()
        .map(|(addr, t)| {
            (
                addr.to_string(),
                t.host_header.clone(),
                t.sni.clone(),
                t.cert_name.clone(),
            )
        })
        .collect()
}

pub fn ep(
    addr: &str,
    host: &str,
    sni: Option<&str>,
    cert: &str,
) -> (String, String, Option<String>, String) {
    (addr.into(), host.into(), sni.map(String::from), cert.into())
}
