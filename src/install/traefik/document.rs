//! Traefik's configuration files as one tree whatever their format: YAML
//! (`.yml`, `.yaml`) or TOML (`.toml`), as Traefik chooses by the file's
//! extension (`isFileSupported` and `file.DecodeContent` in traefik's
//! `pkg/provider/file/file.go`). Keys are looked up ignoring case, as
//! Traefik's decoder (paerser) matches them: `entryPoints` and
//! `entrypoints` are the same option.

use std::collections::HashMap;

use serde_json::{Map, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;
use yaml_rust2::{Yaml, YamlLoader};

/// Values a YAML file may expand to through aliases. Loading copies the
/// anchored value at every alias, so a few hundred bytes of nested aliases
/// ("billion laughs") would expand to gigabytes; Traefik's decoder
/// (go-yaml v3) refuses excessive aliasing too. Real configurations stay
/// far below: a value per key or list item.
const MAX_EXPANDED_VALUES: u64 = 1_000_000;

/// Nesting of mappings and sequences a YAML file may have: the tree is
/// converted recursively, and Traefik's options nest a handful deep.
const MAX_DEPTH: usize = 256;

/// The formats Traefik reads, by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Toml,
}

impl Format {
    /// The format of `path` by its extension, as Traefik decides (case
    /// ignored); `None` for a file Traefik skips.
    pub fn of(path: &str) -> Option<Format> {
        let name = path.rsplit('/').next().unwrap_or(path);
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "yml" | "yaml" => Some(Format::Yaml),
            "toml" => Some(Format::Toml),
            _ => None,
        }
    }
}

/// Why a file does not parse: the parser's own words, with the line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub message: String,
}

/// Parses `text` in `format` into one tree. An empty YAML file is an
/// empty map (Traefik loads it as an empty configuration); of several
/// YAML documents only the first counts, as in Traefik's decoder.
pub fn parse(text: &str, format: Format) -> Result<Value, ParseError> {
    match format {
        Format::Toml => toml::from_str::<Value>(text).map_err(|e| ParseError {
            message: e.to_string().trim_end().to_string(),
        }),
        Format::Yaml => {
            expansion_within_bounds(text)?;
            let docs = YamlLoader::load_from_str(text).map_err(|e| ParseError {
                // yaml-rust2 counts lines from 1 and columns from 0 (its
                // Display adds 1 to the column).
                message: e.to_string(),
            })?;
            Ok(docs
                .first()
                .map_or_else(|| Value::Object(Map::new()), from_yaml))
        }
    }
}

/// Counts what loading `text` would build, from the parser's events (one
/// linear pass, nothing copied): every value, each alias as the size of
/// its anchored value, and the deepest nesting. A syntax error is left to
/// the loader, which reports it with its line.
fn expansion_within_bounds(text: &str) -> Result<(), ParseError> {
    let mut budget = Expansion::default();
    let mut parser = Parser::new_from_str(text);
    if parser.load(&mut budget, true).is_err() || !budget.over {
        return Ok(());
    }
    Err(ParseError {
        message: format!(
            "the YAML nests deeper than {MAX_DEPTH} levels or expands through aliases to more \
             than {MAX_EXPANDED_VALUES} values; Traefik refuses such a file too"
        ),
    })
}

/// The running count of [`expansion_within_bounds`].
#[derive(Default)]
struct Expansion {
    /// The open mappings and sequences: anchor id and values so far.
    open: Vec<(usize, u64)>,
    /// The size of each anchored value, by anchor id.
    anchored: HashMap<usize, u64>,
    total: u64,
    over: bool,
}

impl Expansion {
    /// A finished value of `size` values, anchored as `anchor` (0: none).
    fn value(&mut self, anchor: usize, size: u64) {
        if anchor > 0 {
            self.anchored.insert(anchor, size);
        }
        if let Some((_, parent)) = self.open.last_mut() {
            *parent = parent.saturating_add(size);
        }
    }
}

impl MarkedEventReceiver for Expansion {
    fn on_event(&mut self, ev: Event, _mark: Marker) {
        if self.over {
            return;
        }
        match ev {
            Event::Scalar(_, _, anchor, _) => {
                self.total = self.total.saturating_add(1);
                self.value(anchor, 1);
            }
            Event::Alias(id) => {
                let size = self.anchored.get(&id).copied().unwrap_or(1);
                self.total = self.total.saturating_add(size);
                self.value(0, size);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                self.total = self.total.saturating_add(1);
                self.open.push((anchor, 1));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((anchor, size)) = self.open.pop() {
                    self.value(anchor, size);
                }
            }
            _ => {}
        }
        self.over = self.total > MAX_EXPANDED_VALUES || self.open.len() > MAX_DEPTH;
    }
}

fn from_yaml(y: &Yaml) -> Value {
    match y {
        Yaml::Real(r) => r
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| Value::String(r.clone()), Value::Number),
        Yaml::Integer(i) => Value::from(*i),
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Array(a) => Value::Array(a.iter().map(from_yaml).collect()),
        Yaml::Hash(h) => {
            let mut m = Map::new();
            for (k, v) in h {
                let key = match k {
                    Yaml::String(s) | Yaml::Real(s) => s.clone(),
                    Yaml::Integer(i) => i.to_string(),
                    Yaml::Boolean(b) => b.to_string(),
                    _ => continue,
                };
                m.insert(key, from_yaml(v));
            }
            Value::Object(m)
        }
        Yaml::Alias(_) | Yaml::Null | Yaml::BadValue => Value::Null,
    }
}

/// The value at `path` (keys matched ignoring case, as Traefik does).
pub fn get<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut current = value;
    for key in path {
        let map = current.as_object()?;
        current = map
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)?;
    }
    Some(current)
}

/// The string at `path`; numbers and booleans as written.
pub fn get_str(value: &Value, path: &[&str]) -> Option<String> {
    match get(value, path)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The boolean at `path`: `true`/`false`, also as strings (Traefik's
/// decoder reads `"true"` as true).
pub fn get_bool(value: &Value, path: &[&str]) -> Option<bool> {
    match get(value, path)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The keys of the map at `path`, sorted.
pub fn keys(value: &Value, path: &[&str]) -> Vec<String> {
    get(value, path)
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// The strings of a list at `path`; a single string as a list of one,
/// and a comma-separated string split (the form Traefik's flags use).
pub fn get_list(value: &Value, path: &[&str]) -> Option<Vec<String>> {
    match get(value, path)? {
        Value::Array(a) => Some(
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
        ),
        Value::String(s) => Some(
            s.split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect(),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_and_toml_give_the_same_tree() {
        let y = parse(
            "entryPoints:\n  websecure:\n    address: \":443\"\nproviders:\n  file:\n    directory: /etc/traefik/dynamic\n    watch: false\n",
            Format::Yaml,
        )
        .unwrap();
        let t = parse(
            "[entryPoints.websecure]\naddress = \":443\"\n[providers.file]\ndirectory = \"/etc/traefik/dynamic\"\nwatch = false\n",
            Format::Toml,
        )
        .unwrap();
        assert_eq!(y, t);
        assert_eq!(
            get_str(&y, &["ENTRYPOINTS", "websecure", "Address"]).as_deref(),
            Some(":443")
        );
        assert_eq!(get_bool(&t, &["providers", "file", "watch"]), Some(false));
        assert_eq!(keys(&y, &["entrypoints"]), vec!["websecure"]);
    }

    #[test]
    fn aliases_that_explode_and_deep_nesting_are_refused_quickly() {
        // Nine levels of ten aliases each: 10^9 values once expanded.
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let e = parse(&text, Format::Yaml).unwrap_err();
        assert!(e.message.contains("through aliases"), "{}", e.message);
        // A few aliases, as a real file uses them, load as usual.
        let ok = parse("base: &b {a: 1}\nx: *b\ny: *b\n", Format::Yaml).unwrap();
        assert_eq!(get(&ok, &["y", "a"]), Some(&Value::from(1)));
        let deep = format!("{}1{}", "[".repeat(300), "]".repeat(300));
        // The scanner's own flow-nesting limit or ours: refused either way.
        assert!(parse(&deep, Format::Yaml).is_err());
        let block: String = (0..300)
            .map(|i| format!("{}k{i}:\n", "  ".repeat(i)))
            .collect();
        let e = parse(&block, Format::Yaml).unwrap_err();
        assert!(e.message.contains("deeper than 256"), "{}", e.message);
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("http:\n  routers:\n    a: [\n", Format::Yaml).unwrap_err();
        assert!(e.message.contains("line 4"), "{}", e.message);
        let e = parse("[http]\nrouters = = 1\n", Format::Toml).unwrap_err();
        assert!(e.message.contains("line 2"), "{}", e.message);
    }

    #[test]
    fn formats_by_extension_and_empty_yaml() {
        assert_eq!(Format::of("/a/b.YML"), Some(Format::Yaml));
        assert_eq!(Format::of("/a/b.toml"), Some(Format::Toml));
        assert_eq!(Format::of("/a/b.conf"), None);
        assert_eq!(Format::of("/a.d/b"), None);
        assert_eq!(parse("", Format::Yaml).unwrap(), Value::Object(Map::new()));
        assert_eq!(
            get_list(&parse("e: a, b\n", Format::Yaml).unwrap(), &["e"]),
            Some(vec!["a".to_string(), "b".to_string()])
        );
    }
}
