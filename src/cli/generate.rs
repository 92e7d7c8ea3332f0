//! `matrix-delegate generate`: every artifact from flags, printed or
//! written to a directory.
//!
//! Exit codes: 0 done; 1 nothing written because of the file system (or
//! files that exist without `--force`); 2 invalid input.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::write_config::{WriteConfigFlags, run_from_flags};
use crate::domain::answers::DEFAULT_UPSTREAM;
use crate::domain::{Answers, Deployment, Field, Plan, Proxy, Strategy, plan};
use crate::exit::Exit;
use crate::generate::{Artifact, artifacts};
use crate::local_file::{Conflict, FileKind, NewFile, Replace, WriteFilesError, write_files};
use crate::safe_text::printable;

#[derive(Debug, Clone, Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub answers: AnswerArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub config: WriteConfigFlags,
}

/// One flag per answer (`Field::flag` names them).
// The doc comments are clap's help text (`<host>` is a placeholder there).
#[allow(rustdoc::invalid_html_tags)]
#[derive(Debug, Clone, Args)]
pub struct AnswerArgs {
    /// The server name: the part after the colon in user IDs (@alice:example.com → example.com)
    #[arg(long, value_name = "NAME")]
    pub server_name: Option<String>,
    /// The delegated host, where the homeserver really answers (e.g. matrix.example.com)
    #[arg(long, value_name = "HOST")]
    pub host: Option<String>,
    /// Federation port on the delegated host [default: 443; 8448 with --strategy none]
    #[arg(long, value_name = "PORT")]
    pub port: Option<String>,
    /// Delegation strategy (one of the ids listed below)
    #[arg(long, value_name = "ID", default_value = "well-known")]
    pub strategy: String,
    /// Reverse proxy in front of the homeserver (listed below)
    #[arg(long, value_name = "ID", default_value = "caddy")]
    pub proxy: String,
    /// Where the homeserver's settings live: config (TOML file) or docker (environment)
    #[arg(long, value_name = "ID", default_value = "config")]
    pub deployment: String,
    /// Client base URL [default: https://<host>]
    #[arg(long, value_name = "URL")]
    pub client_url: Option<String>,
    /// Support web page for /.well-known/matrix/support
    #[arg(long, value_name = "URL")]
    pub support_page: Option<String>,
    /// Role of the support contact: m.role.admin (default) or m.role.security
    #[arg(long, value_name = "ROLE")]
    pub support_role: Option<String>,
    /// E-mail address of the support contact
    #[arg(long, value_name = "EMAIL")]
    pub support_email: Option<String>,
    /// Matrix user ID of the support contact (@admin:example.com)
    #[arg(long, value_name = "MXID")]
    pub support_mxid: Option<String>,
    /// Where the reverse proxy reaches the homeserver: HOST:PORT, or the
    /// homeserver's unix socket as unix:/PATH (its unix_socket_path; nginx,
    /// Caddy, Apache and HAProxy)
    #[arg(long, value_name = "HOST:PORT", default_value = DEFAULT_UPSTREAM)]
    pub upstream: String,
}

#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Write one file per artifact into DIR (created if missing) instead of printing them
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// With --out: overwrite files that already exist
    #[arg(long, requires = "out")]
    pub force: bool,
}

/// A problem with one flag's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagError {
    pub flag: &'static str,
    pub message: String,
}

impl AnswerArgs {
    /// The answers, or every flag whose value is unusable.
    pub fn to_plan(&self) -> Result<Plan, Vec<FlagError>> {
        let mut errors = Vec::new();
        let mut parse = |field: Field, text: &str| -> Option<String> {
            errors.push(FlagError {
                flag: field.flag(),
                message: text.to_string(),
            });
            None
        };
        let strategy = self
            .strategy
            .parse::<Strategy>()
            .map_err(|e| parse(Field::Strategy, &e.to_string()))
            .ok();
        let proxy = self
            .proxy
            .parse::<Proxy>()
            .map_err(|e| parse(Field::Proxy, &e))
            .ok();
        let deployment = self
            .deployment
            .parse::<Deployment>()
            .map_err(|e| parse(Field::Deployment, &e))
            .ok();
        if self.server_name.is_none() {
            errors.push(FlagError {
                flag: Field::ServerName.flag(),
                message: "required: the part after the colon in your user IDs, e.g. `example.com`"
                    .into(),
            });
        }
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let answers = Answers {
            server_name: text(&self.server_name),
            host: text(&self.host),
            port: text(&self.port),
            strategy: strategy.unwrap_or(Strategy::WellKnown),
            client_url: text(&self.client_url),
            support_page: text(&self.support_page),
            support_role: text(&self.support_role),
            support_email: text(&self.support_email),
            support_mxid: text(&self.support_mxid),
            deployment: deployment.unwrap_or(Deployment::ConfigFile),
            proxy: proxy.unwrap_or(Proxy::Caddy),
            upstream: self.upstream.clone(),
        };
        let unparsed: Vec<&str> = errors.iter().map(|e| e.flag).collect();
        // A server name with a port refuses every strategy but `none`: the
        // wizard says so on its strategy step, but on the command line the
        // value to change is --server-name's.
        let name_has_port = crate::domain::ServerName::parse(answers.server_name.trim())
            .is_ok_and(|n| n.port.is_some());
        let flag_of = |field: Field| match field {
            Field::Strategy if name_has_port => Field::ServerName.flag(),
            other => other.flag(),
        };
        match plan(&answers) {
            Ok(p) if errors.is_empty() => Ok(p),
            Ok(_) => Err(errors),
            Err(field_errors) => {
                // Errors about a flag that did not parse (or about a missing
                // server name) would only repeat the problem already given.
                errors.extend(
                    field_errors
                        .into_iter()
                        .filter(|e| !unparsed.contains(&e.field.flag()))
                        .map(|e| FlagError {
                            flag: flag_of(e.field),
                            message: e.message,
                        }),
                );
                Err(errors)
            }
        }
    }
}

/// The text after the options in `generate --help`.
pub fn after_help() -> String {
    let mut s = String::from("Strategies (--strategy):\n");
    for st in Strategy::ALL {
        s.push_str(&format!("  {:<25} {}\n", st.id(), st.one_line()));
    }
    s.push_str("\nReverse proxies (--proxy):\n");
    for p in Proxy::ALL {
        s.push_str(&format!("  {:<9} {}\n", p.id(), proxy_help(*p)));
    }
    s.push_str("\nDeployments (--deployment):\n");
    for d in Deployment::ALL {
        let what = match d {
            Deployment::ConfigFile => {
                "the [global.well_known] section of the Continuwuity TOML file"
            }
            Deployment::Docker => {
                "CONTINUWUITY_WELL_KNOWN... variables: env file, compose block, one-variable form"
            }
        };
        s.push_str(&format!("  {:<9} {what}\n", d.id()));
    }
    s.push_str(
        "\nExamples:\n  matrix-delegate generate --server-name example.com --host matrix.example.com\n  \
         matrix-delegate generate --server-name example.com --host matrix.example.com \\\n      \
         --proxy nginx --deployment docker --support-email admin@example.com --out ./matrix\n",
    );
    s
}

fn proxy_help(p: Proxy) -> &'static str {
    match p {
        Proxy::Caddy => "Caddyfile site blocks (reverse_proxy; respond for static files)",
        Proxy::Nginx => "nginx server blocks for conf.d",
        Proxy::Apache => "Apache httpd virtual hosts (mod_proxy with nocanon)",
        Proxy::Haproxy => "HAProxy frontends and a backend",
        Proxy::Traefik => "Traefik entry points and Docker labels for compose",
        Proxy::Static => {
            "static files only: which files and headers the base domain's web server serves"
        }
    }
}

pub fn run(args: &GenerateArgs) -> Exit {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    run_with(args, &mut stdout.lock(), &mut stderr.lock())
}

/// [`run`] with explicit output streams. [`Exit::Usage`] for invalid
/// input, [`Exit::Failed`] when nothing could be written.
pub fn run_with(args: &GenerateArgs, out: &mut impl Write, err: &mut impl Write) -> Exit {
    let plan = match args.answers.to_plan() {
        Ok(p) => p,
        Err(errors) => {
            for e in &errors {
                // The message quotes the value as typed: outside text.
                let _ = writeln!(err, "error: {}: {}", e.flag, printable(&e.message));
            }
            let _ = writeln!(
                err,
                "nothing generated; see `matrix-delegate generate --help` for the choices"
            );
            return Exit::Usage;
        }
    };
    for n in &plan.notices {
        let _ = writeln!(
            err,
            "warning: {}: {}",
            n.field.flag(),
            printable(&n.message)
        );
    }
    let all = artifacts(&plan);
    // Editing the config replaces printing: the diff is what the operator reads.
    if let Some(exit) = run_from_flags(&args.config, &plan, out)
        && (exit != Exit::Ok || args.output.out.is_none())
    {
        return exit;
    }
    match &args.output.out {
        None => {
            print_all(&all, out);
            Exit::Ok
        }
        Some(dir) => match write_all(&all, dir, args.output.force) {
            Ok(written) => {
                for path in written {
                    let _ = writeln!(out, "wrote {}", path.display());
                }
                Exit::Ok
            }
            Err(message) => {
                let _ = writeln!(err, "error: {}", printable(&message));
                Exit::Failed
            }
        },
    }
}

fn print_all(all: &[Artifact], out: &mut impl Write) {
    for (i, a) in all.iter().enumerate() {
        if i > 0 {
            let _ = writeln!(out);
        }
        let _ = writeln!(out, "===== {}: {} =====", a.file_name, a.title);
        let _ = write!(out, "{}", a.text);
        if !a.text.ends_with('\n') {
            let _ = writeln!(out);
        }
    }
}

/// Writes every artifact under `dir`: nothing is written when a file
/// exists and `force` is off, or when anything other than a regular file
/// (a symlink, dangling or not, a FIFO, a directory, ...) stands at an
/// artifact's name, even with `force`. Each file is written to a temporary
/// name and renamed into place, so nothing is ever written through a
/// symlink. Returns the paths written.
pub fn write_all(all: &[Artifact], dir: &Path, force: bool) -> Result<Vec<PathBuf>, String> {
    let files: Vec<NewFile<'_>> = all
        .iter()
        .map(|a| NewFile {
            relative: &a.file_name,
            contents: a.text.as_bytes(),
        })
        .collect();
    let replace = if force {
        Replace::RegularFiles
    } else {
        Replace::Nothing
    };
    write_files(dir, &files, replace).map_err(|e| match e {
        WriteFilesError::Refused { conflicts } => refusal(&conflicts),
        e => e.to_string(),
    })
}

/// Why `--out` wrote nothing, and what to do about each file in the way.
fn refusal(conflicts: &[Conflict]) -> String {
    let list = |regular: bool| -> Vec<String> {
        conflicts
            .iter()
            .filter(|c| (c.kind == FileKind::Regular) == regular)
            .map(|c| match c.kind {
                FileKind::Regular => c.path.display().to_string(),
                kind => format!("{} is {kind}", c.path.display()),
            })
            .collect()
    };
    let (existing, special) = (list(true), list(false));
    let mut parts = Vec::new();
    if !special.is_empty() {
        parts.push(format!(
            "refusing to write where something other than a regular file stands (never \
             followed or replaced, not even with --force; move it away first): {}",
            special.join(", ")
        ));
    }
    if !existing.is_empty() {
        parts.push(format!(
            "refusing to overwrite existing files (add --force to overwrite): {}",
            existing.join(", ")
        ));
    }
    format!("{}. Nothing was written", parts.join("; "))
}
