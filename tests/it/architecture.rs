//! The shape of `src/`, checked: top-level modules only import modules of a
//! lower layer, and inside every folder no two sibling modules import each
//! other, directly or around a loop. It reads the `crate::`, `super::` and
//! `self::` paths of every source file (test code excluded: a module's tests
//! may reach further than the module).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Each top-level module's layer. A module may import only modules of a
/// lower layer (the text and vocabulary helpers at 0 import nothing of the
/// crate; the operator's intent and the observations at 1 only those).
const LAYERS: &[(&str, u8)] = &[
    ("exit", 0),
    ("finding", 0),
    ("local_file", 0),
    ("safe_text", 0),
    ("toml_syntax", 0),
    ("words", 0),
    ("domain", 1),
    ("observe", 1),
    ("matrix", 2),
    ("generate", 2),
    ("config_file", 2),
    ("check", 3),
    ("install", 3),
    ("selfcheck", 3),
    ("report", 4),
    ("probe", 5),
    ("apply", 5),
    ("sim", 6),
    ("tui", 7),
    ("cli", 8),
];

type Module = Vec<String>;

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/a/b.rs` and `src/a/b/mod.rs` are `a::b`; `lib.rs` and `main.rs` the root.
fn module_of(path: &Path) -> Module {
    let rel = path
        .strip_prefix(src_dir())
        .unwrap_or(path)
        .with_extension("");
    let mut parts: Module = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The code of a file without comments and without its test code (from the
/// first `#[cfg(test)]` on; test modules stand at the end of a file).
fn production_code(text: &str) -> String {
    let cut = text.find("#[cfg(test)]").unwrap_or(text.len());
    text[..cut]
        .lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path starting with `crate`, `super` or `self`, as its segments.
fn paths(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut i = 0;
    while i < bytes.len() {
        let rest = &code[i..];
        let starts_word = i == 0 || !(is_ident(bytes[i - 1]) || bytes[i - 1] == b':');
        let head = ["crate::", "super::", "self::"]
            .into_iter()
            .find(|h| rest.starts_with(h));
        let (true, Some(_)) = (starts_word, head) else {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        let segments = rest[..end]
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        out.push(segments);
        i += end.max(1);
    }
    out
}

/// The module a path names (the longest prefix that is a module), resolved
/// from the module `from`.
fn target(from: &Module, path: &[String], modules: &BTreeSet<Module>) -> Option<Module> {
    let mut base: Module = match path.first().map(String::as_str) {
        Some("crate") => Vec::new(),
        _ => from.clone(),
    };
    let mut rest = &path[usize::from(path.first().is_some_and(|s| s == "crate" || s == "self"))..];
    while rest.first().is_some_and(|s| s == "super") {
        base.pop();
        rest = &rest[1..];
    }
    let full: Module = base.iter().chain(rest).cloned().collect();
    (1..=full.len())
        .rev()
        .map(|n| full[..n].to_vec())
        .find(|m| modules.contains(m))
}

/// Module-to-module imports of the production code.
fn imports() -> BTreeSet<(Module, Module)> {
    let mut files = Vec::new();
    rust_files(&src_dir(), &mut files);
    let modules: BTreeSet<Module> = files.iter().map(|f| module_of(f)).collect();
    let mut edges = BTreeSet::new();
    for file in &files {
        if file.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let from = module_of(file);
        let text = fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for path in paths(&production_code(&text)) {
            if let Some(to) = target(&from, &path, &modules)
                && to != from
            {
                edges.insert((from.clone(), to));
            }
        }
    }
    edges
}

fn layer(top: &str) -> Option<u8> {
    LAYERS
        .iter()
        .find(|(name, _)| *name == top)
        .map(|(_, l)| *l)
}

#[test]
fn top_level_modules_import_only_lower_layers() {
    let mut wrong = BTreeSet::new();
    for (from, to) in imports() {
        let (Some(a), Some(b)) = (from.first(), to.first()) else {
            continue;
        };
        if a == b {
            continue;
        }
        let (Some(la), Some(lb)) = (layer(a), layer(b)) else {
            wrong.insert(format!("{a} or {b} has no layer in LAYERS"));
            continue;
        };
        if lb >= la {
            wrong.insert(format!(
                "{} (layer {la}) imports {} (layer {lb})",
                from.join("::"),
                to.join("::")
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        join(&wrong)
    );
}

#[test]
fn no_import_cycle_between_siblings() {
    // Inside each folder, an import from anywhere under child A to anywhere
    // under child B is an edge A -> B; a strongly connected set is a cycle.
    let mut graph: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (from, to) in imports() {
        let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
        if common < from.len() && common < to.len() {
            graph
                .entry(from[..=common].to_vec())
                .or_default()
                .insert(to[..=common].to_vec());
        }
    }
    let cycles: BTreeSet<String> = strongly_connected(&graph)
        .into_iter()
        .filter(|c| c.len() > 1)
        .map(|c| {
            c.iter()
                .map(|m| m.join("::"))
                .collect::<Vec<_>>()
                .join(" <-> ")
        })
        .collect();
    assert!(cycles.is_empty(), "module cycles:\n{}", join(&cycles));
}

#[test]
fn the_checker_sees_a_planted_cycle() {
    // The two checks above are only as good as the path reading: a planted
    // pair of sibling imports must come out as a cycle, and a test module's
    // imports must not count.
    let modules: BTreeSet<Module> = [vec!["a".to_string()], vec!["b".to_string()]].into();
    let code = production_code(
        "use crate::b::Thing; // crate::c\nfn f() {}\n#[cfg(test)]\nmod tests { use crate::c; }",
    );
    let found: Vec<Module> = paths(&code)
        .iter()
        .filter_map(|p| target(&vec!["a".to_string()], p, &modules))
        .collect();
    assert_eq!(found, vec![vec!["b".to_string()]]);
    let graph: BTreeMap<Module, BTreeSet<Module>> = [
        (vec!["a".to_string()], [vec!["b".to_string()]].into()),
        (vec!["b".to_string()], [vec!["a".to_string()]].into()),
    ]
    .into();
    assert_eq!(
        strongly_connected(&graph)
            .iter()
            .filter(|c| c.len() > 1)
            .count(),
        1
    );
}

fn join(lines: &BTreeSet<String>) -> String {
    lines
        .iter()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Tarjan's strongly connected components.
fn strongly_connected(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct Walk<'g> {
        graph: &'g BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<Module, usize>,
        low: BTreeMap<Module, usize>,
        stack: Vec<Module>,
        out: Vec<Vec<Module>>,
    }
    impl Walk<'_> {
        fn visit(&mut self, v: &Module) {
            let i = self.index.len();
            self.index.insert(v.clone(), i);
            self.low.insert(v.clone(), i);
            self.stack.push(v.clone());
            for w in self.graph.get(v).into_iter().flatten() {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let lw = self.low[w];
                    let lv = self.low[v];
                    self.low.insert(v.clone(), lv.min(lw));
                } else if self.stack.contains(w) {
                    let iw = self.index[w];
                    let lv = self.low[v];
                    self.low.insert(v.clone(), lv.min(iw));
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    let done = &w == v;
                    component.push(w);
                    if done {
                        break;
                    }
                }
                self.out.push(component);
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !walk.index.contains_key(v) {
            walk.visit(v);
        }
    }
    walk.out
}
