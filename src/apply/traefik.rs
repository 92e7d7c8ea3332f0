//! `apply --proxy traefik`: reads Traefik's static configuration and the
//! file provider's directory under the root, lets `install::traefik`
//! decide, and writes the one file with a backup. There is no test and no
//! reload to run: Traefik has no command that validates a configuration,
//! and its file provider loads a new file by itself when it watches the
//! directory (`install::traefik::after_install` says which).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use super::{
    ApplyError, Outcome, Request, backup_folder, inside, print_touched, quote, restore, shown, tree,
};
use crate::config_file::diff::unified_diff;
use crate::generate::sites::sites;
use crate::install::FileOp;
use crate::install::listing::{Entry, Listing};
use crate::install::traefik::document::Format;
use crate::install::traefik::{
    Inputs, Layout, Mode, Named, STATIC_CONFIGS, Stop, Verdict, after_install, decide, layout,
};
use crate::safe_text::printable;

/// The most files of the directory read.
const MAX_FILES: usize = 2_000;

/// The files Traefik reads in `dir` (subfolders too), with their texts.
fn read_dir(root: &Path, dir: &str) -> Result<BTreeMap<String, String>, ApplyError> {
    let mut listing = Listing::default();
    tree::list(root, dir, 8, &mut listing)?;
    let mut out = BTreeMap::new();
    for (path, entry) in &listing.entries {
        if *entry == Entry::Dir || Format::of(path).is_none() || out.len() >= MAX_FILES {
            continue;
        }
        if let Some(text) = tree::read(root, path)? {
            out.insert(path.clone(), text);
        }
    }
    Ok(out)
}

fn stopped(root: &Path, stop: &Stop, out: &mut dyn Write) -> Outcome {
    match stop {
        Stop::Unparseable { file, error } => {
            let _ = writeln!(
                out,
                "{} does not parse, so Traefik cannot read it either; fix it first. Nothing \
                 was written:\n{}",
                shown(root, file),
                quote(error)
            );
            Outcome::AlreadyInvalid
        }
        Stop::BadName { path } => {
            let _ = writeln!(
                out,
                "--proxy-config {}: the install writes YAML, so the file must end in .yml or \
                 .yaml (Traefik reads a file by its extension). Nothing was written.",
                printable(path)
            );
            Outcome::UnknownLayout
        }
        Stop::NoLayout { looked_for, found } => {
            let _ = writeln!(
                out,
                "No Traefik file provider found under {}. Looked for:",
                printable(&root.display().to_string())
            );
            for l in looked_for {
                let _ = writeln!(out, "  {}", printable(l));
            }
            if let Some(f) = found {
                let _ = writeln!(out, "Found: {}", printable(f));
            }
            let _ = writeln!(
                out,
                "($XDG_CONFIG_HOME/traefik.*, $HOME/.config/traefik.* and ./traefik.* are \
                 searched by Traefik too but depend on how it is started: they are not looked \
                 at.)\nNothing was written. To install anyway, name the file provider's \
                 directory (or the file to write in it) with --proxy-config PATH; Traefik \
                 must read that directory (providers.file.directory). With Docker labels \
                 only, use `generate --proxy traefik --out DIR` instead."
            );
            Outcome::UnknownLayout
        }
    }
}

/// Runs the install for Traefik.
pub fn apply(req: &Request<'_>, out: &mut dyn Write) -> Outcome {
    let root = req.root;
    let fail = |e: ApplyError, out: &mut dyn Write| {
        let _ = writeln!(
            out,
            "error: {}; nothing was written",
            printable(&e.to_string())
        );
        Outcome::FileSystem { restored: true }
    };
    let mut statics = Vec::new();
    for path in STATIC_CONFIGS {
        match tree::read(root, path) {
            Ok(Some(text)) => statics.push((path.to_string(), text)),
            Ok(None) => {}
            Err(e) => return fail(e, out),
        }
    }
    let named = req.proxy_config.map(|p| {
        if inside(root, p).is_dir() {
            Named::Dir(p.to_string())
        } else {
            Named::File(p.to_string())
        }
    });
    let server_name = req.plan.server_name.to_string();
    let layout: Layout = match layout(&statics, named.as_ref(), &server_name) {
        Ok(l) => l,
        Err(stop) => return stopped(root, &stop, out),
    };
    let files = match layout.mode {
        Mode::Directory => read_dir(root, &layout.dir),
        Mode::FilenameOnly => tree::read(root, &layout.file).map(|t| {
            t.map(|t| BTreeMap::from([(layout.file.clone(), t)]))
                .unwrap_or_default()
        }),
    };
    let files = match files {
        Ok(f) => f,
        Err(e) => return fail(e, out),
    };
    let sites = sites(req.plan);
    let verdict = decide(&Inputs {
        layout: &layout,
        files: &files,
        sites: &sites,
        upstream: &req.plan.upstream,
        server_name: &server_name,
    });
    let routers: Vec<String> = sites
        .iter()
        .filter(|s| !s.proxy_paths.is_empty())
        .map(|s| crate::generate::sites::slug(&s.name))
        .collect();
    let notes = |notes: &[String], out: &mut dyn Write| {
        for note in notes {
            let _ = writeln!(out, "note: {}", printable(note));
        }
    };
    let install = match verdict {
        Verdict::Install(i) => i,
        Verdict::UpToDate { file, notes: n } => {
            let _ = writeln!(
                out,
                "Traefik: {}: nothing to change (it already holds these routers)",
                shown(root, &file)
            );
            notes(&n, out);
            return Outcome::UpToDate;
        }
        Verdict::Unparseable { file, error } => {
            let _ = writeln!(
                out,
                "{} does not parse. Traefik fails the whole directory {} when one file does \
                 not parse, and the install cannot check what it defines; fix it first. \
                 Nothing was written:\n{}",
                shown(root, &file),
                shown(root, &layout.dir),
                quote(&error)
            );
            return Outcome::AlreadyInvalid;
        }
        Verdict::Refused(problems) => {
            let _ = writeln!(
                out,
                "Traefik: the routers cannot go into {} as things are. Nothing was written.",
                shown(root, &layout.dir)
            );
            for p in problems {
                let _ = writeln!(out);
                for line in p.lines() {
                    let _ = writeln!(out, "{}", printable(&line));
                }
            }
            return Outcome::Conflicts;
        }
        Verdict::AddByHand {
            file,
            text,
            notes: n,
        } => {
            let _ = writeln!(
                out,
                "Traefik: {} ({}). It is not edited and nothing was written. Either merge \
                 these keys into its `http:` section (its routers and services stay; these \
                 names are new there):\n",
                shown(root, &file),
                printable(&layout.why)
            );
            let _ = writeln!(out, "{}", printable(&text));
            let _ = writeln!(
                out,
                "or let Traefik read a directory, which apply can write into: in the static \
                 configuration replace `filename: {file}` by `directory: {dir}` under \
                 providers.file (the file stays in it and is still read), restart Traefik, \
                 and run apply again.",
                dir = layout.dir
            );
            notes(&n, out);
            return Outcome::Conflicts;
        }
    };
    let _ = writeln!(
        out,
        "Traefik: {} ({})",
        shown(root, &install.file),
        printable(&install.why)
    );
    notes(&install.notes, out);
    for op in &install.ops {
        if let FileOp::Write { path, contents } = op {
            let before = files.get(path).map_or("", String::as_str);
            let _ = write!(
                out,
                "{}",
                unified_diff(before, contents, &shown(root, path))
            );
        }
    }
    if req.dry_run {
        let _ = writeln!(
            out,
            "\nThe directory's files parse and nothing collides with this change (Traefik has \
             no command that validates a configuration). Dry run: nothing was written."
        );
        // The structural check is the only verdict there is for Traefik.
        return Outcome::DryRun { valid: Some(true) };
    }
    let backups = backup_folder(root);
    let touched = match super::files::execute(root, &install.ops, &backups) {
        Ok(t) => t,
        Err((e, touched)) => {
            let _ = writeln!(out, "error: {}", printable(&e.to_string()));
            let restored = restore(root, &touched, out);
            return Outcome::FileSystem { restored };
        }
    };
    print_touched(out, root, &touched, &install.ops);
    for line in after_install(&layout, &routers) {
        let _ = writeln!(out, "{}", printable(&line));
    }
    Outcome::Installed
}
