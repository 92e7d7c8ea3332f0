//! Property tests for the server-name parser (Matrix spec, appendices,
//! "Server Name"): every name the grammar produces parses, prints back
//! exactly, and yields the host and port it was built from; arbitrary text
//! never panics.

use std::net::{Ipv4Addr, Ipv6Addr};

use matrix_delegate::domain::{Host, ServerName};
use proptest::prelude::*;

/// `dns-name = 1*255 ( DIGIT / ALPHA / "-" / "." )`, except four all-digit
/// labels: the parser reads those as an IPv4 literal (tested separately).
fn dns_name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9.-]{1,255}".prop_filter("four numeric labels are an IPv4 literal", |s| {
        let labels: Vec<&str> = s.split('.').collect();
        !(labels.len() == 4
            && labels
                .iter()
                .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_digit())))
    })
}

#[derive(Debug, Clone)]
enum HostPart {
    Dns(String),
    V4(Ipv4Addr),
    V6(Ipv6Addr, bool),
}

impl HostPart {
    fn text(&self) -> String {
        match self {
            HostPart::Dns(s) => s.clone(),
            HostPart::V4(ip) => ip.to_string(),
            // Both the compressed and the full form are valid IPv6address.
            HostPart::V6(ip, false) => format!("[{ip}]"),
            HostPart::V6(ip, true) => {
                let s = ip.segments().map(|x| format!("{x:x}")).join(":");
                format!("[{s}]")
            }
        }
    }

    fn expected(&self) -> Host {
        match self {
            HostPart::Dns(s) => Host::Dns(s.clone()),
            HostPart::V4(ip) => Host::Ipv4(*ip),
            HostPart::V6(ip, _) => Host::Ipv6(*ip),
        }
    }
}

fn host_part() -> impl Strategy<Value = HostPart> {
    prop_oneof![
        dns_name().prop_map(HostPart::Dns),
        any::<[u8; 4]>().prop_map(|o| HostPart::V4(Ipv4Addr::from(o))),
        (any::<u128>(), any::<bool>()).prop_map(|(b, full)| HostPart::V6(Ipv6Addr::from(b), full)),
    ]
}

/// `port = 1*5DIGIT` with a value of 1..65535, sometimes with leading zeros.
fn port_part() -> impl Strategy<Value = Option<(u16, String)>> {
    prop_oneof![
        Just(None),
        (1u16..=65535, 0usize..=4).prop_map(|(p, zeros)| {
            let digits = p.to_string();
            let pad = zeros.min(5 - digits.len());
            Some((p, format!("{}{digits}", "0".repeat(pad))))
        }),
    ]
}

proptest! {
    #![proptest_config(crate::support::proptest_config::with_cases(2000))]

    #[test]
    fn valid_names_round_trip(host in host_part(), port in port_part()) {
        let text = match &port {
            Some((_, p)) => format!("{}:{p}", host.text()),
            None => host.text(),
        };
        let parsed = ServerName::parse(&text)
            .unwrap_or_else(|e| panic!("`{text}` follows the grammar but was refused: {e}"));
        prop_assert_eq!(parsed.to_string(), text.clone());
        prop_assert_eq!(parsed.as_str(), text.as_str());
        prop_assert_eq!(&parsed.host, &host.expected());
        prop_assert_eq!(parsed.port, port.as_ref().map(|(p, _)| *p));
        // What `Display` prints parses to the same name again.
        let again = ServerName::parse(&parsed.to_string()).expect("re-parse");
        prop_assert_eq!(again, parsed);
    }

    #[test]
    fn arbitrary_text_never_panics(s in any::<String>()) {
        let _ = ServerName::parse(&s);
        let _ = Host::parse(&s);
    }

    #[test]
    fn name_like_text_never_panics_and_errors_point_inside(s in "[a-z0-9.:\\[\\]/@_ -]{0,40}") {
        match ServerName::parse(&s) {
            Ok(n) => prop_assert_eq!(n.as_str(), s.as_str()),
            Err(e) => {
                prop_assert!(e.position <= s.chars().count(), "{} for {:?}", e.position, s);
                prop_assert!(!e.message.is_empty());
            }
        }
    }

    #[test]
    fn ports_out_of_range_are_refused(host in dns_name(), port in 65536u32..1_000_000) {
        let text = format!("{host}:{port}");
        prop_assert!(ServerName::parse(&text).is_err(), "{} accepted", text);
    }

    #[test]
    fn four_numeric_labels_are_ipv4_and_octets_over_255_are_refused(
        octets in prop::array::uniform4(0u32..1000)
    ) {
        let text = octets.map(|o| o.to_string()).join(".");
        let result = ServerName::parse(&text);
        if octets.iter().all(|o| *o <= 255) {
            let n = result.expect("valid IPv4");
            let expected = Ipv4Addr::new(octets[0] as u8, octets[1] as u8, octets[2] as u8, octets[3] as u8);
            prop_assert_eq!(n.host, Host::Ipv4(expected));
        } else {
            prop_assert!(result.is_err(), "{} accepted", text);
        }
    }
}
