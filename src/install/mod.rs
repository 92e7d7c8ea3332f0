//! Installing the generated proxy configuration into the proxy's own
//! configuration tree, decided without I/O: which layout the tree uses and
//! so which file to write (and why), whether an existing block already
//! answers for a name and port (then nothing is written and the exact
//! lines to merge are given), which certificate files must exist first,
//! and the file operations. `apply` reads the tree into a
//! [`listing::Listing`] and the texts, and carries out what is decided here.

pub mod acme_first;
pub mod apache;
pub mod caddy;
pub mod certificates;
pub mod haproxy;
pub mod listing;
pub mod nginx;
pub mod traefik;

/// One change to the tree, paths as seen inside the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOp {
    /// Create or replace a regular file with these bytes.
    Write { path: String, contents: String },
    /// Create a symbolic link at `path` pointing to `target` (as written).
    Link { path: String, target: String },
    /// Remove the file or link at `path` (a link itself, never what it
    /// points to).
    Remove { path: String },
}

impl FileOp {
    pub fn path(&self) -> &str {
        match self {
            FileOp::Write { path, .. } | FileOp::Link { path, .. } | FileOp::Remove { path } => {
                path
            }
        }
    }
}

/// What will be written, where, and why there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Install {
    /// The file holding the configuration.
    pub file: String,
    /// Why that file: the layout found.
    pub why: String,
    pub ops: Vec<FileOp>,
    /// Things the operator should know (a site left to an existing block).
    pub notes: Vec<String>,
}

/// An existing block that already answers for a name and port, and the
/// lines to add to it instead of writing a second block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merge {
    /// The generated site's name.
    pub site: String,
    /// The ports on which the existing block answers for it.
    pub ports: Vec<u16>,
    /// The file holding the block, as included (`sites-enabled/default`).
    pub file: String,
    /// Where that file really is when it is a link (`sites-available/default`).
    pub link_target: Option<String>,
    pub open_line: usize,
    pub close_line: usize,
    /// The lines to add before the block's closing `}`.
    pub lines: Vec<String>,
}

/// The verdict on an install, before anything is touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Install(Install),
    /// The tree already holds exactly this configuration.
    UpToDate {
        file: String,
        why: String,
    },
    /// Existing blocks answer for names and ports of the configuration.
    Conflicts(Vec<Merge>),
    /// The configuration names certificate files that do not exist.
    CertificatesMissing {
        missing: Vec<String>,
        /// The certificate step, one line each.
        step: Vec<String>,
        /// The port-80 part to install first, on its own, so that the ACME
        /// challenge can be answered ([`acme_first`]).
        acme: acme_first::AcmeStep,
    },
    /// The port-80 file an earlier `apply` wrote while the certificates
    /// were missing no longer holds what `apply` writes: removing it with
    /// the full install would lose the operator's edits, keeping it would
    /// leave two port-80 parts for the same names. Nothing is written.
    AcmeFileEdited {
        /// The ACME-only file, and its link when it has one.
        file: String,
        link: Option<String>,
    },
    /// No known layout: nothing is written.
    UnknownLayout {
        looked_for: Vec<String>,
        hint: String,
    },
}

/// The file name an install writes for `server_name`: `matrix-example.com.conf`.
/// Only letters, digits, dots and dashes (a port's colon becomes a dash).
pub fn file_name(server_name: &str) -> String {
    let safe: String = server_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("matrix-{}.conf", safe.trim_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_plain() {
        assert_eq!(file_name("Example.com"), "matrix-example.com.conf");
        assert_eq!(
            file_name("example.com:8448"),
            "matrix-example.com-8448.conf"
        );
        assert_eq!(file_name("[::1]"), "matrix----1-.conf");
        assert_eq!(file_name("../x"), "matrix--x.conf");
    }
}
