//! Reading the part of the tree under the root that an install decides
//! on: the listing of the configuration folder (two levels), the files
//! nginx.conf includes (followed until nothing new turns up), the
//! install's own files, and whether each certificate file exists.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{ApplyError, inside};
use crate::install::listing::{Entry, Listing};
use crate::install::nginx;
use crate::local_file::{ReadError, read_to_string_capped};

/// The largest configuration file read.
const MAX_CONFIG_BYTES: u64 = 4 << 20;
/// The most configuration files followed through includes.
const MAX_FILES: usize = 2_000;

/// What was read: the listing and the texts of the files, by path inside
/// the root.
pub struct Tree {
    pub listing: Listing,
    pub texts: BTreeMap<String, String>,
}

/// Lists `dir` (inside the root) into `listing`, and its subfolders one
/// level down when `depth` is 2.
pub fn list(root: &Path, dir: &str, depth: u8, listing: &mut Listing) -> Result<(), ApplyError> {
    let full = inside(root, dir);
    let entries = match std::fs::read_dir(&full) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(ApplyError::Io {
                path: full,
                doing: "listing the folder",
                source,
            });
        }
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = format!("{}/{name}", dir.trim_end_matches('/'));
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let e = if kind.is_dir() {
            Entry::Dir
        } else if kind.is_symlink() {
            Entry::Symlink {
                target: std::fs::read_link(entry.path())
                    .map(|t| t.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            }
        } else {
            Entry::File
        };
        let is_dir = e == Entry::Dir;
        listing.entries.insert(path.clone(), e);
        if is_dir && depth > 1 {
            list(root, &path, depth - 1, listing)?;
        }
    }
    Ok(())
}

/// `path` inside the root with its symlinks followed inside the root too:
/// an absolute link target is taken from the root, not from `/`.
pub fn resolve(root: &Path, path: &str) -> PathBuf {
    let mut current = path.to_string();
    for _ in 0..16 {
        let full = inside(root, &current);
        match std::fs::read_link(&full) {
            Ok(target) => {
                let t = target.to_string_lossy();
                current = if t.starts_with('/') {
                    t.into_owned()
                } else {
                    let parent = current.rsplit_once('/').map_or("", |(p, _)| p);
                    normalise(&format!("{parent}/{t}"))
                };
            }
            Err(_) => return full,
        }
    }
    inside(root, &current)
}

/// `/a/b/../c` → `/a/c` (never above `/`).
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

pub fn read(root: &Path, path: &str) -> Result<Option<String>, ApplyError> {
    let full = resolve(root, path);
    match read_to_string_capped(&full, MAX_CONFIG_BYTES) {
        Ok(text) => Ok(Some(text)),
        Err(ReadError::NotFound { .. } | ReadError::NotAFile { .. }) => Ok(None),
        Err(e) => Err(ApplyError::Read(e)),
    }
}

/// Reads what the nginx decision needs. `generated` names the
/// certificate files whose existence is looked up.
pub fn read_nginx(
    root: &Path,
    server_name: &str,
    proxy_config: Option<&str>,
    generated: &str,
) -> Result<Tree, ApplyError> {
    let mut listing = Listing::default();
    if std::fs::metadata(inside(root, nginx::CONF_DIR)).is_ok_and(|m| m.is_dir()) {
        listing.entries.insert(nginx::CONF_DIR.into(), Entry::Dir);
    }
    list(root, nginx::CONF_DIR, 2, &mut listing)?;
    if let Some(dir) = proxy_config
        .and_then(|p| p.rsplit_once('/'))
        .map(|(d, _)| d)
        && !dir.is_empty()
    {
        list(root, dir, 1, &mut listing)?;
    }
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    for path in nginx::own_files(server_name, proxy_config) {
        if let Some(text) = read(root, &path)? {
            texts.insert(path, text);
        }
    }
    loop {
        let wanted: Vec<String> = nginx::include_closure(&listing, &texts)
            .into_iter()
            .filter(|p| !texts.contains_key(p))
            .collect();
        let mut new = 0;
        for path in wanted {
            if texts.len() >= MAX_FILES {
                break;
            }
            // A missing include is left to nginx's own test to report.
            if let Some(text) = read(root, &path)? {
                texts.insert(path, text);
                new += 1;
            }
        }
        if new == 0 {
            break;
        }
    }
    for file in nginx::scan::certificate_files(generated) {
        if std::fs::metadata(resolve(root, &file)).is_ok_and(|m| m.is_file()) {
            listing.entries.insert(file, Entry::File);
        }
    }
    Ok(Tree { listing, texts })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_stays_inside() {
        assert_eq!(
            normalise("/etc/nginx/sites-enabled/../sites-available/x"),
            "/etc/nginx/sites-available/x"
        );
        assert_eq!(normalise("/../../x"), "/x");
    }
}
