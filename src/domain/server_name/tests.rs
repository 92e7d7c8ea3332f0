use super::*;

fn err(s: &str) -> ServerNameError {
    match ServerName::parse(s) {
        Err(e) => e,
        Ok(n) => panic!("{s} parsed as {n:?}"),
    }
}

#[test]
fn parses_each_host_form() {
    let n = ServerName::parse("example.com").expect("valid");
    assert_eq!(n.host, Host::Dns("example.com".into()));
    assert_eq!(n.port, None);
    let n = ServerName::parse("example.com:8448").expect("valid");
    assert_eq!(n.port, Some(8448));
    let n = ServerName::parse("1.2.3.4:443").expect("valid");
    assert_eq!(n.host, Host::Ipv4(Ipv4Addr::new(1, 2, 3, 4)));
    let n = ServerName::parse("[::1]:8448").expect("valid");
    assert_eq!(n.host, Host::Ipv6(Ipv6Addr::LOCALHOST));
    assert_eq!(n.to_string(), "[::1]:8448");
    let n = ServerName::parse("[2001:db8::1]").expect("valid");
    assert_eq!(n.port, None);
    assert_eq!(n.host_str(), "[2001:db8::1]");
}

#[test]
fn explains_common_slips() {
    let e = err("https://example.com/");
    assert!(e.message.contains("URL scheme"), "{e}");
    assert!(e.message.contains("`example.com`"), "{e}");
    assert!(err("@alice:example.com").message.contains("`example.com`"));
    assert!(err("example.com/matrix").message.contains("no path"));
    assert!(err("exa mple.com").message.contains("white space"));
    assert!(err("").message.contains("empty"));
}

#[test]
fn rejects_grammar_violations_with_positions() {
    let e = err("exa_mple.com");
    assert_eq!(e.position, 3);
    assert!(e.message.contains('_'));
    assert_eq!(err("example.com:").position, 12);
    assert!(err("example.com:0").message.contains("out of range"));
    assert!(err("example.com:65536").message.contains("out of range"));
    assert!(err("example.com:123456").message.contains("5 digits"));
    assert_eq!(err("example.com:8a").position, 13);
    assert!(err("256.1.1.1").message.contains("over 255"));
    assert!(err("::1").message.contains("brackets"));
    assert!(err("[::1").message.contains("closed"));
    assert!(err("[zz::1]").message.contains("IPv6"));
    assert!(err("[::1]x").message.contains("only `:port`"));
    assert!(err("bücher.de").message.contains("punycode"));
    assert!(err(&"a".repeat(256)).message.contains("255"));
    assert!(err(":443").message.contains("empty"));
}

#[test]
fn warns_on_allowed_but_odd_names() {
    let w = ServerName::parse("Example.com").expect("valid").warnings();
    assert_eq!(w, vec![NameWarning::UpperCase]);
    let w = ServerName::parse("example.com.").expect("valid").warnings();
    assert_eq!(w, vec![NameWarning::TrailingDot]);
    let long = format!("{}.com", "a.".repeat(120));
    let w = ServerName::parse(&long).expect("valid").warnings();
    assert!(w.contains(&NameWarning::Long(long.len())), "{w:?}");
    assert!(
        ServerName::parse("example.com")
            .expect("valid")
            .warnings()
            .is_empty()
    );
    assert!(
        ServerName::parse("1.2.3.4")
            .expect("valid")
            .warnings()
            .is_empty()
    );
}

#[test]
fn host_field_refuses_a_port() {
    assert!(Host::parse("matrix.example.com").is_ok());
    let e = Host::parse("matrix.example.com:443").expect_err("port refused");
    assert!(e.message.contains("port"));
}

#[test]
fn sni_only_for_dns_names() {
    assert_eq!(
        Host::parse("m.example.com").expect("valid").sni(),
        Some("m.example.com")
    );
    assert_eq!(Host::parse("10.0.0.1").expect("valid").sni(), None);
}
