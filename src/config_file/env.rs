//! Environment variables that override the config file. Continuwuity loads
//! the file, then merges `CONDUIT_`, `CONDUWUIT_` and `CONTINUWUITY_`
//! variables (figment `Env::prefixed(..).global().split("__")`, later wins):
//! the prefix is stripped, the rest lower-cased, `__` nests a key. A whole
//! table can be given in figment's own dict syntax `{ key=value, ... }` —
//! not JSON. tuwunel reads `TUWUNEL_` the same way; Continuwuity does not.

use super::keys;

/// Prefixes in Continuwuity's precedence order, weakest first, then tuwunel's.
pub const PREFIXES: [&str; 4] = ["CONDUIT_", "CONDUWUIT_", "CONTINUWUITY_", "TUWUNEL_"];

/// The `[global]` settings outside the section that the report shows.
pub const GLOBAL_KEYS: [&str; 5] = [
    "server_name",
    "address",
    "port",
    "unix_socket_path",
    "allow_federation",
];

/// What one variable means to the homeserver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvMeaning {
    /// `..._WELL_KNOWN__CLIENT`: sets one known key.
    WellKnownKey { key: &'static str, value: String },
    /// `..._WELL_KNOWN__SERVRE`: a key Continuwuity drops silently.
    UnknownWellKnownKey {
        key: String,
        suggestion: Option<&'static str>,
    },
    /// `..._WELL_KNOWN={ client=..., server=... }`: figment dict syntax.
    Section { entries: Vec<(String, String)> },
    /// `..._WELL_KNOWN={"client": ...}`: JSON, which figment does not read
    /// (the entries are kept to suggest the right spelling).
    SectionJson { entries: Vec<(String, String)> },
    /// `..._WELL_KNOWN=...` that is no dict at all.
    SectionNotATable,
    /// `..._WELL_KNOWN_CLIENT` (one underscore): the deprecated
    /// `well_known_client` key, ignored.
    SingleUnderscore { key: &'static str },
    /// `..._SERVER_NAME`, `..._PORT`, ...
    Global { key: &'static str, value: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvSetting {
    pub var: String,
    pub raw: String,
    pub meaning: EnvMeaning,
    /// Index into [`PREFIXES`].
    pub prefix: usize,
}

impl EnvSetting {
    /// Whether Continuwuity reads this variable at all (`TUWUNEL_` it does not).
    pub fn read_by_continuwuity(&self) -> bool {
        self.prefix < 3
    }

    /// The value this variable gives `key` of `[global.well_known]`.
    pub fn well_known_value(&self, key: &str) -> Option<&str> {
        match &self.meaning {
            EnvMeaning::WellKnownKey { key: k, value } if *k == key => Some(value),
            EnvMeaning::Section { entries } => entries
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str()),
            _ => None,
        }
    }

    pub fn global_value(&self, key: &str) -> Option<&str> {
        match &self.meaning {
            EnvMeaning::Global { key: k, value } if *k == key => Some(value),
            _ => None,
        }
    }
}

/// The variables among `env` that touch what this tool cares about, sorted
/// by name.
pub fn analyse(env: &[(String, String)]) -> Vec<EnvSetting> {
    let mut out: Vec<EnvSetting> = env
        .iter()
        .filter_map(|(name, raw)| {
            let (prefix, rest) = PREFIXES.iter().enumerate().find_map(|(i, p)| {
                let head = name.get(..p.len())?;
                head.eq_ignore_ascii_case(p).then(|| (i, &name[p.len()..]))
            })?;
            let key = rest.trim().to_ascii_lowercase().replace("__", ".");
            let meaning = meaning(&key, raw)?;
            Some(EnvSetting {
                var: name.clone(),
                raw: raw.clone(),
                meaning,
                prefix,
            })
        })
        .collect();
    out.sort_by(|a, b| a.var.cmp(&b.var));
    out
}

fn meaning(key: &str, raw: &str) -> Option<EnvMeaning> {
    if key == "well_known" {
        return Some(section(raw));
    }
    if let Some(sub) = key.strip_prefix("well_known.") {
        return Some(match keys::KNOWN_KEYS.iter().find(|k| **k == sub) {
            Some(k) => EnvMeaning::WellKnownKey {
                key: k,
                value: scalar(raw),
            },
            None => EnvMeaning::UnknownWellKnownKey {
                key: sub.to_string(),
                suggestion: keys::suggest(sub),
            },
        });
    }
    if let Some(rest) = key.strip_prefix("well_known_") {
        // `well_known_timeout` and `well_known_conn_timeout` are real settings.
        return keys::KNOWN_KEYS
            .iter()
            .find(|k| **k == rest)
            .map(|k| EnvMeaning::SingleUnderscore { key: k });
    }
    GLOBAL_KEYS
        .iter()
        .find(|k| **k == key)
        .map(|k| EnvMeaning::Global {
            key: k,
            value: scalar(raw),
        })
}

fn section(raw: &str) -> EnvMeaning {
    let trimmed = raw.trim();
    if let Some(entries) = FigmentDict::parse(trimmed) {
        return EnvMeaning::Section { entries };
    }
    match serde_json::from_str::<serde_json::Value>(trimmed) {
        Ok(serde_json::Value::Object(map)) => EnvMeaning::SectionJson {
            entries: map
                .into_iter()
                .map(|(k, v)| {
                    let v = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                    (k, v)
                })
                .collect(),
        },
        _ => EnvMeaning::SectionNotATable,
    }
}

/// A single value as figment reads it: a double-quoted string loses its
/// quotes and escapes, anything else is the trimmed text.
fn scalar(raw: &str) -> String {
    let t = raw.trim();
    let mut p = FigmentDict { rest: t };
    match p.quoted() {
        Some(s) if p.rest.is_empty() => s,
        _ => t.to_string(),
    }
}

/// A reader for figment's dict syntax (`figment::value::parse`): `{`, then
/// `key = value` pairs separated by commas, then `}`. Keys are bare
/// (`[A-Za-z0-9_-]`) or double-quoted; values are quoted strings, nested
/// dicts/arrays (kept as text) or bare text up to `,`, `{`, `}`, `[` or `]`.
struct FigmentDict<'a> {
    rest: &'a str,
}

impl<'a> FigmentDict<'a> {
    fn parse(text: &'a str) -> Option<Vec<(String, String)>> {
        let mut p = FigmentDict { rest: text };
        let entries = p.dict()?;
        p.skip_ws();
        p.rest.is_empty().then_some(entries)
    }

    fn skip_ws(&mut self) {
        self.rest = self.rest.trim_start();
    }

    fn eat(&mut self, c: char) -> Option<()> {
        self.rest = self.rest.strip_prefix(c)?;
        Some(())
    }

    fn dict(&mut self) -> Option<Vec<(String, String)>> {
        self.eat('{')?;
        self.skip_ws();
        let mut out = Vec::new();
        while !self.rest.starts_with('}') {
            let key = match self.quoted() {
                Some(k) => k,
                None => {
                    let end = self
                        .rest
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                        .unwrap_or(self.rest.len());
                    let (k, rest) = self.rest.split_at(end);
                    self.rest = rest;
                    k.to_string()
                }
            };
            self.skip_ws();
            self.eat('=')?;
            self.skip_ws();
            let value = self.value()?;
            out.push((key, value));
            self.skip_ws();
            if self.eat(',').is_none() {
                break;
            }
            self.skip_ws();
        }
        self.eat('}')?;
        Some(out)
    }

    fn value(&mut self) -> Option<String> {
        if self.rest.starts_with('"') {
            return self.quoted();
        }
        if self.rest.starts_with('{') || self.rest.starts_with('[') {
            let start = self.rest;
            self.skip_nested()?;
            return Some(start[..start.len() - self.rest.len()].to_string());
        }
        let end = self
            .rest
            .find([',', '{', '}', '[', ']'])
            .unwrap_or(self.rest.len());
        let (v, rest) = self.rest.split_at(end);
        self.rest = rest;
        Some(v.trim().to_string())
    }

    fn skip_nested(&mut self) -> Option<()> {
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escaped = false;
        for (i, c) in self.rest.char_indices() {
            match (in_string, escaped, c) {
                (true, true, _) => escaped = false,
                (true, false, '\\') => escaped = true,
                (true, false, '"') => in_string = false,
                (false, _, '"') => in_string = true,
                (false, _, '{' | '[') => depth += 1,
                (false, _, '}' | ']') => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        self.rest = &self.rest[i + 1..];
                        return Some(());
                    }
                }
                _ => {}
            }
        }
        None
    }

    fn quoted(&mut self) -> Option<String> {
        let body = self.rest.strip_prefix('"')?;
        let mut out = String::new();
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.rest = &body[i + 1..];
                    return Some(out);
                }
                '\\' => match chars.next()?.1 {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    other => out.push(other),
                },
                c => out.push(c),
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn shapes_are_told_apart() {
        let found = analyse(&env(&[
            ("CONTINUWUITY_WELL_KNOWN__CLIENT", "https://m.example.com"),
            ("CONTINUWUITY_WELL_KNOWN_SERVER", "m.example.com:443"),
            ("CONDUWUIT_WELL_KNOWN", "{\"client\": \"https://x\"}"),
            (
                "TUWUNEL_WELL_KNOWN",
                "{\n  client=https://m.example.com,\n  server=m.example.com:443\n}\n",
            ),
            ("CONTINUWUITY_WELL_KNOWN__SUPORT_EMAIL", "a@example.com"),
            ("CONTINUWUITY_WELL_KNOWN_TIMEOUT", "10"),
            ("CONTINUWUITY_SERVER_NAME", "\"example.com\""),
            ("CONTINUWUITY_CONFIG", "/etc/continuwuity.toml"),
            ("HOME", "/root"),
        ]));
        let by_var = |v: &str| found.iter().find(|s| s.var == v).map(|s| s.meaning.clone());
        assert_eq!(
            by_var("CONTINUWUITY_WELL_KNOWN__CLIENT"),
            Some(EnvMeaning::WellKnownKey {
                key: "client",
                value: "https://m.example.com".into()
            })
        );
        assert_eq!(
            by_var("CONTINUWUITY_WELL_KNOWN_SERVER"),
            Some(EnvMeaning::SingleUnderscore { key: "server" })
        );
        assert_eq!(
            by_var("CONDUWUIT_WELL_KNOWN"),
            Some(EnvMeaning::SectionJson {
                entries: vec![("client".into(), "https://x".into())]
            })
        );
        assert_eq!(
            by_var("TUWUNEL_WELL_KNOWN"),
            Some(EnvMeaning::Section {
                entries: vec![
                    ("client".into(), "https://m.example.com".into()),
                    ("server".into(), "m.example.com:443".into())
                ]
            })
        );
        assert_eq!(
            by_var("CONTINUWUITY_WELL_KNOWN__SUPORT_EMAIL"),
            Some(EnvMeaning::UnknownWellKnownKey {
                key: "suport_email".into(),
                suggestion: Some("support_email")
            })
        );
        assert_eq!(
            by_var("CONTINUWUITY_SERVER_NAME"),
            Some(EnvMeaning::Global {
                key: "server_name",
                value: "example.com".into()
            })
        );
        assert_eq!(found.len(), 6, "{found:?}");
    }

    #[test]
    fn figment_dicts() {
        assert_eq!(
            FigmentDict::parse("{ \"client\"=\"https://x\", server = h:443, }"),
            Some(vec![
                ("client".into(), "https://x".into()),
                ("server".into(), "h:443".into())
            ])
        );
        assert_eq!(FigmentDict::parse("{}"), Some(vec![]));
        assert_eq!(FigmentDict::parse("{ client: x }"), None);
        assert_eq!(FigmentDict::parse("{ client = x"), None);
        assert_eq!(
            FigmentDict::parse("{ a = [1, {b = 2}], c = d }"),
            Some(vec![
                ("a".into(), "[1, {b = 2}]".into()),
                ("c".into(), "d".into())
            ])
        );
    }
}
