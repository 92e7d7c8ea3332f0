//! NEXT-STEPS gives the certificate step before the proxy step: the proxy
//! refuses a configuration whose certificate files are missing, so on a
//! fresh machine the order is what makes the steps work.

use matrix_delegate::domain::{Answers, Proxy, acme, plan};
use matrix_delegate::generate::{artifacts, ids};

fn next_steps(proxy: Proxy) -> String {
    let answers = Answers {
        proxy,
        ..Answers::example()
    };
    artifacts(&plan(&answers).expect("valid answers"))
        .into_iter()
        .find(|a| a.id == ids::CHECKLIST)
        .expect("a checklist")
        .text
}

/// The position of `needle` in `text`, which must contain it.
fn at(text: &str, needle: &str) -> usize {
    text.find(needle)
        .unwrap_or_else(|| panic!("`{needle}` missing from\n{text}"))
}

#[test]
fn certbot_comes_before_the_proxy_step_for_every_name() {
    for proxy in [Proxy::Nginx, Proxy::Apache, Proxy::Haproxy] {
        let text = next_steps(proxy);
        let proxy_step = at(&text, ". Reverse proxy: ");
        for name in ["example.com", "matrix.example.com"] {
            for cmd in acme::certbot(proxy, name) {
                assert!(
                    at(&text, &format!("     {cmd}\n")) < proxy_step,
                    "{proxy}: {text}"
                );
            }
            let other = match proxy {
                Proxy::Haproxy => acme::haproxy_combine(name),
                _ => acme::certbot_webroot(name),
            };
            assert!(
                at(&text, &format!("     {other}\n")) < proxy_step,
                "{proxy}: {text}"
            );
        }
    }
}

#[test]
fn the_plugin_matches_the_proxy_and_haproxy_gets_its_combined_file() {
    let nginx = next_steps(Proxy::Nginx);
    at(&nginx, "certbot certonly --nginx -d matrix.example.com");
    assert!(!nginx.contains("--apache"), "{nginx}");
    let apache = next_steps(Proxy::Apache);
    at(&apache, "certbot certonly --apache -d example.com");
    assert!(!apache.contains("--nginx"), "{apache}");
    let haproxy = next_steps(Proxy::Haproxy);
    at(&haproxy, "install -d -m 700 /etc/haproxy/certs");
    at(
        &haproxy,
        "--http-01-port 8402 -d matrix.example.com --deploy-hook",
    );
    at(
        &haproxy,
        "> /etc/haproxy/certs/example.com.pem && systemctl reload haproxy'",
    );
    assert_eq!(
        haproxy.matches("install -d -m 700").count(),
        1,
        "once, not per name: {haproxy}"
    );
}

#[test]
fn caddy_and_traefik_obtain_their_own() {
    let caddy = next_steps(Proxy::Caddy);
    at(&caddy, "Caddy obtains them itself");
    at(&caddy, acme::CADDY_STORAGE);
    at(&caddy, "journalctl -u caddy");
    for proxy in [Proxy::Caddy, Proxy::Traefik] {
        let text = next_steps(proxy);
        assert!(!text.contains("certbot"), "{proxy}: {text}");
    }
}
