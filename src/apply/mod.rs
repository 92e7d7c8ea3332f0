//! `apply`: installs the generated proxy configuration into the proxy's
//! own tree under a root, the way certbot's installers do: decide first
//! without touching anything (`install`), write atomically with a backup,
//! test the whole configuration with the proxy's own program, reload only
//! when the test passes, and put every touched file back byte for byte
//! when the test or the reload fails. This is the one place that reads
//! the tree, writes it and runs the proxy for an install.

pub mod acme_first;
pub mod apache;
pub mod caddy;
pub mod files;
pub mod haproxy;
pub mod nginx;
pub mod program;
pub mod traefik;
pub mod tree;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use self::program::Ran;
use crate::config_file::diff::unified_diff;
use crate::domain::{Plan, Proxy};
use crate::generate::{artifacts, ids};
use crate::install::acme_first::AcmeStep;
use crate::install::{Decision, FileOp, Install, Merge};
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
    /// Certificate files are missing: nothing was written (the port-80
    /// part is already in place, or not needed).
    CertificatesMissing,
    /// Certificate files are missing: the port-80 part was installed on
    /// its own for certbot; the install is not finished until `apply`
    /// runs again once the certificates exist.
    CertificatesPending,
    UnknownLayout,
    /// This proxy is not installed by `apply` (static files).
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
        Proxy::Nginx => apply_with(req, &nginx::Nginx, out),
        Proxy::Caddy => apply_with(req, &caddy::Caddy, out),
        Proxy::Apache if req.proxy_config.is_some() => {
            let _ = writeln!(
                out,
                "--proxy-config is not supported with Apache: apply installs into Debian's \
                 sites-available/ layout only. Nothing was written."
            );
            Outcome::NotSupported
        }
        Proxy::Apache => apply_with(req, &apache::Apache, out),
        Proxy::Haproxy => {
            let server_name = req.plan.server_name.to_string();
            let file = crate::install::haproxy::own_file(&server_name, req.proxy_config);
            apply_with(req, &haproxy::Haproxy { file }, out)
        }
        Proxy::Traefik => traefik::apply(req, out),
        Proxy::Static => {
            let _ = writeln!(
                out,
                "--proxy static: the base domain's own web server serves the files; write them \
                 with `generate --proxy static --out DIR` and follow NEXT-STEPS.txt. Nothing was \
                 written."
            );
            Outcome::NotSupported
        }
    }
}

pub(crate) fn shown(root: &Path, path: &str) -> String {
    printable(&inside(root, path).display().to_string())
}

/// A proxy's side of an install: reading its tree and deciding, and its
/// program's test and reload.
pub trait Backend {
    /// `nginx`, `Caddy`.
    fn name(&self) -> &'static str;
    /// The test as the operator knows it: `nginx -t`, `caddy validate`.
    fn test_name(&self) -> &'static str;
    /// Reads what the decision needs under the root and decides. Returns
    /// the decision and the texts read (for the diff).
    fn decide(
        &self,
        req: &Request<'_>,
        generated: &str,
    ) -> Result<(Decision, BTreeMap<String, String>), ApplyError>;
    /// The proxy's program, if installed.
    fn program(&self) -> Option<PathBuf>;
    /// The proxy's test of the whole configuration: as it is, or with
    /// `overlay` laid over a private copy (nothing under the root written).
    fn test(
        &self,
        program: &Path,
        root: &Path,
        overlay: Option<&[FileOp]>,
    ) -> Result<Ran, ApplyError>;
    /// Reloads the running proxy.
    fn reload(&self, program: &Path, root: &Path) -> Result<Ran, ApplyError>;
    /// Whether the install ends with a reload (HAProxy's does not: the
    /// operator adds the file to its command line).
    fn reloads(&self) -> bool {
        true
    }
    /// What the operator does next when the install does not reload.
    fn after_install(&self) -> Vec<String> {
        Vec::new()
    }
    /// [`Backend::after_install`] for an install of `file` (the
    /// certificate step's port-80 file, or the backend's own).
    fn after_install_of(&self, file: &str) -> Vec<String> {
        let _ = file;
        self.after_install()
    }
}

/// [`apply`] with a given backend.
pub fn apply_with(req: &Request<'_>, backend: &dyn Backend, out: &mut dyn Write) -> Outcome {
    let root = req.root;
    let name = backend.name();
    let Some(generated) = artifacts(req.plan)
        .into_iter()
        .find(|a| a.id == ids::PROXY)
        .map(|a| a.text)
    else {
        return Outcome::NotSupported;
    };
    let (decision, texts) = match backend.decide(req, &generated) {
        Ok(d) => d,
        Err(e) => {
            let _ = writeln!(
                out,
                "error: {}; nothing was written",
                printable(&e.to_string())
            );
            return Outcome::FileSystem { restored: true };
        }
    };
    match decision {
        Decision::Install(install) => carry_out(req, backend, &install, &texts, out),
        Decision::CertificatesMissing {
            missing,
            step,
            acme,
        } => match acme {
            AcmeStep::Install(install) => {
                acme_first::certificates_first(req, backend, &missing, &step, &install, &texts, out)
            }
            AcmeStep::InPlace { file } => {
                acme_first::not_installed(root, name, &missing, &step, Some(&file), out)
            }
            AcmeStep::Nothing => acme_first::not_installed(root, name, &missing, &step, None, out),
        },
        Decision::UpToDate { file, why } => {
            let _ = writeln!(
                out,
                "{name}: {}: nothing to change ({})",
                shown(root, &file),
                printable(&why)
            );
            Outcome::UpToDate
        }
        Decision::Conflicts(merges) => conflicts(root, name, &merges, out),
        Decision::AcmeFileEdited { file, link } => {
            acme_first::edited(root, &file, link.as_deref(), out)
        }
        Decision::UnknownLayout { looked_for, hint } => {
            unknown_layout(root, name, &looked_for, &hint, out)
        }
    }
}

/// Carries out `install`: shows the diff, tests the change on a copy,
/// writes with backups, tests the whole configuration, reloads, and
/// restores every touched file when a step fails.
pub(crate) fn carry_out(
    req: &Request<'_>,
    backend: &dyn Backend,
    install: &Install,
    texts: &BTreeMap<String, String>,
    out: &mut dyn Write,
) -> Outcome {
    let root = req.root;
    let name = backend.name();
    let test_name = backend.test_name();
    let _ = writeln!(
        out,
        "{name}: {} ({})",
        shown(root, &install.file),
        install.why
    );
    for note in &install.notes {
        let _ = writeln!(out, "note: {}", printable(note));
    }
    for op in &install.ops {
        match op {
            FileOp::Write { path, contents } => {
                let before = texts.get(path).map_or("", String::as_str);
                let _ = write!(
                    out,
                    "{}",
                    unified_diff(before, contents, &shown(root, path))
                );
            }
            FileOp::Link { path, target } => {
                let _ = writeln!(out, "link {} -> {}", shown(root, path), printable(target));
            }
            FileOp::Remove { path } => {
                let _ = writeln!(out, "remove {}", shown(root, path));
            }
        }
    }
    let Some(program) = backend.program() else {
        let _ = writeln!(
            out,
            "error: {name} is not installed here, so the configuration cannot be tested; \
             nothing was written"
        );
        return Outcome::ProgramMissing;
    };
    if req.dry_run {
        return match backend.test(&program, root, Some(&install.ops)) {
            Ok(ran) => {
                let verdict = if ran.success { "passes" } else { "FAILS" };
                let _ = writeln!(
                    out,
                    "\nWith this change, `{test_name}` {verdict}:\n{}",
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
    match backend.test(&program, root, None) {
        Ok(ran) if ran.success => {}
        Ok(ran) => {
            let _ = writeln!(
                out,
                "\nThe configuration already fails `{test_name}` before any change; fix that \
                 first. Nothing was written:\n{}",
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

    // The change is tested on a private copy before anything is written:
    // killed at any step after this, the tree holds the old configuration
    // or one the proxy accepts, never one it rejects.
    match backend.test(&program, root, Some(&install.ops)) {
        Ok(ran) if ran.success => {}
        Ok(ran) => {
            let _ = writeln!(
                out,
                "\n{name} rejects the configuration with this change ({}); nothing was \
                 written:\n{}",
                printable(&ran.command),
                quote(&ran.output)
            );
            return Outcome::ValidationFailed { restored: true };
        }
        Err(e) => {
            let _ = writeln!(
                out,
                "error: the change could not be tested: {}; nothing was written",
                printable(&e.to_string())
            );
            return Outcome::ValidationFailed { restored: true };
        }
    }

    let backups = backup_folder(root);
    let touched = match files::execute(root, &install.ops, &backups) {
        Ok(t) => t,
        Err((e, touched)) => {
            let _ = writeln!(out, "error: {}", printable(&e.to_string()));
            let restored = restore(root, &touched, out);
            return Outcome::FileSystem { restored };
        }
    };
    print_touched(out, root, &touched, &install.ops);
    let tested = match backend.test(&program, root, None) {
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
            "\n{name} rejects the configuration ({}), so {name} was not reloaded:\n{}",
            printable(&tested.command),
            quote(&tested.output)
        );
        let restored = restore(root, &touched, out);
        return Outcome::ValidationFailed { restored };
    }
    let _ = writeln!(out, "{test_name}: the whole configuration is valid.");
    if !backend.reloads() {
        for line in backend.after_install_of(&install.file) {
            let _ = writeln!(out, "{}", printable(&line));
        }
        return Outcome::Installed;
    }
    match backend.reload(&program, root) {
        Ok(ran) if ran.success => {
            let _ = writeln!(out, "reloaded: {}", printable(&ran.command));
            Outcome::Installed
        }
        Ok(ran) => {
            let _ = writeln!(
                out,
                "\nThe reload failed ({}); the running {name} keeps its old configuration:\n{}",
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

fn conflicts(root: &Path, name: &str, merges: &[Merge], out: &mut dyn Write) -> Outcome {
    let _ = writeln!(
        out,
        "{name} already has blocks for these names and ports; a second one would be \
         ignored or refused. Nothing was written. Add these lines to the existing blocks, \
         then run apply again:"
    );
    for m in merges {
        print_merge(root, m, out);
    }
    Outcome::Conflicts
}

fn unknown_layout(
    root: &Path,
    name: &str,
    looked_for: &[String],
    hint: &str,
    out: &mut dyn Write,
) -> Outcome {
    let _ = writeln!(
        out,
        "No {name} configuration layout found under {}. Looked for:",
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

fn print_merge(root: &Path, m: &Merge, out: &mut dyn Write) {
    let ports: Vec<String> = m.ports.iter().map(u16::to_string).collect();
    let real = match &m.link_target {
        Some(t) => format!(" (a link to {})", printable(t)),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "\n{} on port {}: the block at {}{real}, lines {}-{}. Add before its closing `}}` \
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

/// One line per path an install touched: what was done and its backup.
pub(crate) fn print_touched(
    out: &mut dyn Write,
    root: &Path,
    touched: &[files::Touched],
    ops: &[FileOp],
) {
    for t in touched {
        let how = match ops.iter().find(|op| op.path() == t.path) {
            Some(FileOp::Link { .. }) => "linked",
            Some(FileOp::Remove { .. }) => "removed",
            _ => "written",
        };
        match &t.backup {
            Some(b) => {
                let _ = writeln!(
                    out,
                    "{how}: {} (backup: {})",
                    shown(root, &t.path),
                    printable(&b.display().to_string())
                );
            }
            None => {
                let _ = writeln!(out, "{how}: {}", shown(root, &t.path));
            }
        }
    }
}

/// A backup folder no earlier install used: two installs in the same
/// second (a failed one and the next) get `<time>` and `<time>.2`, since a
/// backup is never overwritten.
pub(crate) fn backup_folder(root: &Path) -> PathBuf {
    let base = inside(
        root,
        &format!("/var/backups/matrix-delegate/{}", timestamp()),
    );
    let mut folder = base.clone();
    let mut n = 1;
    while std::fs::symlink_metadata(&folder).is_ok() {
        n += 1;
        folder = PathBuf::from(format!("{}.{n}", base.display()));
    }
    folder
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
