//! `apply`: installs the generated proxy configuration into the proxy's
//! own tree under a root, the way certbot's installers do: decide first
//! without touching anything (`install`), write atomically with a backup,
//! test the whole configuration with the proxy's own program, reload only
//! when the test passes, and put every touched file back byte for byte
//! when the test or the reload fails. This is the one place that reads
//! the tree, writes it and runs the proxy for an install.

pub mod files;
pub mod nginx;
pub mod tree;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::config_file::diff::unified_diff;
use crate::domain::{Plan, Proxy};
use crate::generate::{artifacts, ids, sites};
use crate::install::{self, Decision, FileOp, Merge};
use crate::local_file::{FileKind, ReadError, WriteFilesError};
use crate::safe_text::printable;

/// `path` (as seen inside the root) under `root`.
pub fn inside(root: &Path, path: &str) -> PathBuf {
    root.join(path.trim_start_matches('/'))
}

/// Why an install stopped on the file system.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error(transparent)]
    Read(ReadError),
    #[error(transparent)]
    Write(WriteFilesError),
    #[error("{}: {doing} failed: {source}", .path.display())]
    Io {
        path: PathBuf,
        doing: &'static str,
        source: std::io::Error,
    },
    #[error("{}: is {kind}, where the install needs to write; nothing was written there", .path.display())]
    InTheWay { path: PathBuf, kind: FileKind },
    #[error("{}: was put back but does not read back as it was", .path.display())]
    NotRestored { path: PathBuf },
}

/// What to install where.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub root: &'a Path,
    pub plan: &'a Plan,
    /// `--proxy-config PATH` (inside the root).
    pub proxy_config: Option<&'a str>,
    pub dry_run: bool,
}

/// How an install ended. Every variant but `Installed`, `UpToDate` and a
/// dry run that passed leaves the tree as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Installed,
    UpToDate,
    /// A dry run: `valid` is nginx's verdict on the configuration with the
    /// change made (`None` when it could not be tested).
    DryRun {
        valid: Option<bool>,
    },
    /// Existing blocks for the same names and ports: merge by hand.
    Conflicts,
    CertificatesMissing,
    UnknownLayout,
    /// This proxy is not installed by `apply` (yet).
    NotSupported,
    /// The proxy's program is not on this machine, so nothing could be
    /// tested: nothing was written.
    ProgramMissing,
    /// The configuration already fails the proxy's test before any change:
    /// nothing was written.
    AlreadyInvalid,
    /// The proxy's test failed after writing; `restored` says whether
    /// every touched file is back as it was.
    ValidationFailed {
        restored: bool,
    },
    ReloadFailed {
        restored: bool,
    },
    /// Reading or writing the tree failed; `restored` as above.
    FileSystem {
        restored: bool,
    },
}

impl Outcome {
    /// Whether the command did what it was asked.
    pub fn succeeded(&self) -> bool {
        matches!(
            self,
            Outcome::Installed | Outcome::UpToDate | Outcome::DryRun { valid: Some(true) }
        )
    }
}

/// Runs the install, reporting each step to `out` as it happens.
pub fn apply(req: &Request<'_>, out: &mut dyn Write) -> Outcome {
    match req.plan.proxy {
        Proxy::Nginx => apply_nginx(req, out),
        other => {
            let _ = writeln!(
                out,
                "apply installs nginx configurations; for {} write the files with `generate \
                 --proxy {} --out DIR` and follow NEXT-STEPS.txt. Nothing was written.",
                other.title(),
                other.id()
            );
            Outcome::NotSupported
        }
    }
}

fn shown(root: &Path, path: &str) -> String {
    printable(&inside(root, path).display().to_string())
}

fn apply_nginx(req: &Request<'_>, out: &mut dyn Write) -> Outcome {
    let root = req.root;
    let Some(generated) = artifacts(req.plan)
        .into_iter()
        .find(|a| a.id == ids::PROXY)
        .map(|a| a.text)
    else {
        return Outcome::NotSupported;
    };
    let server_name = req.plan.server_name.to_string();
    let read = match tree::read_nginx(root, &server_name, req.proxy_config, &generated) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(
                out,
                "error: {}; nothing was written",
                printable(&e.to_string())
            );
            return Outcome::FileSystem { restored: true };
        }
    };
    let all_sites = sites::sites(req.plan);
    let decision = install::nginx::decide(&install::nginx::Inputs {
        listing: &read.listing,
        texts: &read.texts,
        generated: &generated,
        sites: &all_sites,
        server_name: &server_name,
        proxy_config: req.proxy_config,
    });
    let install = match decision {
        Decision::Install(i) => i,
        other => return refused(root, &other, out),
    };
    let _ = writeln!(
        out,
        "nginx: {} ({})",
        shown(root, &install.file),
        install.why
    );
    for note in &install.notes {
        let _ = writeln!(out, "note: {}", printable(note));
    }
    for op in &install.ops {
        match op {
            FileOp::Write { path, contents } => {
                let before = read.texts.get(path).map_or("", String::as_str);
                let _ = write!(
                    out,
                    "{}",
                    unified_diff(before, contents, &shown(root, path))
                );
            }
            FileOp::Link { path, target } => {
                let _ = writeln!(out, "link {} -> {}", shown(root, path), printable(target));
            }
        }
    }
    let Some(program) = nginx::program() else {
        let _ = writeln!(
            out,
            "error: nginx is not installed here, so the configuration cannot be tested; \
             nothing was written"
        );
        return Outcome::ProgramMissing;
    };
    if req.dry_run {
        let tested = nginx::copy(root, &install.ops)
            .and_then(|copy| nginx::test(&program, root, Some(&copy)));
        return match tested {
            Ok(ran) => {
                let verdict = if ran.success { "passes" } else { "FAILS" };
                let _ = writeln!(
                    out,
                    "\nWith this change, `nginx -t` {verdict}:\n{}",
                    quote(&ran.output)
                );
                let _ = writeln!(out, "Dry run: nothing was written.");
                Outcome::DryRun {
                    valid: Some(ran.success),
                }
            }
            Err(e) => {
                let _ = writeln!(
                    out,
                    "\nThe change could not be tested: {}",
                    printable(&e.to_string())
                );
                let _ = writeln!(out, "Dry run: nothing was written.");
                Outcome::DryRun { valid: None }
            }
        };
    }

    // As certbot does: a configuration that fails already is not made
    // worse, and a failure after writing is then the change's own.
    let real_root = root == Path::new("/");
    let checked = if real_root {
        nginx::test(&program, root, None)
    } else {
        nginx::copy(root, &[]).and_then(|copy| nginx::test(&program, root, Some(&copy)))
    };
    match checked {
        Ok(ran) if ran.success => {}
        Ok(ran) => {
            let _ = writeln!(
                out,
                "\nThe configuration already fails `nginx -t` before any change; fix that first. \
                 Nothing was written:\n{}",
                quote(&ran.output)
            );
            return Outcome::AlreadyInvalid;
        }
        Err(e) => {
            let _ = writeln!(
                out,
                "error: the configuration could not be tested: {}; nothing was written",
                printable(&e.to_string())
            );
            return Outcome::AlreadyInvalid;
        }
    }

    let backups = inside(
        root,
        &format!("/var/backups/matrix-delegate/{}", timestamp()),
    );
    let touched = match files::execute(root, &install.ops, &backups) {
        Ok(t) => t,
        Err((e, touched)) => {
            let _ = writeln!(out, "error: {}", printable(&e.to_string()));
            let restored = restore(root, &touched, out);
            return Outcome::FileSystem { restored };
        }
    };
    for t in &touched {
        match &t.backup {
            Some(b) => {
                let _ = writeln!(
                    out,
                    "written: {} (backup: {})",
                    shown(root, &t.path),
                    printable(&b.display().to_string())
                );
            }
            None => {
                let _ = writeln!(out, "written: {}", shown(root, &t.path));
            }
        }
    }
    let copy = if real_root {
        None
    } else {
        match nginx::copy(root, &[]) {
            Ok(c) => Some(c),
            Err(e) => {
                let _ = writeln!(out, "error: {}", printable(&e.to_string()));
                let restored = restore(root, &touched, out);
                return Outcome::FileSystem { restored };
            }
        }
    };
    let tested = match nginx::test(&program, root, copy.as_ref()) {
        Ok(ran) => ran,
        Err(e) => {
            let _ = writeln!(out, "error: {}", printable(&e.to_string()));
            let restored = restore(root, &touched, out);
            return Outcome::ValidationFailed { restored };
        }
    };
    if !tested.success {
        let _ = writeln!(
            out,
            "\nnginx rejects the configuration ({}), so nginx was not reloaded:\n{}",
            printable(&tested.command),
            quote(&tested.output)
        );
        let restored = restore(root, &touched, out);
        return Outcome::ValidationFailed { restored };
    }
    let _ = writeln!(out, "nginx -t: the whole configuration is valid.");
    match nginx::reload(&program, root, copy.as_ref()) {
        Ok(ran) if ran.success => {
            let _ = writeln!(out, "reloaded: {}", printable(&ran.command));
            Outcome::Installed
        }
        Ok(ran) => {
            let _ = writeln!(
                out,
                "\nThe reload failed ({}); the running nginx keeps its old configuration:\n{}",
                printable(&ran.command),
                quote(&ran.output)
            );
            let restored = restore(root, &touched, out);
            Outcome::ReloadFailed { restored }
        }
        Err(e) => {
            let _ = writeln!(
                out,
                "\nThe reload could not run: {}",
                printable(&e.to_string())
            );
            let restored = restore(root, &touched, out);
            Outcome::ReloadFailed { restored }
        }
    }
}

/// Puts the touched files back and says so; true when all of them are.
fn restore(root: &Path, touched: &[files::Touched], out: &mut dyn Write) -> bool {
    let failed = files::restore(root, touched);
    for t in touched
        .iter()
        .filter(|t| !failed.iter().any(|(p, _)| *p == t.path))
    {
        let how = match t.before {
            files::Before::Absent => "removed again",
            _ => "restored byte for byte",
        };
        let _ = writeln!(out, "{how}: {}", shown(root, &t.path));
    }
    for (path, e) in &failed {
        let _ = writeln!(
            out,
            "error: {} could not be restored: {}",
            shown(root, path),
            printable(&e.to_string())
        );
    }
    failed.is_empty()
}

/// The proxy's own words, indented.
fn quote(text: &str) -> String {
    text.lines()
        .map(|l| format!("  | {}", printable(l)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn refused(root: &Path, decision: &Decision, out: &mut dyn Write) -> Outcome {
    match decision {
        Decision::Install(_) => Outcome::Installed,
        Decision::UpToDate { file, why } => {
            let _ = writeln!(
                out,
                "nginx: {}: nothing to change ({})",
                shown(root, file),
                printable(why)
            );
            Outcome::UpToDate
        }
        Decision::Conflicts(merges) => {
            let _ = writeln!(
                out,
                "nginx already has server blocks for these names and ports; a second block would \
                 be ignored. Nothing was written. Add these lines to the existing blocks, then run \
                 apply again:"
            );
            for m in merges {
                print_merge(root, m, out);
            }
            Outcome::Conflicts
        }
        Decision::CertificatesMissing { missing, step } => {
            let _ = writeln!(
                out,
                "The configuration names certificate files that do not exist, and nginx would \
                 refuse to load it. Nothing was written; no site was enabled. Missing:"
            );
            for m in missing {
                let _ = writeln!(out, "  {}", shown(root, m));
            }
            for line in step {
                let _ = writeln!(out, "{}", printable(line));
            }
            Outcome::CertificatesMissing
        }
        Decision::UnknownLayout { looked_for, hint } => {
            let _ = writeln!(
                out,
                "No nginx configuration layout found under {}. Looked for:",
                printable(&root.display().to_string())
            );
            for l in looked_for {
                let _ = writeln!(out, "  {}", printable(l));
            }
            let _ = writeln!(
                out,
                "Nothing was written. To install anyway, {}.",
                printable(hint)
            );
            Outcome::UnknownLayout
        }
    }
}

fn print_merge(root: &Path, m: &Merge, out: &mut dyn Write) {
    let ports: Vec<String> = m.ports.iter().map(u16::to_string).collect();
    let real = match &m.link_target {
        Some(t) => format!(" (a link to {})", printable(t)),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "\n{} on port {}: the server block at {}{real}, lines {}-{}. Add before its closing `}}` \
         on line {}:",
        printable(&m.site),
        ports.join(", "),
        shown(root, &m.file),
        m.open_line,
        m.close_line,
        m.close_line
    );
    for line in &m.lines {
        let _ = writeln!(out, "{}", printable(line));
    }
}

/// `20260415T095326Z`: sorts by time.
fn timestamp() -> String {
    let t = time::OffsetDateTime::now_utc();
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}
