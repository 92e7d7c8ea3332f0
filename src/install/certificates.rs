//! The certificate step printed when the configuration names certificate
//! files that do not exist yet: the proxy would refuse to load it, so no
//! site is enabled before them.

/// One `certbot` command per name, since each site reads its own
/// `/etc/letsencrypt/live/<name>/`: first with the proxy's own plugin,
/// then the webroot way for a port-80 site that serves `webroot`.
pub fn certbot_step(names: &[String], plugin: &str, webroot: &str) -> Vec<String> {
    let mut lines = vec![format!(
        "Get the certificates first (port 80 must reach this machine for each name), then run \
         apply again. With certbot's {plugin} plugin:"
    )];
    for name in names {
        lines.push(format!("  certbot certonly --{plugin} -d {name}"));
    }
    lines.push(format!(
        "or, when a port-80 site serves {webroot} for these names:"
    ));
    for name in names {
        lines.push(format!(
            "  certbot certonly --webroot -w {webroot} -d {name}"
        ));
    }
    lines
}

/// The name in a certbot path `/etc/letsencrypt/live/<name>/...`.
pub fn certbot_name(path: &str) -> Option<&str> {
    path.strip_prefix("/etc/letsencrypt/live/")?
        .split('/')
        .next()
        .filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_command_per_name_each_way() {
        let step = certbot_step(
            &["example.com".into(), "matrix.example.com".into()],
            "nginx",
            "/var/www/html",
        );
        assert_eq!(step[1], "  certbot certonly --nginx -d example.com");
        assert_eq!(step[2], "  certbot certonly --nginx -d matrix.example.com");
        assert_eq!(
            step[5],
            "  certbot certonly --webroot -w /var/www/html -d matrix.example.com"
        );
        assert_eq!(
            certbot_name("/etc/letsencrypt/live/a.b/privkey.pem"),
            Some("a.b")
        );
        assert_eq!(certbot_name("/etc/ssl/x.pem"), None);
    }
}
