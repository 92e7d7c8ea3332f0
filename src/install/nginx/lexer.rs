//! nginx configuration syntax as statements: words (bare or quoted),
//! `;`, `{` and `}`, with `#` comments skipped. Each word keeps its byte
//! span and line, so a scan can quote exact lines and a rewrite can
//! replace one argument and leave every other byte alone.

/// One word of a directive: its value (quotes removed, escapes kept as
/// written) and where its value lies in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub value: String,
    /// The byte range of the value (inside the quotes when quoted).
    pub start: usize,
    pub end: usize,
    /// 1-based line of the word.
    pub line: usize,
}

/// A directive (`listen 443 ssl;`) or the head of a block (`server {`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub words: Vec<Word>,
    /// True for `name args {`: the statements up to the matching `}` are
    /// its body.
    pub opens_block: bool,
    /// 1-based line of the first word.
    pub line: usize,
}

/// What the lexer yields, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    Statement(Statement),
    /// A `}`, with its line.
    Close {
        line: usize,
    },
}

/// Every statement and closing brace of `text`. Unbalanced or unfinished
/// input is read as far as it goes: what an operator's file holds is
/// scanned, never rejected (nginx itself judges validity).
pub fn tokens(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut words: Vec<Word> = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let finish = |words: &mut Vec<Word>, opens_block: bool, out: &mut Vec<Token>| {
        if let Some(first) = words.first() {
            let line = first.line;
            out.push(Token::Statement(Statement {
                words: std::mem::take(words),
                opens_block,
                line,
            }));
        }
    };
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                line += 1;
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b';' => {
                finish(&mut words, false, &mut out);
                i += 1;
            }
            b'{' => {
                finish(&mut words, true, &mut out);
                i += 1;
            }
            b'}' => {
                finish(&mut words, false, &mut out);
                out.push(Token::Close { line });
                i += 1;
            }
            quote @ (b'"' | b'\'') => {
                let word_line = line;
                let start = i + 1;
                let mut j = start;
                while j < bytes.len() && bytes[j] != quote {
                    if bytes[j] == b'\\' {
                        j += 1;
                    }
                    if j < bytes.len() && bytes[j] == b'\n' {
                        line += 1;
                    }
                    j += 1;
                }
                let end = j.min(bytes.len());
                words.push(Word {
                    value: text[start..end].to_string(),
                    start,
                    end,
                    line: word_line,
                });
                i = (end + 1).min(bytes.len());
            }
            _ => {
                let start = i;
                while i < bytes.len()
                    && !matches!(
                        bytes[i],
                        b' ' | b'\t' | b'\r' | b'\n' | b';' | b'{' | b'}' | b'"' | b'\''
                    )
                {
                    if bytes[i] == b'\\' && i + 1 < bytes.len() && bytes[i + 1] != b'\n' {
                        i += 1;
                    }
                    i += 1;
                }
                // A `#` inside a word is part of it (nginx starts a comment
                // only where a word could start).
                let end = i.min(bytes.len());
                words.push(Word {
                    value: text[start..end].to_string(),
                    start,
                    end,
                    line,
                });
            }
        }
    }
    finish(&mut words, false, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(text: &str) -> Vec<String> {
        tokens(text)
            .into_iter()
            .map(|t| match t {
                Token::Statement(s) => {
                    let w: Vec<_> = s.words.iter().map(|w| w.value.as_str()).collect();
                    format!(
                        "{}{}@{}",
                        w.join(" "),
                        if s.opens_block { " {" } else { ";" },
                        s.line
                    )
                }
                Token::Close { line } => format!("}}@{line}"),
            })
            .collect()
    }

    #[test]
    fn statements_blocks_comments_and_quotes() {
        let text =
            "# head\nhttp {\n  server { listen 443 ssl; # c ; {\n server_name \"a b\" c;\n }\n}\n";
        assert_eq!(
            shape(text),
            vec![
                "http {@2",
                "server {@3",
                "listen 443 ssl;@3",
                "server_name a b c;@4",
                "}@5",
                "}@6"
            ]
        );
    }

    #[test]
    fn spans_point_at_the_values() {
        let text = "include '/etc/nginx/x';\nroot /srv;";
        let words: Vec<Word> = tokens(text)
            .into_iter()
            .filter_map(|t| match t {
                Token::Statement(s) => Some(s.words),
                Token::Close { .. } => None,
            })
            .flatten()
            .collect();
        for w in &words {
            assert_eq!(&text[w.start..w.end], w.value);
        }
        assert_eq!(words[1].value, "/etc/nginx/x");
        assert_eq!(words[3].line, 2);
    }

    #[test]
    fn unfinished_input_is_read_as_far_as_it_goes() {
        assert_eq!(
            shape("server { listen \"443"),
            vec!["server {@1", "listen 443;@1"]
        );
        assert_eq!(shape("}}"), vec!["}@1", "}@1"]);
        assert!(tokens("").is_empty());
    }
}
