//! The proxy-configuration scanner (`install::*`: what `apply` reads an
//! operator's nginx, Caddy, Apache and HAProxy files with to find the
//! existing blocks that would conflict, and Traefik's YAML and TOML files
//! with their routers' `Host` rules) on any text: it never panics, and
//! every block it reports is really in the file: its first and last lines
//! exist, open and close it, and hold the names and ports reported. Every
//! include pattern and certificate file it reports stands in the text, and
//! the include patterns match file names as `glob(3)` does (the reference
//! matcher in `located`). Time is bounded by libFuzzer's `-timeout`.
//!
//! An input is the file's text, then optionally a NUL byte and the file
//! names the include patterns are matched against (`ScanChoices`).
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use matrix_delegate::install::listing::{pattern_covers, wildcard_matches};
use matrix_delegate::install::traefik::{self, document};
use matrix_delegate::install::{apache, caddy, haproxy, nginx};
use matrix_delegate_fuzz::input;
use matrix_delegate_fuzz::located::{self, line_count, stands_in};

/// The file names in the folder an include pattern names.
#[derive(Arbitrary, Debug, Default)]
struct ScanChoices {
    names: Vec<String>,
}

/// The scanned text and its line count.
struct File<'a> {
    text: &'a str,
    count: usize,
}

impl<'a> File<'a> {
    /// Lines `first..=last`, which must exist.
    fn block(&self, first: usize, last: usize, what: &str) -> &'a str {
        assert!(
            1 <= first && first <= last && last <= self.count.max(1),
            "{what}: lines {first}..={last} of {}",
            self.count
        );
        located::lines(self.text, first, last)
            .unwrap_or_else(|| panic!("{what}: lines {first}..={last} do not exist"))
    }
}

fuzz_target!(|data: &[u8]| {
    let (text, mut u) = input::split(data);
    let choices: ScanChoices = input::choices(&mut u);
    let file = File {
        text: &text,
        count: line_count(&text),
    };

    let mut patterns = Vec::new();
    nginx_blocks(&file);
    patterns.extend(nginx::scan::includes(&text));
    for file in nginx::scan::certificate_files(&text) {
        assert!(
            text.contains(&file),
            "nginx certificate {file:?} not in the text"
        );
    }

    caddy_blocks(&file);
    patterns.extend(caddy::scan::imports(&text));

    apache_blocks(&file);
    patterns.extend(apache::scan::includes(&text));
    for file in apache::scan::certificate_files(&text) {
        assert!(
            text.contains(&file),
            "Apache certificate {file:?} not in the text"
        );
    }

    haproxy_sections(&file);
    for file in haproxy::certificate_files(&text) {
        assert!(text.contains(&file), "HAProxy crt {file:?} not in the text");
    }

    traefik_routers(&text);

    for pattern in &patterns {
        assert!(
            stands_in(&text, pattern),
            "include {pattern:?} not in the text"
        );
        let last = pattern.rsplit('/').next().unwrap_or(pattern);
        for name in choices.names.iter().take(8) {
            if name.contains('/') {
                continue;
            }
            let want = located::reference_match(last, name);
            assert_eq!(
                wildcard_matches(last, name),
                want,
                "{last:?} against {name:?}"
            );
            if let Some((dir, _)) = pattern.rsplit_once('/') {
                let path = format!("{dir}/{name}");
                assert_eq!(
                    pattern_covers(pattern, &path),
                    want,
                    "{pattern:?} covers {path:?}"
                );
            }
        }
    }
});

/// The text as a Traefik file in either format: it parses or is refused
/// with a message, and every host an HTTP router's `Host` rule or a TCP
/// router's `HostSNI` rule names, and every pattern of `HostRegexp` and
/// `HostSNIRegexp`, is in that rule (a double-quoted string's `\"` and
/// `\\` undone: each stretch without them stands in the rule). Matching a
/// pattern against a host never panics.
fn traefik_routers(text: &str) {
    for format in [document::Format::Yaml, document::Format::Toml] {
        let tree = match document::parse(text, format) {
            Ok(tree) => tree,
            Err(e) => {
                assert!(!e.message.is_empty(), "{format:?}: an empty parse error");
                continue;
            }
        };
        for (kind, hosts, patterns) in [
            (
                "http",
                traefik::rule_hosts as fn(&str) -> Vec<String>,
                traefik::rule_host_patterns as fn(&str) -> Vec<String>,
            ),
            ("tcp", traefik::rule_sni_hosts, traefik::rule_sni_patterns),
        ] {
            for router in document::keys(&tree, &[kind, "routers"]) {
                let Some(rule) = document::get_str(&tree, &[kind, "routers", &router, "rule"])
                else {
                    continue;
                };
                let lower = rule.to_ascii_lowercase();
                for host in hosts(&rule) {
                    in_rule(&host, &lower, &rule);
                }
                for pattern in patterns(&rule) {
                    in_rule(&pattern, &rule, &rule);
                    let _ = traefik::pattern_matches(&pattern, "matrix.example.com");
                }
            }
        }
    }
}

fn in_rule(value: &str, text: &str, rule: &str) {
    for part in value.split(['"', '\\']).filter(|p| !p.is_empty()) {
        assert!(text.contains(part), "{value:?} not in the rule {rule:?}");
    }
}

fn nginx_blocks(file: &File<'_>) {
    let text = file.text;
    for b in nginx::scan::server_blocks(text) {
        let body = file.block(b.open_line, b.close_line, "nginx server block");
        let head = file.block(b.open_line, b.open_line, "nginx server line");
        assert!(head.contains("server"), "nginx block opens on {head:?}");
        assert!(!b.ports.is_empty(), "nginx block without a port");
        for name in &b.names {
            assert_eq!(*name, name.to_ascii_lowercase());
            assert!(stands_in(body, name), "nginx name {name:?} not in {body:?}");
        }
        for port in &b.ports {
            assert!(
                *port == 80 || body.contains(&port.to_string()),
                "nginx port {port} not in {body:?}"
            );
        }
        for location in &b.locations {
            for word in location.split(' ').filter(|w| !w.is_empty()) {
                assert!(
                    body.contains(word),
                    "nginx location {word:?} not in {body:?}"
                );
            }
        }
        for name in ["example.com", "matrix.example.com"] {
            for port in [80, 443, 8448] {
                if b.serves(name, port) {
                    assert!(b.ports.contains(&port));
                    assert!(stands_in(body, name));
                }
            }
        }
    }
}

fn caddy_blocks(file: &File<'_>) {
    let text = file.text;
    for b in caddy::scan::site_blocks(text) {
        let head = file.block(b.open_line, b.open_line, "Caddy site line");
        file.block(b.open_line, b.close_line, "Caddy site block");
        assert!(head.contains('{'), "Caddy site opens on {head:?}");
        assert!(!b.addresses.is_empty(), "Caddy site without an address");
        for address in &b.addresses {
            assert!(
                stands_in(head, address),
                "Caddy address {address:?} not in {head:?}"
            );
            if let Some((host, port)) = caddy::scan::address(address) {
                assert!(
                    stands_in(head, &host),
                    "Caddy host {host:?} not in {head:?}"
                );
                assert!(
                    port == 80 || port == 443 || stands_in(head, &port.to_string()),
                    "Caddy port {port} not in {head:?}"
                );
            }
        }
        for name in ["example.com", "matrix.example.com"] {
            for port in [80, 443, 8448] {
                if b.serves(name, port) {
                    assert!(stands_in(head, name));
                }
            }
        }
    }
}

fn apache_blocks(file: &File<'_>) {
    let text = file.text;
    for v in apache::scan::virtual_hosts(text) {
        let body = file.block(v.open_line, v.close_line, "Apache virtual host");
        let head = file.block(v.open_line, v.open_line, "Apache <VirtualHost> line");
        let tail = file.block(v.close_line, v.close_line, "Apache </VirtualHost> line");
        assert!(
            head.trim_start()
                .to_ascii_lowercase()
                .starts_with("<virtualhost"),
            "Apache virtual host opens on {head:?}"
        );
        assert!(
            tail.trim_start()
                .to_ascii_lowercase()
                .starts_with("</virtualhost"),
            "Apache virtual host closes on {tail:?}"
        );
        for name in &v.names {
            assert!(
                stands_in(body, name),
                "Apache name {name:?} not in {body:?}"
            );
        }
        for port in &v.ports {
            assert!(
                head.contains(&port.to_string()),
                "Apache port {port} not in {head:?}"
            );
        }
        for line in &v.lines {
            assert!(
                body.contains(line.as_str()),
                "Apache line {line:?} not in {body:?}"
            );
        }
    }
}

fn haproxy_sections(file: &File<'_>) {
    let text = file.text;
    for s in haproxy::sections(text) {
        let body = file.block(s.first_line, s.last_line, "HAProxy section");
        let head = file.block(s.first_line, s.first_line, "HAProxy section line");
        assert!(
            head.trim_start_matches([' ', '\t', '\u{b}', '\u{c}', '\r'])
                .starts_with(s.kind.as_str())
                && head.contains(s.name.as_str()),
            "HAProxy {} {:?} opens on {head:?}",
            s.kind,
            s.name
        );
        for port in &s.ports {
            assert!(
                body.contains(&port.to_string()),
                "HAProxy port {port} not in {body:?}"
            );
        }
    }
}
