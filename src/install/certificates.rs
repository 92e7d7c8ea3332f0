//! The certificate step printed when the configuration names certificate
//! files that do not exist yet: the proxy would refuse to load it, so no
//! site is enabled before them. The commands come from `domain::acme`,
//! the one source shared with NEXT-STEPS and the check remedies.

use crate::domain::Proxy;
use crate::domain::acme;

/// The step for the `missing` certificate files of a `proxy`
/// configuration: one certbot run per name, since each site reads its own
/// lineage (`/etc/letsencrypt/live/<name>/`); for nginx and Apache also the
/// webroot way, for HAProxy the combined PEM its `crt` names.
pub fn certbot_step(proxy: Proxy, missing: &[String]) -> Vec<String> {
    let names = names(missing);
    if names.is_empty() {
        return vec!["Put the certificate and key files in place, then run apply again.".into()];
    }
    let mut lines = vec![
        "Get the certificates first (port 80 must reach this machine for each name), then run \
         apply again:"
            .to_string(),
    ];
    if proxy == Proxy::Haproxy {
        lines.push(format!(
            "(certbot's standalone server answers on 127.0.0.1:{}: HAProxy must already pass \
             {} on port 80 to it, as the configuration's `frontend matrix_80` does)",
            acme::STANDALONE_PORT,
            acme::CHALLENGE_PATH
        ));
    }
    lines.extend(acme::prepare(proxy).map(|cmd| format!("  {cmd}")));
    for name in &names {
        for cmd in acme::certbot(proxy, name) {
            lines.push(format!("  {cmd}"));
        }
    }
    match proxy {
        Proxy::Nginx | Proxy::Apache => {
            lines.push(format!(
                "or, once a port-80 site serves {}{} from {}:",
                "<name>",
                acme::CHALLENGE_PATH,
                acme::WEBROOT
            ));
            for name in &names {
                lines.push(format!("  {}", acme::certbot_webroot(name)));
            }
        }
        Proxy::Haproxy => {
            lines.push(
                "the deploy hook builds HAProxy's combined file (chain, then key) on every issue \
                 and renewal; by hand:"
                    .into(),
            );
            for name in &names {
                lines.push(format!("  {}", acme::haproxy_combine(name)));
            }
        }
        Proxy::Caddy | Proxy::Traefik | Proxy::Static => {}
    }
    lines
}

/// The certificate names of `missing` files, each once, in order.
fn names(missing: &[String]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for name in missing.iter().filter_map(|f| acme::certificate_name(f)) {
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_command_per_name_each_way() {
        let missing = [
            "/etc/letsencrypt/live/example.com/fullchain.pem".to_string(),
            "/etc/letsencrypt/live/example.com/privkey.pem".to_string(),
            "/etc/letsencrypt/live/matrix.example.com/fullchain.pem".to_string(),
        ];
        let step = certbot_step(Proxy::Nginx, &missing);
        assert_eq!(step[1], "  certbot certonly --nginx -d example.com");
        assert_eq!(step[2], "  certbot certonly --nginx -d matrix.example.com");
        assert_eq!(
            step[5],
            "  certbot certonly --webroot -w /var/www/letsencrypt -d matrix.example.com"
        );
        assert_eq!(step.len(), 6);
    }

    #[test]
    fn haproxy_gets_the_standalone_port_and_the_combined_file() {
        let step = certbot_step(Proxy::Haproxy, &["/etc/haproxy/certs/a.b.pem".to_string()]);
        assert!(step[3].contains("--standalone --http-01-port 8402 -d a.b --deploy-hook"));
        assert_eq!(
            step.last().map(String::as_str),
            Some(
                "  sh -c 'umask 077; cat /etc/letsencrypt/live/a.b/fullchain.pem \
                 /etc/letsencrypt/live/a.b/privkey.pem > /etc/haproxy/certs/a.b.pem'"
            )
        );
    }

    #[test]
    fn files_outside_certbot_layout_get_the_plain_step() {
        let step = certbot_step(Proxy::Nginx, &["/etc/ssl/x.pem".to_string()]);
        assert_eq!(step.len(), 1);
    }
}
