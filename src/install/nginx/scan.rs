//! What an nginx configuration file holds that an install cares about:
//! its `server` blocks (names, ports, locations, where they start and
//! end), its `include` patterns and the certificate files it names.

use super::lexer::{Token, tokens};

/// One http `server { }` block of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerBlock {
    /// `server_name` values, lower-cased.
    pub names: Vec<String>,
    /// The ports it listens on (80 when it has no `listen`, as nginx does).
    pub ports: Vec<u16>,
    /// Each `location` head's arguments joined by a space
    /// (`/_matrix/`, `= /.well-known/matrix/client`).
    pub locations: Vec<String>,
    /// The names of the directives directly inside the block.
    pub directives: Vec<String>,
    /// 1-based lines of `server {` and of its closing `}` (the last line
    /// of the file when it is missing).
    pub open_line: usize,
    pub close_line: usize,
}

impl ServerBlock {
    /// Whether this block answers for `name` on `port`: an exact name
    /// (case-insensitive) or a leading-dot name covering it, and a listen
    /// on that port. Wildcards and regular expressions lose to an exact
    /// name in nginx, so they do not conflict.
    pub fn serves(&self, name: &str, port: u16) -> bool {
        let name = name.to_ascii_lowercase();
        self.ports.contains(&port)
            && self
                .names
                .iter()
                .any(|n| *n == name || n.strip_prefix('.').is_some_and(|d| d == name))
    }
}

/// The http server blocks of `text` (not those inside `stream` or `mail`).
pub fn server_blocks(text: &str) -> Vec<ServerBlock> {
    let last_line = text.lines().count().max(1);
    let mut out: Vec<ServerBlock> = Vec::new();
    // The open blocks: their name, and the index in `out` of a server block.
    let mut stack: Vec<(String, Option<usize>)> = Vec::new();
    for token in tokens(text) {
        match token {
            Token::Statement(s) => {
                let name = s.words.first().map(|w| w.value.as_str()).unwrap_or("");
                let args: Vec<&str> = s.words.iter().skip(1).map(|w| w.value.as_str()).collect();
                let current = stack.last().and_then(|(_, i)| *i);
                if let Some(i) = current {
                    let block = &mut out[i];
                    block.directives.push(name.to_string());
                    match (name, s.opens_block) {
                        ("server_name", false) => block
                            .names
                            .extend(args.iter().map(|a| a.to_ascii_lowercase())),
                        ("listen", false) => {
                            if let Some(port) = args.first().and_then(|a| listen_port(a)) {
                                block.ports.push(port);
                            }
                        }
                        ("location", true) => block.locations.push(args.join(" ")),
                        _ => {}
                    }
                }
                if s.opens_block {
                    let is_http_server = name == "server"
                        && !stack
                            .iter()
                            .any(|(n, _)| matches!(n.as_str(), "stream" | "mail" | "upstream"));
                    let index = is_http_server.then(|| {
                        out.push(ServerBlock {
                            names: Vec::new(),
                            ports: Vec::new(),
                            locations: Vec::new(),
                            directives: Vec::new(),
                            open_line: s.line,
                            close_line: last_line,
                        });
                        out.len() - 1
                    });
                    stack.push((name.to_string(), index));
                }
            }
            Token::Close { line } => {
                if let Some((_, Some(i))) = stack.pop() {
                    out[i].close_line = line;
                }
            }
        }
    }
    for block in &mut out {
        if block.ports.is_empty() {
            block.ports.push(80);
        }
    }
    out
}

/// The port of a `listen` argument: `443`, `*:443`, `127.0.0.1:8448`,
/// `[::]:443`, or an address alone (port 80). `None` for a UNIX socket.
pub fn listen_port(arg: &str) -> Option<u16> {
    if arg.starts_with("unix:") {
        return None;
    }
    if let Ok(port) = arg.parse::<u16>() {
        return Some(port);
    }
    let after_address = match arg.rfind(']') {
        Some(i) => &arg[i + 1..],
        None => arg,
    };
    match after_address.rfind(':') {
        Some(i) => after_address[i + 1..].parse().ok(),
        None => Some(80),
    }
}

/// The argument of every `include` directive, in order.
pub fn includes(text: &str) -> Vec<String> {
    directive_args(text, &["include"])
}

/// The certificate and key files the text names.
pub fn certificate_files(text: &str) -> Vec<String> {
    let mut files = directive_args(text, &["ssl_certificate", "ssl_certificate_key"]);
    let mut seen = std::collections::BTreeSet::new();
    files.retain(|f| seen.insert(f.clone()));
    files
}

fn directive_args(text: &str, names: &[&str]) -> Vec<String> {
    tokens(text)
        .into_iter()
        .filter_map(|t| match t {
            Token::Statement(s) if !s.opens_block => {
                let name = s.words.first()?;
                names
                    .contains(&name.value.as_str())
                    .then(|| s.words.get(1).map(|w| w.value.clone()))
                    .flatten()
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = "\
server {
    listen 80 default_server;
    listen [::]:80 default_server;
    server_name _;
}

server {
    listen 443 ssl;
    listen [::]:443 ssl;
    server_name Example.com www.example.com;
    ssl_certificate /etc/ssl/a.pem;
    location / {
        root /var/www/html;
    }
}
";

    #[test]
    fn finds_each_block_with_names_ports_and_lines() {
        let blocks = server_blocks(SITE);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].names, vec!["_"]);
        assert_eq!(blocks[0].ports, vec![80, 80]);
        assert_eq!((blocks[0].open_line, blocks[0].close_line), (1, 5));
        assert_eq!(blocks[1].names, vec!["example.com", "www.example.com"]);
        assert_eq!((blocks[1].open_line, blocks[1].close_line), (7, 15));
        assert_eq!(blocks[1].locations, vec!["/"]);
        assert!(blocks[1].serves("EXAMPLE.COM", 443));
        assert!(!blocks[1].serves("example.com", 8448));
        assert!(!blocks[0].serves("example.com", 80));
    }

    #[test]
    fn a_block_without_listen_is_on_port_80_and_stream_servers_are_not_http() {
        let text = "server { server_name .example.com; }\nstream { server { listen 443; server_name example.com; } }\nupstream u { server 127.0.0.1:8008; }";
        let blocks = server_blocks(text);
        assert_eq!(blocks.len(), 1, "{blocks:?}");
        assert!(blocks[0].serves("example.com", 80));
    }

    #[test]
    fn listen_ports() {
        for (arg, port) in [
            ("443", Some(443)),
            ("*:8448", Some(8448)),
            ("127.0.0.1:443", Some(443)),
            ("[::]:443", Some(443)),
            ("[::1]", Some(80)),
            ("localhost", Some(80)),
            ("unix:/run/x.sock", None),
        ] {
            assert_eq!(listen_port(arg), port, "{arg}");
        }
    }

    #[test]
    fn includes_and_certificates() {
        let text = "http { include /etc/nginx/conf.d/*.conf; include sites-enabled/*; }\nserver { ssl_certificate /a; ssl_certificate_key /b; ssl_certificate /a; }";
        assert_eq!(
            includes(text),
            vec!["/etc/nginx/conf.d/*.conf", "sites-enabled/*"]
        );
        assert_eq!(certificate_files(text), vec!["/a", "/b"]);
    }
}
