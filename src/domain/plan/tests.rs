use serde_json::json;

use super::*;
use crate::domain::*;

fn answers(strategy: Strategy) -> Answers {
    Answers {
        strategy,
        ..Answers::example()
    }
}

fn ok(a: &Answers) -> Plan {
    match plan(a) {
        Ok(p) => p,
        Err(e) => panic!("expected a plan, got {e:?}"),
    }
}

fn errors(a: &Answers) -> Vec<FieldError> {
    match plan(a) {
        Ok(p) => panic!("expected errors, got {p:?}"),
        Err(e) => e,
    }
}

#[test]
fn seed_example_gives_the_seed_files() {
    let p = ok(&Answers::example());
    assert_eq!(p.port, 443);
    assert_eq!(p.client_url, "https://matrix.example.com");
    assert_eq!(
        p.server_file(),
        Some(json!({"m.server": "matrix.example.com:443"}))
    );
    assert_eq!(
        p.client_file(),
        json!({"m.homeserver": {"base_url": "https://matrix.example.com/"}})
    );
    assert_eq!(p.support_file(), None);
    assert!(p.notices.is_empty(), "{:?}", p.notices);
    let ep = p.federation_endpoint();
    assert_eq!(ep.step, "3.2");
    assert_eq!(ep.host_header, "matrix.example.com:443");
    assert_eq!(ep.cert_name, "matrix.example.com");
}

#[test]
fn each_strategy_states_its_end_state() {
    let p = ok(&answers(Strategy::SrvWellKnown));
    assert_eq!(p.m_server().as_deref(), Some("matrix.example.com"));
    assert_eq!(
        p.dns_records().last(),
        Some(&DnsRecord::Srv {
            name: "matrix.example.com".into(),
            priority: 10,
            weight: 10,
            port: 443,
            target: "matrix.example.com".into()
        })
    );
    assert_eq!(p.federation_endpoint().host_header, "matrix.example.com");
    let lines: Vec<String> = p.dns_records().iter().map(DnsRecord::describe).collect();
    assert!(lines[0].starts_with("A/AAAA example.com → "), "{lines:?}");
    assert_eq!(
        lines.last().map(String::as_str),
        Some("SRV _matrix-fed._tcp.matrix.example.com 10 10 443 matrix.example.com.")
    );

    let p = ok(&answers(Strategy::Srv));
    assert_eq!(p.m_server(), None);
    let ep = p.federation_endpoint();
    assert_eq!((ep.step, ep.cert_name.as_str()), ("4", "example.com"));
    assert_eq!(ep.connect_host, "matrix.example.com");
    assert!(
        p.certificates()
            .iter()
            .any(|c| c.serve_host == "matrix.example.com" && c.name == "example.com")
    );

    let p = ok(&answers(Strategy::WellKnownSrvFallback));
    assert_eq!(p.m_server().as_deref(), Some("matrix.example.com:443"));
    assert!(p.dns_records().contains(&DnsRecord::Srv {
        name: "example.com".into(),
        priority: 10,
        weight: 10,
        port: 443,
        target: "example.com".into()
    }));
    assert!(p.base_domain_routes_federation());

    let p = ok(&Answers {
        host: String::new(),
        ..answers(Strategy::None)
    });
    assert_eq!(p.port, 8448);
    assert_eq!(p.m_server(), None);
    assert_eq!(p.federation_endpoint().step, "6");
    assert_eq!(p.base_domain_role(), BaseDomainRole::SameAsHost);
}

#[test]
fn support_file_matches_continuwuity() {
    let p = ok(&Answers {
        support_mxid: "@admin:example.com".into(),
        support_email: "admin@example.com".into(),
        support_page: "https://example.com/help".into(),
        ..Answers::example()
    });
    assert_eq!(
        p.support_file(),
        Some(json!({
            "contacts": [{"matrix_id": "@admin:example.com", "email_address": "admin@example.com",
                          "role": "m.role.admin"}],
            "support_page": "https://example.com/help"
        }))
    );
}

#[test]
fn rejects_with_the_field_named() {
    let e = errors(&Answers {
        server_name: "https://example.com".into(),
        ..Answers::example()
    });
    assert_eq!(e[0].field, Field::ServerName);
    assert!(e[0].message.contains("just `example.com`"));

    let e = errors(&Answers {
        host: String::new(),
        ..Answers::example()
    });
    assert_eq!(e[0].field, Field::Host);

    let e = errors(&Answers {
        port: "70000".into(),
        ..Answers::example()
    });
    assert_eq!(e[0].field, Field::Port);

    let e = errors(&Answers {
        server_name: "example.com:8448".into(),
        ..Answers::example()
    });
    assert!(
        e.iter()
            .any(|e| e.field == Field::Strategy && e.message.contains("step 2"))
    );

    let e = errors(&answers(Strategy::None));
    assert!(e[0].message.contains("must run at `example.com`"));

    let e = errors(&Answers {
        host: "example.com".into(),
        port: "8448".into(),
        ..Answers::example()
    });
    assert!(e[0].message.contains("choose `none`"));

    let e = errors(&Answers {
        proxy: Proxy::Static,
        ..Answers::example()
    });
    assert_eq!(e[0].field, Field::Proxy);

    let e = errors(&Answers {
        client_url: "ftp://matrix.example.com".into(),
        ..Answers::example()
    });
    assert_eq!(e[0].field, Field::ClientUrl);

    let e = errors(&Answers {
        client_url: "https://matrix.example.com/?x=1".into(),
        ..Answers::example()
    });
    assert!(e[0].message.contains("query"));

    let e = errors(&Answers {
        support_role: "admin".into(),
        support_mxid: "alice".into(),
        support_email: "nope".into(),
        ..Answers::example()
    });
    let fields: Vec<Field> = e.iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        vec![Field::SupportRole, Field::SupportEmail, Field::SupportMxid]
    );

    let e = errors(&Answers {
        host: "10.0.0.1".into(),
        ..answers(Strategy::SrvWellKnown)
    });
    assert!(e[0].message.contains("3.1"));

    let e = errors(&Answers {
        upstream: "http://127.0.0.1:8008".into(),
        ..Answers::example()
    });
    assert_eq!(e[0].field, Field::Upstream);
}

#[test]
fn warns_about_allowed_but_risky_answers() {
    let notices = |a: Answers| ok(&a).notices;
    let n = notices(Answers {
        client_url: "https://matrix.example.com/matrix".into(),
        ..Answers::example()
    });
    assert!(n[0].message.contains("strip"), "{n:?}");
    let n = notices(Answers {
        client_url: "http://localhost:8008".into(),
        ..Answers::example()
    });
    assert_eq!(n.len(), 2, "{n:?}");
    let n = notices(Answers {
        host: "example.com".into(),
        ..Answers::example()
    });
    assert!(n[0].message.contains("only announces port 443"), "{n:?}");
    let n = notices(Answers {
        support_mxid: "@admin:other.org".into(),
        ..answers(Strategy::Srv)
    });
    assert_eq!(n.len(), 2, "{n:?}");
    assert!(n[0].message.contains("another server"));
    assert!(n[1].message.contains("static file"));
    let n = notices(Answers {
        server_name: "Example.com".into(),
        ..Answers::example()
    });
    assert!(n[0].message.contains("case-sensitive"));
}

#[test]
fn certificates_follow_the_strategy() {
    let p = ok(&Answers::example());
    let names: Vec<(String, u16, String)> = p
        .certificates()
        .into_iter()
        .map(|c| (c.serve_host, c.port, c.name))
        .collect();
    assert_eq!(
        names,
        vec![
            (
                "matrix.example.com".into(),
                443,
                "matrix.example.com".into()
            ),
            ("example.com".into(), 443, "example.com".into()),
        ]
    );
    let p = ok(&Answers {
        port: "8448".into(),
        ..Answers::example()
    });
    assert_eq!(p.host_ports(), vec![8448, 443]);
    assert!(p.certificates().iter().any(|c| c.port == 8448));
}
