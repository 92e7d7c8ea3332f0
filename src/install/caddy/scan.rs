//! Caddyfile syntax as far as an install needs it: the top-level blocks
//! (global options, snippets, site blocks with their addresses and lines)
//! and the `import` lines. Tokens are separated by whitespace; `"..."` and
//! `` `...` `` are one token each (a backquoted one may span lines); `#`
//! starts a comment where a token could start.

/// One token with its 1-based line (the line it starts on).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    text: String,
    line: usize,
    /// It was quoted: never a brace.
    quoted: bool,
}

fn tokens(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '#' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '"' || c == '`' {
            let start_line = line;
            let mut value = String::new();
            i += 1;
            while i < chars.len() && chars[i] != c {
                if c == '"' && chars[i] == '\\' && i + 1 < chars.len() {
                    i += 1;
                }
                if chars[i] == '\n' {
                    line += 1;
                }
                value.push(chars[i]);
                i += 1;
            }
            i += 1;
            out.push(Token {
                text: value,
                line: start_line,
                quoted: true,
            });
        } else {
            let mut value = String::new();
            while i < chars.len() && !chars[i].is_whitespace() {
                value.push(chars[i]);
                i += 1;
            }
            out.push(Token {
                text: value,
                line,
                quoted: false,
            });
        }
    }
    out
}

/// A top-level site block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteBlock {
    /// The addresses as written (`example.com:443`, `https://a.b`).
    pub addresses: Vec<String>,
    /// Every token inside the block (for "does it already route X").
    pub body: Vec<String>,
    pub open_line: usize,
    pub close_line: usize,
}

impl SiteBlock {
    /// Whether the block answers for `name` on `port`.
    pub fn serves(&self, name: &str, port: u16) -> bool {
        self.addresses
            .iter()
            .filter_map(|a| address(a))
            .any(|(host, p)| host.eq_ignore_ascii_case(name) && p == port)
    }
}

/// A site address's host and port: `https://` or no scheme means 443
/// unless a port is given, `http://` 80. `None` for an address without a
/// host (`:80`) or a wildcard (an exact name wins over it in Caddy).
pub fn address(addr: &str) -> Option<(String, u16)> {
    let (default_port, rest) = if let Some(r) = addr.strip_prefix("https://") {
        (443, r)
    } else if let Some(r) = addr.strip_prefix("http://") {
        (80, r)
    } else {
        (443, addr)
    };
    let host_port = rest.split('/').next().unwrap_or("").trim_end_matches(',');
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || host_port.starts_with('[') => (h, p.parse().ok()?),
        _ => (host_port, default_port),
    };
    if host.is_empty() || host.contains('*') || host.contains('{') {
        return None;
    }
    Some((host.to_ascii_lowercase(), port))
}

/// The site blocks of a Caddyfile (not the global options block, snippets
/// or named routes).
pub fn site_blocks(text: &str) -> Vec<SiteBlock> {
    let toks = tokens(text);
    let last_line = text.lines().count().max(1);
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut head: Vec<Token> = Vec::new();
    let mut current: Option<SiteBlock> = None;
    for t in toks {
        let brace = !t.quoted && (t.text == "{" || t.text == "}");
        if depth == 0 {
            if brace && t.text == "{" {
                let is_site = !head.is_empty()
                    && !head[0].text.starts_with('(')
                    && !head[0].text.starts_with("&(");
                // Only the tokens on the `{` line are addresses: earlier
                // lines were top-level directives such as `import`.
                let addresses: Vec<String> = head
                    .iter()
                    .filter(|h| h.line == t.line)
                    .map(|h| h.text.trim_end_matches(',').to_string())
                    .filter(|a| !a.is_empty())
                    .collect();
                current = (is_site && !addresses.is_empty()).then(|| SiteBlock {
                    addresses,
                    body: Vec::new(),
                    open_line: t.line,
                    close_line: last_line,
                });
                head.clear();
                depth = 1;
            } else {
                head.push(t);
            }
            continue;
        }
        if brace && t.text == "{" {
            depth += 1;
        } else if brace && t.text == "}" {
            depth -= 1;
            if depth == 0 {
                if let Some(mut block) = current.take() {
                    block.close_line = t.line;
                    out.push(block);
                }
                continue;
            }
        }
        if let Some(block) = current.as_mut() {
            block.body.push(t.text);
        }
    }
    if let Some(block) = current {
        out.push(block);
    }
    out
}

/// The argument of every top-level `import` line.
pub fn imports(text: &str) -> Vec<String> {
    let toks = tokens(text);
    let mut out = Vec::new();
    let mut depth = 0usize;
    for (i, t) in toks.iter().enumerate() {
        if !t.quoted && t.text == "{" {
            depth += 1;
        } else if !t.quoted && t.text == "}" {
            depth = depth.saturating_sub(1);
        } else if depth == 0
            && t.text == "import"
            && !t.quoted
            && (i == 0 || toks[i - 1].line != t.line)
            && let Some(arg) = toks.get(i + 1).filter(|a| a.line == t.line)
        {
            out.push(arg.text.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "{\n\temail a@b.c\n}\n(common) {\n\tencode gzip\n}\n:80 {\n\troot * /usr/share/caddy\n}\nexample.com, www.example.com {\n\trespond `{\"a\": \"}\"}`\n\thandle /x* {\n\t\treverse_proxy 127.0.0.1:1\n\t}\n}\nimport sites/*.caddy\nhttp://matrix.example.com:8448 {\n}\n";

    #[test]
    fn sites_not_globals_or_snippets() {
        let blocks = site_blocks(FILE);
        let addrs: Vec<_> = blocks.iter().map(|b| b.addresses.clone()).collect();
        assert_eq!(
            addrs,
            vec![
                vec![":80".to_string()],
                vec!["example.com".into(), "www.example.com".into()],
                vec!["http://matrix.example.com:8448".into()],
            ]
        );
        assert_eq!((blocks[1].open_line, blocks[1].close_line), (10, 15));
        assert!(blocks[1].serves("example.com", 443));
        assert!(!blocks[1].serves("example.com", 80));
        assert!(blocks[2].serves("matrix.example.com", 8448));
        assert!(!blocks[0].serves("example.com", 80));
        assert!(blocks[1].body.contains(&"/x*".to_string()));
        assert_eq!(imports(FILE), vec!["sites/*.caddy"]);
    }

    #[test]
    fn addresses() {
        assert_eq!(address("example.com"), Some(("example.com".into(), 443)));
        assert_eq!(
            address("Example.com:8448"),
            Some(("example.com".into(), 8448))
        );
        assert_eq!(address("http://a.b"), Some(("a.b".into(), 80)));
        assert_eq!(address("https://a.b:8443/path"), Some(("a.b".into(), 8443)));
        assert_eq!(address(":80"), None);
        assert_eq!(address("*.example.com"), None);
    }
}
