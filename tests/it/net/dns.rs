//! The DNS layer against the simulated authoritative server: records with
//! TTLs, CNAME chains, SRV, and every failure kind told apart.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use matrix_delegate::observe::{
    AddressRecord, DnsError, DnsLookup, RecordData, RecordKind, SrvLookup, SrvRecord,
};
use matrix_delegate::probe::*;
use matrix_delegate::sim::{Scenario, Sim};

const ZONE: &str = r#"
name = "dns-test"
description = "DNS outcomes"
server_name = "example.com"
soa_minimum = 120

[hosts]
"example.com" = "127.0.0.10"

[[dns]]
name = "matrix.example.com"
ttl = 600
a = ["127.0.0.11"]
aaaa = ["::1"]

[[dns]]
name = "alias.example.com"
ttl = 60
cname = "alias2.example.com"

[[dns]]
name = "alias2.example.com"
ttl = 90
cname = "matrix.example.com"

[[dns]]
name = "dangling.example.com"
cname = "nowhere.example.com"

[[dns]]
name = "alias-v4.example.com"
cname = "v4only.example.com"

[[dns]]
name = "v4only.example.com"
a = ["127.0.0.12"]

[[dns]]
name = "_matrix-fed._tcp.example.com"
ttl = 3600
srv = [
  { priority = 10, weight = 5, port = 443, target = "matrix.example.com" },
  { priority = 20, weight = 0, port = 8448, target = "backup.example.com" },
]

[[dns]]
name = "_matrix-fed._tcp.none.example.com"
srv = [{ priority = 0, weight = 0, port = 0, target = "." }]

[[dns]]
name = "broken.example.com"
a = ["127.0.0.13"]
behaviour = "servfail"

[[dns]]
name = "refusing.example.com"
a = ["127.0.0.13"]
behaviour = "refused"

[[dns]]
name = "silent.example.com"
a = ["127.0.0.13"]
behaviour = "timeout"

[[dns]]
name = "truncated.example.com"
a = ["127.0.0.13"]
behaviour = "truncated"

[[dns]]
name = "half.example.com"
a = ["127.0.0.14"]
aaaa = ["::1"]
behaviour = "servfail"
behaviour_types = ["AAAA"]
"#;

fn error(lookup: &DnsLookup) -> Option<&DnsError> {
    lookup.failure().map(|f| &f.error)
}

async fn start() -> (Sim, Net) {
    let scenario = Scenario::from_toml(ZONE).expect("test zone parses");
    let sim = Sim::start(&scenario).await.expect("sim starts");
    let mut opts = sim.net_options();
    opts.timeout = Duration::from_millis(400);
    let net = Net::new(opts).expect("network layer sets up");
    (sim, net)
}

#[tokio::test]
async fn a_and_aaaa_with_ttls() {
    let (_sim, net) = start().await;
    let lookup = net.dns().lookup("matrix.example.com", RecordKind::A).await;
    let a = lookup.answer().expect("A answers");
    assert_eq!(a.records.len(), 1);
    assert_eq!(a.records[0].ttl, 600);
    assert_eq!(a.records[0].name, "matrix.example.com");
    assert_eq!(
        a.records[0].data,
        RecordData::A(Ipv4Addr::new(127, 0, 0, 11))
    );
    assert!(a.authoritative, "the sim answers authoritatively");
    assert!(a.cnames.is_empty());
    assert_eq!(lookup.min_ttl(), Some(600));
    let both = net.dns().addresses("matrix.example.com").await;
    assert_eq!(
        both.aaaa,
        Ok(vec![AddressRecord {
            ip: IpAddr::V6(Ipv6Addr::LOCALHOST),
            ttl: 600
        }])
    );
    assert_eq!(
        both.addresses(),
        vec![
            IpAddr::from([127, 0, 0, 11]),
            IpAddr::V6(Ipv6Addr::LOCALHOST)
        ],
        "IPv4 first"
    );
}

#[tokio::test]
async fn cname_chain_is_followed_and_recorded() {
    let (_sim, net) = start().await;
    let lookup = net.dns().lookup("alias.example.com", RecordKind::A).await;
    let answer = lookup.answer().expect("the chain ends in an A record");
    let chain: Vec<(&str, &str, u32)> = answer
        .cnames
        .iter()
        .map(|h| (h.name.as_str(), h.target.as_str(), h.ttl))
        .collect();
    assert_eq!(
        chain,
        vec![
            ("alias.example.com", "alias2.example.com", 60),
            ("alias2.example.com", "matrix.example.com", 90),
        ]
    );
    assert_eq!(lookup.ips(), vec![IpAddr::from([127, 0, 0, 11])]);
    assert_eq!(lookup.min_ttl(), Some(60), "the chain's lowest TTL counts");

    let direct = net
        .dns()
        .lookup("alias.example.com", RecordKind::Cname)
        .await;
    let records = &direct.answer().expect("CNAME answers").records;
    assert_eq!(
        records[0].data,
        RecordData::Cname("alias2.example.com".to_string())
    );
}

#[tokio::test]
async fn a_chain_that_ends_nowhere_names_where_it_failed() {
    let (_sim, net) = start().await;
    let lookup = net
        .dns()
        .lookup("dangling.example.com", RecordKind::A)
        .await;
    let failure = lookup
        .failure()
        .expect("no address at the end of the chain");
    assert!(
        matches!(failure.error, DnsError::NxDomain { .. }),
        "{failure:?}"
    );
    assert_eq!(failure.failed_name.as_deref(), Some("nowhere.example.com"));

    // A chain that ends at a name without the asked type is NODATA there.
    let lookup = net
        .dns()
        .lookup("alias-v4.example.com", RecordKind::Aaaa)
        .await;
    let failure = lookup.failure().expect("no AAAA at the end of the chain");
    assert!(
        matches!(failure.error, DnsError::NoData { .. }),
        "{failure:?}"
    );
    assert_eq!(failure.failed_name.as_deref(), Some("v4only.example.com"));
}

#[tokio::test]
async fn srv_records_with_priority_weight_port_target_and_ttl() {
    let (_sim, net) = start().await;
    let srv_lookup = |lookup: &DnsLookup| -> Vec<SrvRecord> {
        SrvLookup::from_lookup(lookup).records.expect("SRV answers")
    };
    let lookup = net
        .dns()
        .lookup("_matrix-fed._tcp.example.com", RecordKind::Srv)
        .await;
    let mut srv = srv_lookup(&lookup);
    srv.sort_by_key(|s| s.priority);
    assert_eq!(
        srv,
        vec![
            SrvRecord {
                priority: 10,
                weight: 5,
                port: 443,
                target: "matrix.example.com".into(),
                ttl: 3600
            },
            SrvRecord {
                priority: 20,
                weight: 0,
                port: 8448,
                target: "backup.example.com".into(),
                ttl: 3600
            },
        ]
    );
    let none = net
        .dns()
        .lookup("_matrix-fed._tcp.none.example.com", RecordKind::Srv)
        .await;
    assert_eq!(
        srv_lookup(&none)[0].target,
        ".",
        "the root target stays `.`"
    );
}

#[tokio::test]
async fn nxdomain_and_nodata_are_told_apart_with_the_negative_ttl() {
    let (_sim, net) = start().await;
    let nx = net.dns().lookup("missing.example.com", RecordKind::A).await;
    let f = nx.failure().expect("no such name");
    assert_eq!(
        f.error,
        DnsError::NxDomain {
            negative_ttl: Some(120)
        },
        "SOA minimum of the zone"
    );
    let soa = f.soa.as_ref().expect("the SOA came with the answer");
    assert_eq!(soa.zone, "example.com");
    assert_eq!(soa.minimum, 120);

    let nodata = net
        .dns()
        .lookup("v4only.example.com", RecordKind::Aaaa)
        .await;
    let f = nodata.failure().expect("no AAAA");
    assert_eq!(
        f.error,
        DnsError::NoData {
            negative_ttl: Some(120)
        }
    );

    // `_tcp.example.com` has no records itself but names exist below it.
    let ent = net.dns().lookup("_tcp.example.com", RecordKind::Srv).await;
    assert!(
        matches!(error(&ent), Some(DnsError::NoData { .. })),
        "{ent:?}"
    );

    let srv = net
        .dns()
        .lookup("_matrix._tcp.example.com", RecordKind::Srv)
        .await;
    assert!(
        matches!(error(&srv), Some(DnsError::NxDomain { .. })),
        "{srv:?}"
    );
}

#[tokio::test]
async fn servfail_refused_timeout_and_truncated_are_told_apart() {
    let (_sim, net) = start().await;
    let dns = net.dns();
    let (servfail, refused, timeout, truncated) = tokio::join!(
        dns.lookup("broken.example.com", RecordKind::A),
        dns.lookup("refusing.example.com", RecordKind::A),
        dns.lookup("silent.example.com", RecordKind::A),
        dns.lookup("truncated.example.com", RecordKind::A),
    );
    assert_eq!(error(&servfail), Some(&DnsError::ServFail), "{servfail:?}");
    assert_eq!(error(&refused), Some(&DnsError::Refused), "{refused:?}");
    assert_eq!(error(&timeout), Some(&DnsError::Timeout), "{timeout:?}");
    assert_eq!(
        error(&truncated),
        Some(&DnsError::Truncated),
        "{truncated:?}"
    );
}

#[tokio::test]
async fn a_behaviour_can_hit_one_type_only() {
    let (_sim, net) = start().await;
    let both = net.dns().addresses("half.example.com").await;
    assert_eq!(both.addresses(), vec![IpAddr::from([127, 0, 0, 14])]);
    assert_eq!(both.aaaa, Err(DnsError::ServFail));
}

#[tokio::test]
async fn invalid_names_are_not_sent() {
    let (sim, net) = start().await;
    let lookup = net.dns().lookup("bad\u{1b}[2Jname", RecordKind::A).await;
    assert!(
        matches!(error(&lookup), Some(DnsError::InvalidName(_))),
        "{lookup:?}"
    );
    assert!(sim.log().dns_queries().is_empty());
}

#[tokio::test]
async fn a_specific_server_can_be_asked_directly() {
    let (sim, net) = start().await;
    let lookup = net
        .dns()
        .query_server(sim.nameserver(), "matrix.example.com", RecordKind::A, false)
        .await;
    assert_eq!(lookup.server, Some(sim.nameserver()));
    let answer = lookup.answer().expect("answers");
    assert!(answer.authoritative);
    assert_eq!(lookup.ips(), vec![IpAddr::from([127, 0, 0, 11])]);
}

#[tokio::test]
async fn every_lookup_reaches_the_server_no_cache() {
    let (sim, net) = start().await;
    for _ in 0..3 {
        let l = net.dns().lookup("matrix.example.com", RecordKind::A).await;
        assert!(l.answer().is_some());
    }
    let asked = sim
        .log()
        .dns_queries()
        .iter()
        .filter(|q| q.name == "matrix.example.com" && q.kind == "A")
        .count();
    assert_eq!(
        asked, 3,
        "the resolver cache is off, so re-runs see fresh data"
    );
}

const SPREADING: &str = r#"
name = "ns-test"
description = "A zone with a nameserver and a change resolvers still cache"
server_name = "example.com"

[hosts]
"ns1.example.com" = "127.0.0.35"

[[dns]]
name = "example.com"
ns = ["ns1.example.com"]
a = ["127.0.0.10"]

[[dns]]
name = "moved.example.com"
ttl = 3600
a = ["127.0.0.11"]
cached = { a = ["127.0.0.19"], ttl = 1800 }
"#;

#[tokio::test]
async fn nameservers_are_found_and_asked_through_the_dial_map() {
    let sim = Sim::start(&Scenario::from_toml(SPREADING).expect("parses"))
        .await
        .expect("sim starts");
    let net = Net::new(sim.net_options()).expect("network layer sets up");
    let ns = net.dns().lookup("example.com", RecordKind::Ns).await;
    assert_eq!(ns.ns(), vec!["ns1.example.com".to_string()]);
    // NS of a name below the zone: NODATA, with the zone's SOA.
    let below = net.dns().lookup("moved.example.com", RecordKind::Ns).await;
    let soa = below.failure().and_then(|f| f.soa.clone()).expect("SOA");
    assert_eq!(soa.zone, "example.com");
    // Resolvers (recursive queries) still get the cached answer ...
    let cached = net.dns().lookup("moved.example.com", RecordKind::A).await;
    assert_eq!(cached.ips(), vec![IpAddr::from([127, 0, 0, 19])]);
    assert_eq!(cached.min_ttl(), Some(1800));
    assert!(!cached.answer().expect("answer").authoritative);
    // ... the nameserver, asked directly at its logical address, the new one.
    let ns_addr = "127.0.0.35:53".parse().expect("addr");
    let direct = net
        .dns()
        .query_server(ns_addr, "moved.example.com", RecordKind::A, false)
        .await;
    assert_eq!(
        direct.server,
        Some(ns_addr),
        "the logical address is recorded"
    );
    assert_eq!(direct.ips(), vec![IpAddr::from([127, 0, 0, 11])]);
    assert_eq!(direct.min_ttl(), Some(3600));
    assert!(direct.answer().expect("answer").authoritative);
}
