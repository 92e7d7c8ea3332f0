//! The Synapse blocklist model (`matrix::peers::AddressPolicy` for
//! `Peer::Synapse`) against Synapse's own code: its
//! `DEFAULT_IP_RANGE_BLOCKLIST` made into the set its federation client
//! uses (`generate_ip_set` with `0.0.0.0` and `::` added, as
//! `config/server.py` does) and asked with `_is_ip_blocked`
//! (`http/client.py`), address by address. The federation oracles run with
//! the list emptied (the simulation is on loopback), so this is where the
//! list itself is proven. Needs only Synapse's virtualenv, not root.

use std::net::IpAddr;
use std::process::Command;

use matrix_delegate::matrix::peers::{AddressPolicy, DEFAULT_BLOCKLIST, Peer};

use crate::support::oracles::{Oracle, skip, synapse_python};

/// Both ends of every range and the addresses just outside, public
/// addresses of both families, and the IPv6 forms of IPv4 addresses that
/// Synapse's set adds for every IPv4 range (mapped `::ffff:a.b.c.d`,
/// compatible `::a.b.c.d`, 6to4 `2002:aabb:ccdd::`).
const ADDRESSES: &[&str] = &[
    "0.0.0.0",
    "::",
    "1.1.1.1",
    "8.8.8.8",
    "9.255.255.255",
    "10.0.0.0",
    "10.255.255.255",
    "11.0.0.0",
    "100.63.255.255",
    "100.64.0.0",
    "100.127.255.255",
    "100.128.0.0",
    "126.255.255.255",
    "127.0.0.1",
    "127.0.1.1",
    "127.255.255.255",
    "128.0.0.0",
    "169.253.255.255",
    "169.254.0.1",
    "169.254.255.255",
    "169.255.0.0",
    "172.15.255.255",
    "172.16.0.0",
    "172.31.255.255",
    "172.32.0.0",
    "192.0.0.8",
    "192.0.1.0",
    "192.0.2.7",
    "192.88.99.1",
    "192.88.100.0",
    "192.167.255.255",
    "192.168.1.10",
    "192.169.0.0",
    "198.17.255.255",
    "198.18.0.0",
    "198.19.255.255",
    "198.20.0.0",
    "198.51.100.7",
    "203.0.113.9",
    "223.255.255.255",
    "224.0.0.1",
    "239.255.255.255",
    "240.0.0.1",
    "255.255.255.255",
    "::1",
    "::2",
    "fe80::1",
    "febf:ffff::1",
    "fec0::1",
    "feff::1",
    "fc00::1",
    "fdff::1",
    "fe00::1",
    "ff02::1",
    "2001:db8::7",
    "2001:db9::1",
    "2606:4700::1111",
    "::ffff:10.1.2.3",
    "::ffff:127.0.0.1",
    "::ffff:8.8.8.8",
    "::10.1.2.3",
    "::8.8.8.8",
    "2002:a01:203::1",
    "2002:7f00:1::1",
    "2002:808:808::1",
    "64:ff9b::a01:203",
];

const ASK_SYNAPSE: &str = r#"
import json, sys
from netaddr import IPAddress
from synapse.config.server import DEFAULT_IP_RANGE_BLOCKLIST, generate_ip_set
from synapse.http.client import _is_ip_blocked
blocklist = generate_ip_set(DEFAULT_IP_RANGE_BLOCKLIST, ["0.0.0.0", "::"])
print(json.dumps({
    "ranges": DEFAULT_IP_RANGE_BLOCKLIST,
    "blocked": {a: _is_ip_blocked(IPAddress(a), None, blocklist) for a in sys.argv[1:]},
}))
"#;

#[test]
fn the_synapse_blocklist_model_refuses_exactly_what_synapse_refuses() {
    if let Some(why) = Oracle::Synapse.missing() {
        skip(&why);
        return;
    }
    let out = Command::new(synapse_python())
        .arg("-c")
        .arg(ASK_SYNAPSE)
        .args(ADDRESSES)
        .output()
        .expect("the virtualenv's python runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    // The list, range for range.
    let theirs: Vec<&str> = answer["ranges"]
        .as_array()
        .expect("ranges")
        .iter()
        .filter_map(serde_json::Value::as_str)
        .collect();
    let ours: Vec<String> = DEFAULT_BLOCKLIST
        .iter()
        .map(|r| format!("{}/{}", r.network, r.prefix))
        .collect();
    assert_eq!(ours, theirs, "DEFAULT_IP_RANGE_BLOCKLIST");
    // Each address, as a literal and as a DNS answer.
    let synapse = AddressPolicy::of(Peer::Synapse);
    let mut differ = Vec::new();
    for a in ADDRESSES {
        let ip: IpAddr = a.parse().expect("test address");
        let blocked = answer["blocked"][*a].as_bool().expect("answered");
        let literal = synapse.refuses_literal(ip).is_some();
        let from_dns = !synapse.filter_answers(&[ip]).1.is_empty();
        if literal != blocked || from_dns != blocked {
            differ.push(format!(
                "{a}: Synapse {blocked}, model literal {literal} dns {from_dns}"
            ));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}
