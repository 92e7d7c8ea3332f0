//! Apache httpd configuration, line by line, as far as an install needs
//! it: `Include` lines, `<VirtualHost>` sections with their names, ports
//! and lines, the certificate files and the modules a configuration uses.

/// One `<VirtualHost>` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VirtualHost {
    /// `ServerName` (without a port) and `ServerAlias` values, lower-cased.
    pub names: Vec<String>,
    pub ports: Vec<u16>,
    /// Each directive line inside, trimmed.
    pub lines: Vec<String>,
    pub open_line: usize,
    pub close_line: usize,
}

impl VirtualHost {
    pub fn serves(&self, name: &str, port: u16) -> bool {
        let name = name.to_ascii_lowercase();
        self.ports.contains(&port) && self.names.contains(&name)
    }
}

/// The directive name (lower-cased) and its arguments, quotes removed.
fn words(line: &str) -> Option<(String, Vec<String>)> {
    let t = line.trim();
    if t.is_empty() || t.starts_with('#') {
        return None;
    }
    let mut parts = t.split_whitespace();
    let name = parts.next()?.to_ascii_lowercase();
    Some((
        name,
        parts.map(|p| p.trim_matches('"').to_string()).collect(),
    ))
}

pub fn virtual_hosts(text: &str) -> Vec<VirtualHost> {
    let mut out = Vec::new();
    let mut current: Option<VirtualHost> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let Some((name, args)) = words(line) else {
            continue;
        };
        if name == "<virtualhost" {
            let ports = args
                .iter()
                .filter_map(|a| a.trim_end_matches('>').rsplit_once(':')?.1.parse().ok())
                .collect();
            current = Some(VirtualHost {
                names: Vec::new(),
                ports,
                lines: Vec::new(),
                open_line: n,
                close_line: n,
            });
        } else if name.starts_with("</virtualhost") {
            if let Some(mut v) = current.take() {
                v.close_line = n;
                out.push(v);
            }
        } else if let Some(v) = current.as_mut() {
            match name.as_str() {
                "servername" => v.names.extend(args.first().map(|a| {
                    a.rsplit_once(':')
                        .filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit()))
                        .map_or(a.as_str(), |(h, _)| h)
                        .to_ascii_lowercase()
                })),
                "serveralias" => v.names.extend(args.iter().map(|a| a.to_ascii_lowercase())),
                _ => {}
            }
            v.lines.push(line.trim().to_string());
        }
    }
    out
}

fn args_of(text: &str, names: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        if let Some((name, args)) = words(line)
            && names.contains(&name.as_str())
            && let Some(arg) = args.first()
            && !out.contains(arg)
        {
            out.push(arg.clone());
        }
    }
    out
}

pub fn includes(text: &str) -> Vec<String> {
    args_of(text, &["include", "includeoptional"])
}

pub fn certificate_files(text: &str) -> Vec<String> {
    args_of(
        text,
        &[
            "sslcertificatefile",
            "sslcertificatekeyfile",
            "sslcertificatechainfile",
        ],
    )
}

/// The modules the directives of `text` need, in the order to enable them.
pub fn modules_needed(text: &str) -> Vec<&'static str> {
    let used: Vec<String> = text.lines().filter_map(words).map(|(n, _)| n).collect();
    let has = |d: &str| used.iter().any(|u| u == d);
    let mut out = Vec::new();
    if has("sslengine") {
        out.extend(["socache_shmcb", "ssl"]);
    }
    if has("proxypass") {
        out.extend(["proxy", "proxy_http"]);
    }
    if has("requestheader") || has("header") {
        out.push("headers");
    }
    if has("alias") {
        out.push("alias");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_hosts_with_names_ports_and_lines() {
        let text = "<VirtualHost *:80>\n\tServerName a.b\n</VirtualHost>\n<VirtualHost *:443 [::]:443>\n\tServerName Example.com:443\n\tServerAlias www.example.com\n\tSSLEngine on\n\tSSLCertificateFile \"/x.pem\"\n\tProxyPass /a http://b/a\n</VirtualHost>\n";
        let v = virtual_hosts(text);
        assert_eq!(v.len(), 2);
        assert!(v[1].serves("example.com", 443));
        assert!(v[1].serves("WWW.example.com", 443));
        assert!(!v[0].serves("a.b", 443));
        assert_eq!((v[1].open_line, v[1].close_line), (4, 10));
        assert_eq!(certificate_files(text), vec!["/x.pem"]);
        assert_eq!(
            modules_needed(text),
            vec!["socache_shmcb", "ssl", "proxy", "proxy_http"]
        );
        assert_eq!(
            includes("IncludeOptional sites-enabled/*.conf\nInclude ports.conf\n"),
            vec!["sites-enabled/*.conf", "ports.conf"]
        );
    }
}
