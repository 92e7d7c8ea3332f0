//! HAProxy configuration paths moved under another root for testing: the
//! `crt`, `ca-file` and `crt-list` files of `bind` lines, `errorfile`
//! files and the `crt-base` and `ca-base` folders. Only those words change.

/// `text` with those absolute paths prefixed by `root` (no trailing `/`).
pub fn relocate(text: &str, root: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let code_end = line.find('#').unwrap_or(line.len());
        let (code, rest) = line.split_at(code_end);
        let words: Vec<(usize, &str)> = word_spans(code);
        let first = words.first().map(|(_, w)| *w);
        let mut targets: Vec<usize> = Vec::new();
        match first {
            Some("errorfile") => targets.push(2),
            Some("crt-base" | "ca-base") => targets.push(1),
            Some("bind") => {
                for (i, pair) in words.windows(2).enumerate() {
                    if matches!(pair[0].1, "crt" | "ca-file" | "crt-list") {
                        targets.push(i + 1);
                    }
                }
            }
            _ => {}
        }
        let mut new_code = String::new();
        let mut at = 0;
        for i in targets {
            let Some((start, word)) = words.get(i) else {
                continue;
            };
            if !word.starts_with('/') {
                continue;
            }
            new_code.push_str(&code[at..*start]);
            new_code.push_str(root);
            new_code.push_str(word);
            at = start + word.len();
        }
        new_code.push_str(&code[at..]);
        out.push_str(&new_code);
        out.push_str(rest);
    }
    out
}

fn word_spans(code: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in code.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s, &code[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &code[s..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_file_words_move() {
        let text = "\terrorfile 400 /etc/haproxy/errors/400.http\n\tcrt-base /etc/ssl/private\n    bind [::]:443 v4v6 ssl crt /etc/haproxy/certs/a.pem alpn h2 # crt /x\n    acl a path /etc/x\n";
        assert_eq!(
            relocate(text, "/r"),
            "\terrorfile 400 /r/etc/haproxy/errors/400.http\n\tcrt-base /r/etc/ssl/private\n    bind [::]:443 v4v6 ssl crt /r/etc/haproxy/certs/a.pem alpn h2 # crt /x\n    acl a path /etc/x\n"
        );
    }
}
