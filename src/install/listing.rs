//! The part of a file tree an install looks at, as plain data: which paths
//! exist and what they are, with paths written as seen from inside the
//! root (`/etc/nginx/sites-enabled/default`). The I/O side fills it in;
//! everything here only reads it.

use std::collections::{BTreeMap, BTreeSet};

/// What a path is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    File,
    Dir,
    /// A symbolic link and where it points (as written in the link).
    Symlink {
        target: String,
    },
}

/// Paths (absolute, inside the root, no trailing `/`) and what they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    pub entries: BTreeMap<String, Entry>,
}

impl Listing {
    pub fn get(&self, path: &str) -> Option<&Entry> {
        self.entries.get(path)
    }

    pub fn is_dir(&self, path: &str) -> bool {
        matches!(self.get(path), Some(Entry::Dir))
    }

    /// Whether something that is or leads to a file stands at `path`.
    pub fn has_file(&self, path: &str) -> bool {
        matches!(self.get(path), Some(Entry::File | Entry::Symlink { .. }))
    }

    /// The entries directly inside `dir`, by name, sorted.
    pub fn children<'a>(&'a self, dir: &str) -> impl Iterator<Item = (&'a str, &'a Entry)> + 'a {
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        self.entries.iter().filter_map(move |(path, entry)| {
            let name = path.strip_prefix(&prefix)?;
            (!name.is_empty() && !name.contains('/')).then_some((name, entry))
        })
    }

    /// The files an `include` pattern names, as nginx's `glob` finds them:
    /// wildcards only in the last part, `*` and `?` never matching a
    /// leading dot, in sorted order. A pattern without wildcards names
    /// its path whether or not it exists (nginx then reports it missing).
    pub fn glob(&self, pattern: &str) -> Vec<String> {
        if !pattern.contains(['*', '?', '[']) {
            return vec![pattern.to_string()];
        }
        let (dir, file_pattern) = match pattern.rfind('/') {
            Some(i) => (&pattern[..i], &pattern[i + 1..]),
            None => ("", pattern),
        };
        if dir.contains(['*', '?', '[']) {
            return Vec::new();
        }
        self.children(dir)
            .filter(|(name, entry)| {
                !matches!(entry, Entry::Dir) && wildcard_matches(file_pattern, name)
            })
            .map(|(name, _)| format!("{dir}/{name}"))
            .collect()
    }

    /// Every file a configuration reads from `main` on, main file first,
    /// breadth first, as far as the texts read so far tell (a file not read
    /// yet is listed, its own includes not). `includes` gives a file's
    /// include patterns; a relative one is relative to `conf_dir` (nginx's
    /// prefix, Apache's ServerRoot).
    pub fn include_closure(
        &self,
        texts: &BTreeMap<String, String>,
        main: &str,
        conf_dir: &str,
        includes: impl Fn(&str) -> Vec<String>,
    ) -> Vec<String> {
        let mut order = vec![main.to_string()];
        let mut seen: BTreeSet<String> = order.iter().cloned().collect();
        let mut i = 0;
        while i < order.len() {
            if let Some(text) = texts.get(&order[i]) {
                for pattern in includes(text) {
                    for path in self.glob(&absolute(conf_dir, &pattern)) {
                        if seen.insert(path.clone()) {
                            order.push(path);
                        }
                    }
                }
            }
            i += 1;
        }
        order
    }
}

/// An include pattern made absolute: a relative one is relative to
/// `conf_dir`.
pub fn absolute(conf_dir: &str, pattern: &str) -> String {
    if pattern.starts_with('/') {
        pattern.to_string()
    } else {
        format!("{conf_dir}/{pattern}")
    }
}

/// Whether a pattern (wildcards in its last part only) would name `path`.
pub fn pattern_covers(pattern: &str, path: &str) -> bool {
    let (Some(pi), Some(fi)) = (pattern.rfind('/'), path.rfind('/')) else {
        return false;
    };
    pattern[..pi] == path[..fi] && wildcard_matches(&pattern[pi + 1..], &path[fi + 1..])
}

/// `*` and `?` matching of one file name; a leading dot must be matched
/// by a dot in the pattern (as `glob(3)` does). The pattern comes from
/// the operator's file: the work is at most the pattern's length times
/// the name's, whatever the stars (trying every split for every star
/// takes exponential time on `*a*a*a...*b`).
pub fn wildcard_matches(pattern: &str, name: &str) -> bool {
    if name.starts_with('.') && !pattern.starts_with('.') {
        return false;
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni) = (0, 0);
    // The last `*` seen and the first name character it does not cover
    // yet. On a mismatch that star takes one more character; an earlier
    // star never has to move again, since whatever the rest of the pattern
    // matches after it, the later star can reach too.
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
            }
            Some(&c) if c == '?' || c == n[ni] => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(paths: &[(&str, Entry)]) -> Listing {
        Listing {
            entries: paths
                .iter()
                .map(|(p, e)| (p.to_string(), e.clone()))
                .collect(),
        }
    }

    #[test]
    fn glob_matches_the_last_part_only_and_skips_dot_files_and_folders() {
        let l = listing(&[
            ("/etc/nginx/conf.d", Entry::Dir),
            ("/etc/nginx/conf.d/a.conf", Entry::File),
            ("/etc/nginx/conf.d/b.conf.bak", Entry::File),
            ("/etc/nginx/conf.d/.c.conf.tmp", Entry::File),
            ("/etc/nginx/conf.d/sub.conf", Entry::Dir),
            ("/etc/nginx/conf.d/sub.conf/x.conf", Entry::File),
            (
                "/etc/nginx/conf.d/link.conf",
                Entry::Symlink {
                    target: "../a".into(),
                },
            ),
        ]);
        assert_eq!(
            l.glob("/etc/nginx/conf.d/*.conf"),
            vec!["/etc/nginx/conf.d/a.conf", "/etc/nginx/conf.d/link.conf"]
        );
        assert_eq!(l.glob("/etc/nginx/*/x.conf"), Vec::<String>::new());
        assert_eq!(
            l.glob("/etc/nginx/mime.types"),
            vec!["/etc/nginx/mime.types"]
        );
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_matches("*", "default"));
        assert!(wildcard_matches("a?c", "abc"));
        assert!(!wildcard_matches("*", ".hidden"));
        assert!(wildcard_matches(".*", ".hidden"));
        assert!(!wildcard_matches("*.conf", "x.conf.bak"));
    }
}
