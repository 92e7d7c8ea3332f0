//! The lines to merge into an existing server block, and the generated
//! text without the blocks that existing ones already cover. Both read the
//! generated configuration with the same scanner as the operator's files.

use super::scan::{ServerBlock, server_blocks};

/// Directives that name the site itself: the existing block has its own.
const SITE_DIRECTIVES: &[&str] = &["server_name", "ssl_certificate", "ssl_certificate_key"];

/// The body of the generated block for `site` to add to `existing`:
/// without its `server_name` and certificate lines, with `listen` lines
/// only for the ports `existing` lacks, and without a directive that may
/// appear once and `existing` already has. Empty when the generated text
/// has no block for `site`.
pub fn lines_to_add(generated: &str, site: &str, existing: &ServerBlock) -> Vec<String> {
    let Some(block) = server_blocks(generated).into_iter().find(|b| {
        b.names
            .first()
            .is_some_and(|n| n.eq_ignore_ascii_case(site))
    }) else {
        return Vec::new();
    };
    let lines: Vec<&str> = generated.lines().collect();
    let body = lines
        .get(block.open_line..block.close_line.saturating_sub(1))
        .unwrap_or(&[]);
    let mut out: Vec<String> = Vec::new();
    for line in body {
        let first = line.split_whitespace().next().unwrap_or("");
        let directive = first.trim_end_matches(';');
        let keep = match directive {
            "listen" => line
                .split_whitespace()
                .nth(1)
                .and_then(|a| super::scan::listen_port(a.trim_end_matches(';')))
                .is_some_and(|port| !existing.ports.contains(&port)),
            "client_max_body_size" => !existing
                .directives
                .iter()
                .any(|d| d == "client_max_body_size"),
            d => !SITE_DIRECTIVES.contains(&d),
        };
        if keep {
            out.push(line.to_string());
        }
    }
    // No blank line at either end, and never two in a row.
    let mut tidy: Vec<String> = Vec::new();
    for line in out {
        let blank = line.trim().is_empty();
        if blank && tidy.last().is_none_or(|l| l.trim().is_empty()) {
            continue;
        }
        tidy.push(line);
    }
    while tidy.last().is_some_and(|l| l.trim().is_empty()) {
        tidy.pop();
    }
    tidy
}

/// `generated` without the server blocks of `sites` (and the comment
/// lines and the blank line just above each).
pub fn without_sites(generated: &str, sites: &[String]) -> String {
    if sites.is_empty() {
        return generated.to_string();
    }
    let lines: Vec<&str> = generated.split_inclusive('\n').collect();
    let mut drop = vec![false; lines.len()];
    for block in server_blocks(generated) {
        let Some(name) = block.names.first() else {
            continue;
        };
        if !sites.iter().any(|s| s.eq_ignore_ascii_case(name)) {
            continue;
        }
        let mut start = block.open_line - 1;
        while start > 0 && lines[start - 1].trim_start().starts_with('#') {
            start -= 1;
        }
        if start > 0 && lines[start - 1].trim().is_empty() {
            start -= 1;
        }
        for d in drop
            .iter_mut()
            .take(block.close_line.min(lines.len()))
            .skip(start)
        {
            *d = true;
        }
    }
    lines
        .iter()
        .zip(drop)
        .filter(|(_, d)| !d)
        .map(|(l, _)| *l)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GENERATED: &str = "# head\n\n# --- matrix.example.com ---\nserver {\n    listen 8448 ssl;\n    listen 443 ssl;\n    server_name matrix.example.com;\n    ssl_certificate /a;\n\n    client_max_body_size 20M;\n\n    location /_matrix/ {\n        proxy_pass http://127.0.0.1:8008;\n    }\n}\n\n# --- example.com ---\n# why\nserver {\n    listen 443 ssl;\n    server_name example.com;\n\n    location /.well-known/matrix/ {\n        proxy_pass http://127.0.0.1:8008;\n    }\n}\n";

    #[test]
    fn the_lines_to_add_leave_out_what_the_block_has() {
        let existing = server_blocks(
            "server { listen 443 ssl; server_name matrix.example.com; client_max_body_size 50M; }",
        );
        let lines = lines_to_add(GENERATED, "matrix.example.com", &existing[0]);
        assert_eq!(
            lines,
            vec![
                "    listen 8448 ssl;",
                "",
                "    location /_matrix/ {",
                "        proxy_pass http://127.0.0.1:8008;",
                "    }",
            ]
        );
    }

    #[test]
    fn without_sites_cuts_the_block_with_its_comments() {
        let out = without_sites(GENERATED, &["example.com".into()]);
        assert!(
            out.ends_with("        proxy_pass http://127.0.0.1:8008;\n    }\n}\n"),
            "{out}"
        );
        assert!(!out.contains("example.com ---\n# why"), "{out}");
        assert_eq!(server_blocks(&out).len(), 1);
        assert_eq!(without_sites(GENERATED, &[]), GENERATED);
    }
}
