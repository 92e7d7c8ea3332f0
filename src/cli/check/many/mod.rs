//! `matrix-delegate check NAME... [--names-from FILE]`: the checks for many
//! server names, at most `--jobs` at a time, all through one
//! [`Net`] (one resolver, one trust store, and whatever limits the network
//! layer keeps, shared by every run). Each name runs the same
//! [`run_to_report`] as a single `check NAME`, so its report is the one a
//! single run prints.
//!
//! What is printed, always in input order (names are numbered as they are
//! read, so two runs over one list diff line by line):
//!
//! - text and Markdown: a summary table (name, result, spec step, failing
//!   check ids), a closing line with the counts, then the full report of
//!   each failing name;
//! - `--json`: JSON Lines, one report per line in the single-name schema,
//!   each printed as soon as it and every name before it are done.
//!
//! Memory stays flat with the number of names: of each report only its
//! summary row is kept; a failing report's details and JSON lines that
//! finish ahead of their turn wait in an unlinked temporary file
//! (the `spool` module).

pub(super) mod command;
pub mod input;
mod spool;
pub mod summary;

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::io::{self, Write};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio::task::JoinSet;

use self::input::{Entry, Origin};
use self::spool::{Spool, Spooled};
use self::summary::{Row, Tally, closing_line, markdown_table, text_table};
use crate::check::expect::Expectations;
use crate::domain::Proxy;
use crate::probe::runner::{CheckRequest, run_to_report};
use crate::probe::{Net, NetOptions};
use crate::report::text::TextOptions;
use crate::report::{Report, markdown, text};
use crate::safe_text::{json_escape_unsafe, printable};

/// `--jobs` when not given. The work is waiting, not computing: a name
/// costs a few round trips one after the other (DNS, the well-known file,
/// DNS again, the homeserver) and about two dozen requests in all, each
/// holding a socket while it waits. 32 names at a time keep a
/// 1,000-name list to about 30 critical paths, stay far below the usual
/// 1,024 open files a process may hold (a run holds about 10 sockets at its
/// busiest), and ask the resolver a few hundred questions at once at most.
pub const DEFAULT_JOBS: usize = 32;

/// The largest `--jobs`: beyond it the open sockets of the running checks
/// outgrow common file-descriptor limits.
pub const MAX_JOBS: usize = 1000;

/// Open files one running check may hold at its busiest: a socket per
/// request in flight (the well-known files, the preflights, and per
/// resolved address the TLS, version, keys and routing probes at once) and
/// per DNS query. Measured: about 5 on average at the peak of 200 checks of
/// one address each; a name with several addresses needs more.
pub const FILES_PER_JOB: u64 = 16;
/// Open files besides the checks: the standard streams, the runtime, the
/// names file, the spool, the resolver.
pub const FILES_RESERVE: u64 = 64;

/// `--jobs` against the open-files limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobsFit {
    /// The jobs to run: as asked, or fewer when the limit cannot make room.
    pub jobs: usize,
    /// The soft open-files limit after [`fit_jobs_to_open_files`].
    pub limit: u64,
    /// The soft limit was raised (towards the hard limit) from this.
    pub raised_from: Option<u64>,
}

/// Makes room for `jobs` checks at once: when the soft open-files limit
/// (`ulimit -n`, often 1,024) is below what they may need, it is raised up
/// to the hard limit, as far as needed; when even that is not enough, fewer
/// jobs run, so that no check fails for want of a socket.
pub fn fit_jobs_to_open_files(jobs: usize) -> JobsFit {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let jobs = jobs.max(1);
    let needed = (jobs as u64)
        .saturating_mul(FILES_PER_JOB)
        .saturating_add(FILES_RESERVE);
    let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else {
        return JobsFit {
            jobs,
            limit: u64::MAX,
            raised_from: None,
        };
    };
    let mut fit = JobsFit {
        jobs,
        limit: soft,
        raised_from: None,
    };
    if soft >= needed {
        return fit;
    }
    let target = needed.min(hard);
    if target > soft && setrlimit(Resource::RLIMIT_NOFILE, target, hard).is_ok() {
        fit.limit = target;
        fit.raised_from = Some(soft);
    }
    if fit.limit < needed {
        let room = fit.limit.saturating_sub(FILES_RESERVE) / FILES_PER_JOB;
        fit.jobs = usize::try_from(room).unwrap_or(usize::MAX).clamp(1, jobs);
    }
    fit
}

impl JobsFit {
    /// The network options for these jobs going on at once through one
    /// `Net`: the connection and DNS limits of one run, times the jobs,
    /// within the open files set aside for them ([`FILES_PER_JOB`] each).
    pub fn share(&self, options: &mut NetOptions) {
        let budget = (self.jobs as u64)
            .saturating_mul(FILES_PER_JOB)
            .min(self.limit.saturating_sub(FILES_RESERVE));
        options.share_for_runs(self.jobs, usize::try_from(budget).unwrap_or(usize::MAX));
    }
}

/// How the results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text { color: bool },
    Json,
    Markdown,
}

/// How a many-names run goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Names checked at the same time (at least 1).
    pub jobs: usize,
    pub format: Format,
    /// Remedies show this proxy's configuration, for every name.
    pub proxy: Option<Proxy>,
    /// Show progress on standard error (the caller decides: a terminal).
    pub progress: bool,
}

/// What happened, for the exit code and the caller's last words.
#[derive(Debug, Default)]
pub struct Outcome {
    pub tally: Tally,
    /// The input could not be read to its end (the messages went to `err`).
    pub read_errors: usize,
    /// Writing the results failed (a closed pipe, a full disk): the run
    /// stopped there.
    pub write_error: Option<io::Error>,
    /// Valid, distinct names read (checked, unfinished or not started).
    pub names_read: usize,
}

/// Checks every name `names` delivers, `settings.jobs` at a time, and
/// prints the results to `out` (problems with the input to `err`, as they
/// are read). When `interrupt` completes, the running checks are dropped
/// and what finished is printed, marked as interrupted.
pub async fn check_many(
    net: Net,
    settings: Settings,
    mut names: mpsc::Receiver<Entry>,
    interrupt: impl Future<Output = ()>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Outcome {
    let jobs = settings.jobs.max(1);
    let mut printer = Printer::new(settings.format);
    let mut outcome = Outcome::default();
    let mut progress = Progress::new(settings.progress);
    let mut tasks: JoinSet<(usize, Report)> = JoinSet::new();
    let mut running: HashMap<tokio::task::Id, (usize, String)> = HashMap::new();
    let mut input_open = true;
    tokio::pin!(interrupt);
    loop {
        if !input_open && tasks.is_empty() {
            break;
        }
        tokio::select! {
            biased;
            () = &mut interrupt => {
                outcome.tally.interrupted = true;
                outcome.tally.unfinished = tasks.len();
                break;
            }
            Some(joined) = tasks.join_next_with_id(), if !tasks.is_empty() => {
                let (index, report) = match joined {
                    Ok((id, (index, report))) => {
                        running.remove(&id);
                        (index, report)
                    }
                    Err(e) => {
                        let Some((index, name)) = running.remove(&e.id()) else { continue };
                        (index, stopped_report(name))
                    }
                };
                outcome.tally.checked += 1;
                if !report.ok {
                    outcome.tally.failing += 1;
                }
                if let Err(e) = printer.finished(index, &report, out) {
                    outcome.write_error = Some(e);
                    break;
                }
                progress.show(&outcome.tally, err);
            }
            entry = names.recv(), if input_open && tasks.len() < jobs => match entry {
                None => input_open = false,
                Some(Entry::Name { name, origin: _ }) => {
                    let index = printer.slot();
                    let request = CheckRequest {
                        server_name: name.clone(),
                        expectations: Expectations::none().with_proxy(settings.proxy),
                    };
                    let net = net.clone();
                    let run = u64::try_from(index).unwrap_or(u64::MAX).saturating_add(1);
                    let handle = tasks.spawn(async move {
                        (index, run_to_report(net, request, run).await)
                    });
                    running.insert(handle.id(), (index, name.as_str().to_string()));
                }
                Some(Entry::Duplicate { .. }) => outcome.tally.duplicates += 1,
                Some(Entry::Invalid { origin, text, problem }) => {
                    outcome.tally.invalid += 1;
                    progress.clear(err);
                    let _ = writeln!(err, "error: {}: `{}`: {problem}", origin_text(&origin), printable(&text));
                }
                Some(Entry::ReadError { source, message }) => {
                    outcome.read_errors += 1;
                    progress.clear(err);
                    let _ = writeln!(
                        err,
                        "error: {}: reading stopped {}; the names after that were not checked",
                        printable(&source),
                        printable(&message)
                    );
                }
            },
        }
    }
    // Whatever still runs (an interruption, a failed write) stops here.
    tasks.abort_all();
    drop(names);
    outcome.names_read = printer.rows.len();
    progress.clear(err);
    if outcome.write_error.is_none()
        && let Err(e) = printer.close(&outcome.tally, out, err)
    {
        outcome.write_error = Some(e);
    }
    outcome
}

fn origin_text(origin: &Origin) -> String {
    printable(&origin.to_string())
}

/// The report of a name whose run ended without one (its task panicked):
/// failing, with nothing checked.
fn stopped_report(name: String) -> Report {
    let mut report = Report::new(name);
    report.ok = false;
    report
}

/// One report as one line of JSON, in the single-name schema.
pub fn json_line(report: &Report) -> String {
    let text = serde_json::to_string(report).unwrap_or_else(|e| {
        // Serialising plain data with string keys cannot fail; stay valid JSON anyway.
        serde_json::json!({"server_name": report.server_name, "ok": false, "error": e.to_string()})
            .to_string()
    });
    let mut line = json_escape_unsafe(&text);
    line.push('\n');
    line
}

/// Keeps the summary rows and puts the output in input order.
struct Printer {
    format: Format,
    /// One per name read, by input index; `None` until its report arrives.
    rows: Vec<Option<Row>>,
    spool: Spool,
    /// JSON: the next index to print, and the finished lines waiting for it.
    next: usize,
    waiting: BTreeMap<usize, Spooled>,
    /// Text and Markdown: the failing reports, by input index.
    failing: BTreeMap<usize, Spooled>,
}

impl Printer {
    fn new(format: Format) -> Printer {
        Printer {
            format,
            rows: Vec::new(),
            spool: Spool::new(&std::env::temp_dir()),
            next: 0,
            waiting: BTreeMap::new(),
            failing: BTreeMap::new(),
        }
    }

    /// A name is about to be checked: its place in the output.
    fn slot(&mut self) -> usize {
        self.rows.push(None);
        self.rows.len() - 1
    }

    fn finished(&mut self, index: usize, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        if let Some(slot) = self.rows.get_mut(index) {
            *slot = Some(Row::of(report));
        }
        match self.format {
            Format::Json => {
                let line = json_line(report);
                if index == self.next {
                    out.write_all(line.as_bytes())?;
                    self.next += 1;
                    self.print_waiting_lines(out)?;
                    out.flush()?;
                } else {
                    let at = self.spool.put(line.as_bytes())?;
                    self.waiting.insert(index, at);
                }
            }
            Format::Text { color } if !report.ok => {
                let details = text::render(report, &TextOptions { color });
                let at = self.spool.put(details.as_bytes())?;
                self.failing.insert(index, at);
            }
            Format::Markdown if !report.ok => {
                let at = self.spool.put(markdown::render(report).as_bytes())?;
                self.failing.insert(index, at);
            }
            Format::Text { .. } | Format::Markdown => {}
        }
        Ok(())
    }

    /// Prints the lines whose turn has come (names before them done).
    fn print_waiting_lines(&mut self, out: &mut dyn Write) -> io::Result<()> {
        while let Some(at) = self.waiting.remove(&self.next) {
            self.spool.copy_to(at, out)?;
            self.next += 1;
        }
        Ok(())
    }

    /// The end (or an interruption): JSON lines still waiting (their
    /// predecessors never finished) in order; or the table, the counts and
    /// the failing reports.
    fn close(&mut self, tally: &Tally, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<()> {
        if tally.checked == 0 && !tally.interrupted {
            return Ok(());
        }
        let done = || self.rows.iter().flatten();
        match self.format {
            Format::Json => {
                for at in std::mem::take(&mut self.waiting).into_values() {
                    self.spool.copy_to(at, out)?;
                }
                out.flush()?;
                let _ = writeln!(err, "{}", closing_line(tally));
                return Ok(());
            }
            Format::Text { color } => {
                out.write_all(text_table(done(), color).as_bytes())?;
                writeln!(out, "\n{}", closing_line(tally))?;
                for at in self.failing.values() {
                    out.write_all(b"\n")?;
                    self.spool.copy_to(*at, out)?;
                }
            }
            Format::Markdown => {
                writeln!(
                    out,
                    "# matrix-delegate check: {} names\n",
                    tally.checked + tally.unfinished
                )?;
                out.write_all(markdown_table(done()).as_bytes())?;
                writeln!(out, "\n{}", closing_line(tally))?;
                for at in self.failing.values() {
                    out.write_all(b"\n")?;
                    self.spool.copy_to(*at, out)?;
                }
            }
        }
        out.flush()
    }
}

/// `checked 120 names (3 failing)…` on standard error, rewritten in place
/// at most a few times a second, erased before anything else is printed.
struct Progress {
    on: bool,
    shown: bool,
    last: Option<Instant>,
}

impl Progress {
    const EVERY: Duration = Duration::from_millis(200);

    fn new(on: bool) -> Progress {
        Progress {
            on,
            shown: false,
            last: None,
        }
    }

    fn show(&mut self, tally: &Tally, err: &mut dyn Write) {
        if !self.on || self.last.is_some_and(|t| t.elapsed() < Self::EVERY) {
            return;
        }
        self.last = Some(Instant::now());
        self.shown = true;
        let _ = write!(
            err,
            "\r\x1b[2Kchecked {} names ({} failing)…",
            tally.checked, tally.failing
        );
        let _ = err.flush();
    }

    fn clear(&mut self, err: &mut dyn Write) {
        if self.shown {
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            self.shown = false;
        }
    }
}
