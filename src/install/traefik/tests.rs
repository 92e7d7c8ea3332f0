use super::*;
use crate::domain::{Answers, Proxy, Strategy, plan};
use crate::generate::sites::sites;

const STATIC_YAML: &str = "entryPoints:\n  web:\n    address: \":80\"\n  websecure:\n    address: \":443\"\ncertificatesResolvers:\n  letsencrypt:\n    acme:\n      storage: /etc/traefik/acme.json\nproviders:\n  file:\n    directory: /etc/traefik/dynamic\n";
const DIR: &str = "/etc/traefik/dynamic";
const OWN: &str = "/etc/traefik/dynamic/matrix-example.com.yml";

fn statics(path: &str, text: &str) -> Vec<(String, String)> {
    vec![(path.to_string(), text.to_string())]
}

fn site_list(strategy: Strategy) -> Vec<Site> {
    let a = Answers {
        strategy,
        proxy: Proxy::Traefik,
        // srv: peers reach the base domain on the federation port.
        port: if strategy == Strategy::Srv {
            "8448".into()
        } else {
            Answers::example().port
        },
        ..Answers::example()
    };
    sites(&plan(&a).expect("valid answers"))
}

fn run(layout: &Layout, files: &[(&str, &str)], strategy: Strategy) -> Verdict {
    let files: BTreeMap<String, String> = files
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
    let sites = site_list(strategy);
    decide(&Inputs {
        layout,
        files: &files,
        sites: &sites,
        upstream: "127.0.0.1:6167",
        server_name: "example.com",
    })
}

fn dir_layout(text: &str) -> Layout {
    layout(
        &statics("/etc/traefik/traefik.yml", text),
        None,
        "example.com",
    )
    .unwrap()
}

fn problems(v: Verdict) -> Vec<Problem> {
    match v {
        Verdict::Refused(p) => p,
        other => panic!("not refused: {other:?}"),
    }
}

fn installed(v: Verdict) -> Install {
    match v {
        Verdict::Install(i) => i,
        other => panic!("not installed: {other:?}"),
    }
}

#[test]
fn directory_provider_gets_a_file_of_its_own() {
    let l = dir_layout(STATIC_YAML);
    assert_eq!(
        (l.mode.clone(), l.dir.as_str(), l.file.as_str()),
        (Mode::Directory, DIR, OWN)
    );
    assert_eq!(l.watch, Some(true), "watch defaults to true");
    let i = installed(run(
        &l,
        &[("/etc/traefik/dynamic/site.yml", "http: {}\n")],
        Strategy::WellKnown,
    ));
    let [FileOp::Write { path, contents }] = i.ops.as_slice() else {
        panic!("{:?}", i.ops)
    };
    assert_eq!(path, OWN);
    let v = parse(contents, Format::Yaml).unwrap();
    assert_eq!(
        get_str(
            &v,
            &[
                "http",
                "routers",
                "matrix-example-com",
                "tls",
                "certResolver"
            ]
        )
        .as_deref(),
        Some("letsencrypt")
    );
    assert_eq!(
        get_list(
            &v,
            &["http", "routers", "matrix-example-com", "entryPoints"]
        ),
        Some(vec!["websecure".to_string()])
    );
    let servers = get(
        &v,
        &[
            "http",
            "services",
            "continuwuity",
            "loadBalancer",
            "servers",
        ],
    )
    .and_then(Value::as_array)
    .unwrap();
    assert_eq!(
        servers
            .first()
            .and_then(|s| get_str(s, &["url"]))
            .as_deref(),
        Some("http://127.0.0.1:6167")
    );
    // The same file again: up to date.
    let again = run(&l, &[(OWN, contents.as_str())], Strategy::WellKnown);
    assert!(matches!(again, Verdict::UpToDate { .. }), "{again:?}");
}

#[test]
fn toml_static_configuration_and_watch_off() {
    let text = "[entryPoints.https]\naddress = \":443\"\n[certificatesResolvers.le.acme]\nstorage = \"a.json\"\n[providers.file]\ndirectory = \"/srv/traefik/\"\nwatch = false\n";
    let l = layout(
        &statics("/etc/traefik/traefik.toml", text),
        None,
        "example.com",
    )
    .unwrap();
    assert_eq!((l.dir.as_str(), l.watch), ("/srv/traefik", Some(false)));
    let i = installed(run(&l, &[], Strategy::WellKnown));
    let FileOp::Write { contents, .. } = &i.ops[0] else {
        panic!()
    };
    // Its own names for the entry point and the resolver are used.
    assert!(contents.contains("- \"https\""), "{contents}");
    assert!(contents.contains("certResolver: \"le\""), "{contents}");
    let after = after_install(&l, &["matrix-example-com".into()]).join("\n");
    assert!(after.contains("watch is false"), "{after}");
    assert!(after.contains("systemctl restart traefik"), "{after}");
    assert!(after.contains("could not validate"), "{after}");
    assert!(after.contains("journalctl -u traefik -f"), "{after}");
    let on = after_install(&dir_layout(STATIC_YAML), &[]).join("\n");
    assert!(on.contains("no reload or restart is needed"), "{on}");
}

#[test]
fn filename_only_is_not_edited() {
    let text = "entryPoints:\n  websecure:\n    address: \":443\"\ncertificatesResolvers:\n  le: {}\nproviders:\n  file:\n    filename: /etc/traefik/dynamic.toml\n";
    let l = dir_layout(text);
    assert_eq!(l.mode, Mode::FilenameOnly);
    match run(
        &l,
        &[(
            "/etc/traefik/dynamic.toml",
            "[http.routers.web]\nrule = \"Host(`www.example.com`)\"\n",
        )],
        Strategy::WellKnown,
    ) {
        Verdict::AddByHand { file, text, .. } => {
            assert_eq!(file, "/etc/traefik/dynamic.toml");
            // Their file is TOML: the lines to add are TOML.
            let v = parse(&text, Format::Toml).unwrap();
            assert!(
                get(&v, &["http", "routers", "matrix-example-com"]).is_some(),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn no_static_configuration_or_no_file_provider_writes_nothing() {
    match layout(&[], None, "example.com") {
        Err(Stop::NoLayout { looked_for, found }) => {
            assert!(looked_for[0].contains("/etc/traefik/traefik.toml"));
            assert_eq!(found, None);
        }
        other => panic!("{other:?}"),
    }
    let docker = "providers:\n  docker:\n    exposedByDefault: false\n";
    match layout(
        &statics("/etc/traefik/traefik.yml", docker),
        None,
        "example.com",
    ) {
        Err(Stop::NoLayout { found: Some(f), .. }) => {
            assert!(f.contains("no file provider"), "{f}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn proxy_config_names_the_directory_or_the_file() {
    let l = layout(&[], Some(&Named::Dir("/srv/dyn/".into())), "example.com").unwrap();
    assert_eq!(
        (l.dir.as_str(), l.file.as_str()),
        ("/srv/dyn", "/srv/dyn/matrix-example.com.yml")
    );
    let v = run(&l, &[], Strategy::WellKnown);
    let i = installed(v);
    assert!(
        i.notes.iter().any(|n| n.contains("could not be checked")),
        "{:?}",
        i.notes
    );
    let l = layout(
        &[],
        Some(&Named::File("/srv/dyn/m.yaml".into())),
        "example.com",
    )
    .unwrap();
    assert_eq!(
        (l.dir.as_str(), l.file.as_str()),
        ("/srv/dyn", "/srv/dyn/m.yaml")
    );
    assert_eq!(
        layout(
            &[],
            Some(&Named::File("/srv/dyn/m.toml".into())),
            "example.com"
        ),
        Err(Stop::BadName {
            path: "/srv/dyn/m.toml".into()
        })
    );
}

#[test]
fn unparseable_files_stop_with_the_line() {
    match layout(
        &statics("/etc/traefik/traefik.yml", "providers:\n  file: [\n"),
        None,
        "x",
    ) {
        Err(Stop::Unparseable { file, error }) => {
            assert_eq!(file, "/etc/traefik/traefik.yml");
            assert!(error.contains("line"), "{error}");
        }
        other => panic!("{other:?}"),
    }
    let l = dir_layout(STATIC_YAML);
    match run(
        &l,
        &[("/etc/traefik/dynamic/sub/bad.toml", "[http\n")],
        Strategy::WellKnown,
    ) {
        Verdict::Unparseable { file, error } => {
            assert_eq!(file, "/etc/traefik/dynamic/sub/bad.toml");
            assert!(error.contains("line 1"), "{error}");
        }
        other => panic!("{other:?}"),
    }
    // Our own file is replaced whatever it holds.
    assert!(matches!(
        run(&l, &[(OWN, "http: [\n")], Strategy::WellKnown),
        Verdict::Install(_)
    ));
    // Files Traefik skips are not read as configuration.
    assert!(matches!(
        run(
            &l,
            &[("/etc/traefik/dynamic/README", "http: [\n")],
            Strategy::WellKnown
        ),
        Verdict::Install(_)
    ));
}

#[test]
fn a_name_of_ours_in_another_file_is_refused() {
    let l = dir_layout(STATIC_YAML);
    let other = "http:\n  services:\n    continuwuity:\n      loadBalancer:\n        servers:\n          - url: http://10.0.0.1:6167\n";
    let p = problems(run(
        &l,
        &[("/etc/traefik/dynamic/old.yml", other)],
        Strategy::WellKnown,
    ));
    assert_eq!(
        p,
        vec![Problem::NameTaken {
            kind: "HTTP service",
            name: "continuwuity".into(),
            file: "/etc/traefik/dynamic/old.yml".into()
        }]
    );
    assert!(p[0].lines()[0].contains("already configured, skipping"));
}

#[test]
fn host_rules_that_would_win_are_refused_shorter_ones_noted() {
    let l = dir_layout(STATIC_YAML);
    // The base domain's website: a shorter rule, on every entry point.
    let site = "http:\n  routers:\n    www:\n      rule: Host(`example.com`)\n      service: web\n";
    let i = installed(run(
        &l,
        &[("/etc/traefik/dynamic/site.yml", site)],
        Strategy::WellKnown,
    ));
    assert!(
        i.notes
            .iter()
            .any(|n| n.contains("ours has the longer rule")),
        "{:?}",
        i.notes
    );
    // With a high priority it would take the Matrix paths.
    let high = "http:\n  routers:\n    www:\n      rule: Host(`www.example.com`, `example.com`)\n      priority: 1000\n      entryPoints: [websecure]\n      service: web\n";
    let p = problems(run(
        &l,
        &[("/etc/traefik/dynamic/site.yml", high)],
        Strategy::WellKnown,
    ));
    match &p[..] {
        [
            Problem::HostTaken {
                router,
                host,
                entry_point,
                theirs,
                ..
            },
        ] => {
            assert_eq!(
                (
                    router.as_str(),
                    host.as_str(),
                    entry_point.as_str(),
                    *theirs
                ),
                ("www", "example.com", "websecure", 1000)
            );
        }
        other => panic!("{other:?}"),
    }
    let lines = p[0].lines().join("\n");
    assert!(
        lines.contains("&& !(PathPrefix(`/.well-known/matrix/`))"),
        "{lines}"
    );
    // On another entry point only: no conflict.
    let web = "http:\n  routers:\n    www:\n      rule: Host(`example.com`)\n      priority: 1000\n      entryPoints: [web]\n      service: web\n";
    assert!(matches!(
        run(
            &l,
            &[("/etc/traefik/dynamic/site.yml", web)],
            Strategy::WellKnown
        ),
        Verdict::Install(_)
    ));
    assert_eq!(
        rule_hosts("HostRegexp(`.+`) || Host(`A.example.com`)"),
        vec!["a.example.com"]
    );
}

#[test]
fn host_regexp_rules_that_would_win_are_refused() {
    let l = dir_layout(STATIC_YAML);
    // Traefik v3's syntax (a Go regular expression) and v2's template, both
    // catching every subdomain with a priority above ours.
    for rule in [
        "HostRegexp(`^.+\\.example\\.com$`)",
        "HostRegexp(`{sub:[a-z]+}.example.com`)",
    ] {
        let wildcard = format!(
            "http:\n  routers:\n    subdomains:\n      rule: {rule}\n      priority: 1000\n      service: web\n"
        );
        let p = problems(run(
            &l,
            &[("/etc/traefik/dynamic/site.yml", &wildcard)],
            Strategy::WellKnown,
        ));
        assert!(
            p.iter().any(|x| matches!(
                x,
                Problem::HostTaken { router, host, .. }
                    if router == "subdomains" && host == "matrix.example.com"
            )),
            "{rule}: {p:?}"
        );
    }
    // A pattern that does not match our names: no conflict.
    let other = "http:\n  routers:\n    shop:\n      rule: HostRegexp(`^shop[0-9]+\\.example\\.com$`)\n      priority: 1000\n      service: web\n";
    installed(run(
        &l,
        &[("/etc/traefik/dynamic/site.yml", other)],
        Strategy::WellKnown,
    ));
    // TCP: HostSNIRegexp takes the connections like HostSNI does.
    let tcp = "tcp:\n  routers:\n    legacy:\n      rule: HostSNIRegexp(`^(www\\.)?example\\.com$`)\n      entryPoints: [websecure]\n      service: s\n      tls:\n        passthrough: true\n";
    let p = problems(run(
        &l,
        &[("/etc/traefik/dynamic/tcp.yml", tcp)],
        Strategy::WellKnown,
    ));
    assert!(
        matches!(&p[..], [Problem::SniTaken { router, host, .. }] if router == "legacy" && host == "example.com"),
        "{p:?}"
    );
}

#[test]
fn missing_entry_point_and_certificates_are_refused() {
    // srv: the federation port 8448 on the base domain.
    let no_8448 = dir_layout(STATIC_YAML);
    let p = problems(run(&no_8448, &[], Strategy::Srv));
    assert!(
        p.contains(&Problem::EntryPointMissing {
            port: 8448,
            name: "matrix-federation-8448".into(),
            static_file: "/etc/traefik/traefik.yml".into()
        }),
        "{p:?}"
    );
    let bare = "entryPoints:\n  websecure:\n    address: \":443\"\nproviders:\n  file:\n    directory: /etc/traefik/dynamic\n";
    let l = dir_layout(bare);
    let p = problems(run(&l, &[], Strategy::WellKnown));
    assert_eq!(
        p,
        vec![Problem::NoCertificates {
            static_file: "/etc/traefik/traefik.yml".into()
        }]
    );
    // Certificates listed in the directory instead: `tls: {}`.
    let certs = "tls:\n  certificates:\n    - certFile: /c.pem\n      keyFile: /k.pem\n";
    let i = installed(run(
        &l,
        &[("/etc/traefik/dynamic/certs.yml", certs)],
        Strategy::WellKnown,
    ));
    let FileOp::Write { contents, .. } = &i.ops[0] else {
        panic!()
    };
    assert!(contents.contains("tls: {}"), "{contents}");
}

#[test]
fn client_certificates_required_by_default_are_refused() {
    let l = dir_layout(STATIC_YAML);
    let opts = "tls:\n  options:\n    default:\n      clientAuth:\n        clientAuthType: RequireAndVerifyClientCert\n";
    let p = problems(run(
        &l,
        &[("/etc/traefik/dynamic/tls.yml", opts)],
        Strategy::WellKnown,
    ));
    assert!(
        matches!(&p[..], [Problem::ClientCertificatesRequired { .. }]),
        "{p:?}"
    );
}

#[test]
fn tcp_routers_that_take_a_hosts_connections_are_refused() {
    let l = dir_layout(STATIC_YAML);
    // TLS passthrough for the base domain on the HTTPS entry point: Traefik
    // hands those connections to the TCP router before any HTTP router.
    let passthrough = "tcp:\n  routers:\n    legacy:\n      rule: HostSNI(`example.com`)\n      entryPoints: [websecure]\n      service: legacy\n      tls:\n        passthrough: true\n";
    let p = problems(run(
        &l,
        &[("/etc/traefik/dynamic/tcp.yml", passthrough)],
        Strategy::WellKnown,
    ));
    match &p[..] {
        [
            Problem::SniTaken {
                router,
                host,
                entry_point,
                ..
            },
        ] => assert_eq!(
            (router.as_str(), host.as_str(), entry_point.as_str()),
            ("legacy", "example.com", "websecure")
        ),
        other => panic!("{other:?}"),
    }
    assert!(
        p[0].lines()[0].contains("before HTTP routers"),
        "{:?}",
        p[0].lines()
    );
    // HostSNI(`*`) catches every name; without entryPoints it is on all.
    let catch_all = "tcp:\n  routers:\n    all:\n      rule: HostSNI(`*`)\n      service: s\n";
    let p = problems(run(
        &l,
        &[("/etc/traefik/dynamic/tcp.yml", catch_all)],
        Strategy::WellKnown,
    ));
    assert!(
        !p.is_empty()
            && p.iter()
                .all(|x| matches!(x, Problem::SniTaken { router, .. } if router == "all")),
        "{p:?}"
    );
    // Another name, or another entry point: no conflict.
    for other in [
        "tcp:\n  routers:\n    db:\n      rule: HostSNI(`db.example.com`)\n      entryPoints: [websecure]\n      service: s\n",
        "tcp:\n  routers:\n    all:\n      rule: HostSNI(`*`)\n      entryPoints: [postgres]\n      service: s\n",
    ] {
        installed(run(
            &l,
            &[("/etc/traefik/dynamic/tcp.yml", other)],
            Strategy::WellKnown,
        ));
    }
}
