//! `matrix-delegate check <SERVER_NAME>`: every live check, as a human
//! report (default), JSON (`--json`, the documented contract) or Markdown.
//! Several names, or `--names-from FILE`, go to [`many`].
//!
//! Exit codes: 0 nothing failed; 1 a check failed or could not run; 2
//! usage errors (a bad server name, an unusable option value or config file);
//! 130 a many-names run was interrupted.

pub mod many;
mod tui;
pub mod wait;

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;

use super::config::process_env;
use crate::check::expect::Expectations;
use crate::config_file::inspect_file;
use crate::domain::{Proxy, ServerName};
use crate::exit::Exit;
use crate::local_file::{open_regular, read_capped};
use crate::matrix::peers::PrivateAddresses;
use crate::probe::runner::{CheckRequest, run_to_report};
use crate::probe::{
    DEFAULT_TIMEOUT, Net, NetOptions, ResolveOverride, SetupError, Trust, parse_nameserver,
    parse_resolve, parse_timeout,
};
use crate::report::Report;
use crate::report::text::TextOptions;
use crate::report::{json, markdown, text};
use crate::safe_text::printable;
use crate::sim::{Scenario, Sim};

// The doc comments are clap's help text (URLs stay plain text there).
#[allow(rustdoc::bare_urls)]
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// The server name to check: the part after the colon in user IDs
    /// (@alice:example.com → example.com), not the delegated host. Several
    /// names print a summary table, then the reports of the failing ones
    #[arg(value_name = "SERVER_NAME", required_unless_present = "names_from")]
    pub server_names: Vec<String>,
    /// Also check the server names in FILE, one per line (`-`: standard
    /// input); `#` starts a comment, blank lines are skipped, a name given
    /// twice is checked once, an invalid line is reported with its number
    #[arg(long, value_name = "FILE")]
    pub names_from: Option<PathBuf>,
    /// With several names: how many are checked at the same time (the work
    /// waits on DNS and HTTPS answers, so more than the number of cores)
    #[arg(long, value_name = "N", value_parser = jobs, default_value_t = many::DEFAULT_JOBS)]
    pub jobs: usize,
    /// Print the report as JSON (the stable schema documented in the README)
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,
    /// Print the report as Markdown (for issues and chat)
    #[arg(long)]
    pub markdown: bool,
    /// Open the wizard's checks screen instead of printing a report: panels
    /// that fill in as results arrive, details and remedies, re-run (r), watch
    /// (w), export (e). Same options, same expectations
    #[arg(long, conflicts_with_all = ["json", "markdown"])]
    pub tui: bool,
    /// Re-run the checks until nothing fails or --max-wait runs out, printing
    /// what changed after each run and how long resolvers may still serve
    /// an outdated DNS answer; exit 0 when green, 1 when time ran out, with
    /// the last report (for a DNS or proxy change that is still spreading)
    #[arg(long, conflicts_with = "tui")]
    pub wait: bool,
    /// With --wait: give up after this long (90s, 10m, 1h; seconds when no unit)
    #[arg(long, value_name = "DURATION", value_parser = wait::parse_duration, default_value = "30m", requires = "wait")]
    pub max_wait: Duration,
    /// With --wait: the pause between runs at first; it grows by half after
    /// every run that changed nothing, up to 5 min, and comes just after
    /// outdated DNS answers expire when that is sooner
    #[arg(long, value_name = "DURATION", value_parser = wait::parse_duration, default_value = "30s", requires = "wait")]
    pub interval: Duration,
    /// Compare with the intent in this homeserver config file: its server_name and
    /// [global.well_known] section (environment overrides applied)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The m.server the server file should carry, e.g. matrix.example.com:443
    #[arg(long, value_name = "HOST:PORT")]
    pub expect_server: Option<String>,
    /// The base_url the client file should carry, e.g. https://matrix.example.com/
    #[arg(long, value_name = "URL")]
    pub expect_client: Option<String>,
    /// Your reverse proxy, so remedies show its configuration: caddy, nginx, apache,
    /// haproxy, traefik or static
    #[arg(long, value_name = "ID", value_parser = proxy)]
    pub proxy: Option<Proxy>,
    /// Ask only this DNS resolver (repeatable); /etc/hosts is then ignored
    /// [default: the system's resolvers]
    #[arg(long = "nameserver", value_name = "IP[:PORT]", value_parser = nameserver)]
    pub nameservers: Vec<SocketAddr>,
    /// Also trust the certificate authorities in this PEM file (repeatable)
    #[arg(long = "ca-file", value_name = "PEM")]
    pub ca_files: Vec<PathBuf>,
    /// Trust only the --ca-file authorities, not the system's roots
    #[arg(long, requires = "ca_files")]
    pub ca_only: bool,
    /// Connect to ADDR for HOST:PORT instead of what DNS says (curl's --resolve; repeatable;
    /// ADDR may be a comma-separated list, IPv6 in brackets)
    #[arg(long = "resolve", value_name = "HOST:PORT:ADDR", value_parser = resolve)]
    pub resolve: Vec<ResolveOverride>,
    /// Per-request timeout in seconds (DNS query, connection, response); fractions allowed
    #[arg(long, value_name = "SECS", value_parser = timeout, default_value = "5")]
    pub timeout: Duration,
    /// Private, loopback, link-local and other reserved addresses are fine
    /// (a lab or staging network): without it, an address peers refuse that
    /// federation would use fails the check of the DNS name (or the
    /// m.server literal) that produced it
    #[arg(long)]
    pub allow_private_addresses: bool,
    /// Testing aid: check against a built-in simulated deployment on loopback
    /// (see the README) instead of the real network; --timeout and --resolve
    /// still apply
    #[arg(long, value_name = "SCENARIO", hide = true, value_parser = scenario)]
    pub sim: Option<String>,
}

fn jobs(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if (1..=many::MAX_JOBS).contains(&n) => Ok(n),
        _ => Err(format!("a whole number from 1 to {}", many::MAX_JOBS)),
    }
}

fn proxy(text: &str) -> Result<Proxy, String> {
    text.parse()
}

fn nameserver(text: &str) -> Result<SocketAddr, String> {
    parse_nameserver(text).map_err(|e| e.message)
}

fn resolve(text: &str) -> Result<ResolveOverride, String> {
    parse_resolve(text).map_err(|e| e.message)
}

fn timeout(text: &str) -> Result<Duration, String> {
    parse_timeout(text).map_err(|e| e.message)
}

fn scenario(text: &str) -> Result<String, String> {
    Scenario::builtin(text)
        .map(|_| text.to_string())
        .map_err(|e| e.to_string())
}

/// Text after the options list in `check --help`.
pub fn after_help() -> String {
    format!(
        "Exit codes: {} nothing failed, {} a check failed or could not run, {} usage error.\n\
         With --json the report follows the schema in the README (stable check ids, status \
         pass/warn/fail/skipped/error). Colour is used only on a terminal and when NO_COLOR is \
         unset. The default timeout is {} s.\n\n\
         Several names (SERVER_NAME... and/or --names-from FILE): a summary table (name, \
         result, spec step, failing check ids) in input order, then the full reports of the \
         failing names; with --json one report per line (JSON Lines, the same schema), in input \
         order. --config and --expect-* describe one server and are refused with several \
         names; --proxy applies to all. Exit {} if any name failed or any line was not a \
         server name, {} if no name was valid, {} when interrupted (Ctrl-C: what finished is \
         printed).\n\n\
         --wait (one name): exit {} when green, {} when --max-wait ran out, {} on Ctrl-C, each \
         followed by the last complete report (with --json or --markdown the run lines go to \
         standard error).",
        Exit::Ok.code(),
        Exit::Failed.code(),
        Exit::Usage.code(),
        DEFAULT_TIMEOUT.as_secs(),
        Exit::Failed.code(),
        Exit::Usage.code(),
        Exit::Interrupted.code(),
        Exit::Ok.code(),
        Exit::Failed.code(),
        Exit::Interrupted.code(),
    )
}

/// A usage problem found after parsing: the message names the option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

/// The intent: `--config`, then `--expect-server` / `--expect-client` on top.
pub fn expectations(
    args: &CheckArgs,
    env: &[(String, String)],
) -> Result<Expectations, UsageError> {
    let flags = args.expect_server.is_some() || args.expect_client.is_some();
    let mut ex = if flags {
        Expectations::from_flags(args.expect_server.as_deref(), args.expect_client.as_deref())
            .map_err(UsageError)?
    } else {
        Expectations::none()
    };
    if let Some(path) = &args.config {
        let from_file = config_expectations(path, env)?;
        ex = if flags {
            // The flags name the values; the file still says who the server is.
            Expectations {
                server_name: from_file.server_name,
                m_server: ex.m_server.or(from_file.m_server),
                base_url: ex.base_url.or(from_file.base_url),
                deployment: from_file.deployment,
                ..ex
            }
        } else {
            from_file
        };
    }
    Ok(ex.with_proxy(args.proxy))
}

fn config_expectations(path: &Path, env: &[(String, String)]) -> Result<Expectations, UsageError> {
    let report = inspect_file(path, env)
        .map_err(|e| UsageError(format!("--config {}: {e}", path.display())))?;
    let shown = path.display().to_string();
    Ok(Expectations::from_config(
        report.server_name(),
        &report.effective_section(),
        Some(&shown),
    ))
}

/// The network options from the flags (the simulated internet brings its
/// own). Every `--ca-file` is read here, once, the careful way
/// ([`read_ca_file`]); the roots travel on as PEM text.
pub fn net_options(args: &CheckArgs) -> Result<NetOptions, UsageError> {
    let extra_roots_pem = args
        .ca_files
        .iter()
        .map(|path| read_ca_file(path))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(NetOptions {
        nameservers: args.nameservers.clone(),
        extra_roots_pem,
        ca_only: args.ca_only,
        resolve: args.resolve.clone(),
        timeout: args.timeout,
        private_addresses: if args.allow_private_addresses {
            PrivateAddresses::Allowed
        } else {
            PrivateAddresses::Refused
        },
        ..NetOptions::default()
    })
}

/// The most read from one `--ca-file`. Debian's bundle of every public
/// root is about 200 KiB.
pub const MAX_CA_FILE_BYTES: u64 = 16 << 20;

/// A `--ca-file` as PEM text holding at least one usable certificate: a
/// directory, FIFO or device is refused before anything is read from it,
/// and so is a file over [`MAX_CA_FILE_BYTES`].
pub fn read_ca_file(path: &Path) -> Result<String, UsageError> {
    let shown = path.display();
    let bytes = open_regular(path)
        .and_then(|file| read_capped(file, path, MAX_CA_FILE_BYTES))
        .map_err(|e| UsageError(format!("--ca-file {e}")))?;
    let pem = String::from_utf8(bytes).map_err(|_| {
        UsageError(format!(
            "--ca-file {shown}: not a PEM certificate file (binary content; a DER \
             certificate converts with `openssl x509 -inform der -in FILE -out FILE.pem`)"
        ))
    })?;
    // The same parse the checks will do, here, so the message names the file.
    let alone = NetOptions {
        extra_roots_pem: vec![pem],
        ca_only: true,
        ..NetOptions::default()
    };
    match Trust::load(&alone) {
        Ok(_) => Ok(alone.extra_roots_pem.into_iter().next().unwrap_or_default()),
        Err(SetupError::ExtraRoot { message }) => {
            Err(UsageError(format!("--ca-file {shown}: {message}")))
        }
        Err(e) => Err(UsageError(format!("--ca-file {shown}: {e}"))),
    }
}

/// A resolver that cannot start is this machine's problem; any other
/// unusable option is a usage error.
pub(super) fn setup_exit(e: &SetupError) -> Exit {
    match e {
        SetupError::Resolver { .. } => Exit::Failed,
        _ => Exit::Usage,
    }
}

/// Runs the check: [`Exit::Ok`] when nothing failed.
pub fn run(args: &CheckArgs) -> Exit {
    if args.names_from.is_some() || args.server_names.len() > 1 {
        return many::command::run(args);
    }
    let Some(text) = args.server_names.first() else {
        // clap requires a name or --names-from; stay a usage error anyway.
        eprintln!("error: give a SERVER_NAME or --names-from FILE");
        return Exit::Usage;
    };
    let server_name = match ServerName::parse(text) {
        Ok(name) => name,
        Err(e) => {
            // Worded as the argument parser words an invalid value.
            eprintln!(
                "error: invalid value '{}' for '<SERVER_NAME>': {}\n\n\
                 For more information, try '--help'.",
                printable(text),
                printable(&e.to_string())
            );
            return Exit::Usage;
        }
    };
    let server_name = &server_name;
    let env = process_env();
    let ex = match expectations(args, &env) {
        Ok(ex) => ex,
        Err(UsageError(message)) => {
            // The message may quote the config file or a typed value.
            eprintln!("error: {}", printable(&message));
            return Exit::Usage;
        }
    };
    let options = match flag_options(args) {
        Ok(options) => options,
        Err(exit) => return exit,
    };
    if args.tui {
        return self::tui::run(args, server_name, ex, options, env);
    }
    let runtime = match runtime() {
        Ok(rt) => rt,
        Err(exit) => return exit,
    };
    runtime.block_on(check(args, server_name, ex, options))
}

/// The network options the flags give, `--ca-file`s read (a usage error is
/// printed, and is the exit code); `None` with `--sim`: the simulated
/// internet brings its own roots, and --ca-file is not read.
fn flag_options(args: &CheckArgs) -> Result<Option<NetOptions>, Exit> {
    if args.sim.is_some() {
        return Ok(None);
    }
    net_options(args).map(Some).map_err(|UsageError(message)| {
        eprintln!("error: {}", printable(&message));
        Exit::Usage
    })
}

/// The runtime every check command runs in.
fn runtime() -> Result<tokio::runtime::Runtime, Exit> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("error: cannot start the async runtime: {e}");
            Exit::Failed
        })
}

/// The network the checks go through: the real one from `options` (the
/// flags', [`flag_options`]), or (`--sim`) a built-in simulated deployment
/// started here, which lives as long as the returned [`Sim`]; `limits` sets
/// the connection and DNS limits last. Problems are printed; the error is
/// the exit code.
async fn network(
    args: &CheckArgs,
    options: Option<NetOptions>,
    limits: impl FnOnce(&mut NetOptions),
) -> Result<(Net, Option<Sim>), Exit> {
    let (options, sim) = match &args.sim {
        None => (options.unwrap_or_default(), None),
        Some(name) => match Sim::start_builtin(name).await {
            Ok(sim) => {
                let mut options = sim.net_options();
                options.timeout = args.timeout;
                options.resolve = args.resolve.clone();
                // A scenario that keeps the rule on still obeys the flag.
                if args.allow_private_addresses {
                    options.private_addresses = PrivateAddresses::Allowed;
                }
                (options, Some(sim))
            }
            Err(message) => {
                eprintln!("error: --sim {name}: {}", printable(&message.to_string()));
                return Err(Exit::Failed);
            }
        },
    };
    let mut options = options;
    limits(&mut options);
    match Net::new(options) {
        Ok(net) => Ok((net, sim)),
        Err(e) => {
            eprintln!("error: {}", printable(&e.to_string()));
            Err(setup_exit(&e))
        }
    }
}

async fn check(
    args: &CheckArgs,
    server_name: &ServerName,
    ex: Expectations,
    options: Option<NetOptions>,
) -> Exit {
    // The simulated internet, when asked for, lives until the run is over.
    let (net, _sim) = match network(args, options, |_| ()).await {
        Ok(network) => network,
        Err(exit) => return exit,
    };
    let request = CheckRequest {
        server_name: server_name.clone(),
        expectations: ex,
    };
    if args.wait {
        return wait_and_report(args, net, request).await;
    }
    let report = run_to_report(net, request, 1).await;
    let out = render(args, &report);
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not worth a panic.
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
    if report.ok { Exit::Ok } else { Exit::Failed }
}

/// `--wait`: runs until green or out of time; what changed goes to
/// standard output with the text report, to standard error with `--json`
/// or `--markdown` (so that standard output holds only the last report).
async fn wait_and_report(args: &CheckArgs, net: Net, request: CheckRequest) -> Exit {
    let settings = wait::WaitSettings {
        max_wait: args.max_wait,
        interval: args.interval,
    };
    let interrupted = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let outcome = if args.json || args.markdown {
        let mut progress = std::io::stderr();
        wait::wait_until_green(net, request, settings, interrupted, &mut progress).await
    } else {
        let mut progress = std::io::stdout();
        wait::wait_until_green(net, request, settings, interrupted, &mut progress).await
    };
    if let Some(report) = &outcome.last {
        let out = render(args, report);
        let mut stdout = std::io::stdout().lock();
        if !(args.json || args.markdown) {
            // The text report, set off from the lines of the runs.
            let _ = stdout.write_all(b"\n");
        }
        let _ = stdout.write_all(out.as_bytes());
        let _ = stdout.flush();
    }
    match outcome.end {
        wait::WaitEnd::Green => Exit::Ok,
        wait::WaitEnd::TimeUp => Exit::Failed,
        wait::WaitEnd::Interrupted => {
            if outcome.last.is_some() {
                eprintln!("interrupted (Ctrl-C): the last complete run's report is above");
            } else {
                eprintln!("interrupted (Ctrl-C) during the first run: no report");
            }
            Exit::Interrupted
        }
    }
}

fn render(args: &CheckArgs, report: &Report) -> String {
    if args.json {
        let mut s = json::render(report);
        s.push('\n');
        s
    } else if args.markdown {
        markdown::render(report)
    } else {
        let no_color = std::env::var("NO_COLOR").ok();
        let options = TextOptions::auto(no_color.as_deref(), std::io::stdout().is_terminal());
        text::render(report, &options)
    }
}
