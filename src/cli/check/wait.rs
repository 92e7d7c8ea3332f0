//! `matrix-delegate check NAME --wait`: the checks again and again until
//! nothing fails or `--max-wait` runs out — for scripts, and for a DNS or
//! proxy change that is still spreading. Between runs it says only what
//! changed (the same comparison as the wizard's watch mode,
//! [`crate::report::changes`]) and, while resolvers still serve an outdated
//! DNS answer, how long they may go on doing so.
//!
//! The pause between runs starts at `--interval` and grows by half after
//! every run that changed nothing, up to [`MAX_PAUSE`] (or `--interval`
//! when that is longer); a change brings it back to `--interval`. When the
//! outdated DNS answers expire sooner, the next run comes just after they
//! do. Every run gets at most the time left, so the whole wait ends within
//! `--max-wait`.

use std::future::Future;
use std::io::{self, Write};
use std::time::{Duration, Instant};

use crate::check::model::CheckResult;
use crate::probe::Net;
use crate::probe::runner::{CheckRequest, default_deadline, run_to_report_within};
use crate::report::Report;
use crate::report::changes::{RowChange, Snapshot};
use crate::safe_text::printable;
use crate::words;

/// `--max-wait` when not given: long enough for a typical DNS TTL (and a
/// proxy reload) to pass, short enough for a script that must finish.
pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(30 * 60);
/// `--interval` when not given.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(30);
/// The longest pause the backing off reaches (unless `--interval` is
/// longer): a change is noticed within five minutes at the latest.
pub const MAX_PAUSE: Duration = Duration::from_secs(5 * 60);
/// After outdated DNS answers are due to expire, a little longer, so that
/// the next run asks after they have.
const AFTER_DNS_EXPIRY: Duration = Duration::from_secs(2);

/// How a wait goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitSettings {
    pub max_wait: Duration,
    pub interval: Duration,
}

/// How a wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitEnd {
    /// A run in which nothing failed.
    Green,
    /// `--max-wait` ran out with something still failing.
    TimeUp,
    /// Stopped by Ctrl-C.
    Interrupted,
}

/// The end of a wait and the last complete report (`None` only when it was
/// interrupted during the first run).
#[derive(Debug)]
pub struct WaitOutcome {
    pub end: WaitEnd,
    pub runs: u64,
    pub last: Option<Report>,
}

/// The pause before the next run: `previous` grown by half when nothing
/// changed (up to the cap), `interval` again after a change; just after
/// the outdated DNS answers expire when that is sooner.
pub fn next_pause(
    interval: Duration,
    previous: Duration,
    changed: bool,
    dns_wait: Option<Duration>,
) -> Duration {
    let cap = MAX_PAUSE.max(interval);
    let pause = if changed {
        interval
    } else {
        previous.mul_f64(1.5).min(cap).max(interval)
    };
    match dns_wait {
        Some(wait) if wait + AFTER_DNS_EXPIRY < pause => wait + AFTER_DNS_EXPIRY,
        _ => pause,
    }
}

/// Runs the checks of `server_name` until nothing fails, `max_wait` runs
/// out or `interrupt` completes, writing a few lines per run to `progress`.
pub async fn wait_until_green(
    net: Net,
    request: CheckRequest,
    settings: WaitSettings,
    interrupt: impl Future<Output = ()>,
    progress: &mut dyn Write,
) -> WaitOutcome {
    tokio::pin!(interrupt);
    let started = Instant::now();
    let mut previous: Option<Snapshot> = None;
    let mut last: Option<Report> = None;
    let mut pause = settings.interval;
    let mut runs = 0;
    loop {
        let left = settings.max_wait.saturating_sub(started.elapsed());
        let run_deadline = default_deadline(net.options().timeout).min(left);
        runs += 1;
        let run_started = Instant::now();
        let report = tokio::select! {
            report = run_to_report_within(net.clone(), request.clone(), runs, run_deadline) => report,
            () = &mut interrupt => {
                return WaitOutcome { end: WaitEnd::Interrupted, runs, last };
            }
        };
        let took = run_started.elapsed();
        let snapshot = Snapshot::of(&report);
        let changes = previous
            .as_ref()
            .map(|before| before.changes(&report))
            .unwrap_or_default();
        let _ = say_run(
            progress,
            runs,
            started.elapsed(),
            &report,
            &changes,
            previous.is_none(),
        );
        let changed = !changes.is_empty();
        let dns_wait = snapshot.dns_wait();
        previous = Some(snapshot);
        let ok = report.ok;
        last = Some(report);
        if ok {
            let _ = writeln!(
                progress,
                "  ✔ nothing fails: green after {} ({})",
                runs_in_words(runs),
                words::duration(started.elapsed().as_secs())
            );
            return WaitOutcome {
                end: WaitEnd::Green,
                runs,
                last,
            };
        }
        pause = if runs == 1 {
            next_pause(settings.interval, settings.interval, true, dns_wait)
        } else {
            next_pause(settings.interval, pause, changed, dns_wait)
        };
        // Another run only when it can finish before --max-wait runs out,
        // going by how long this one took: a run cut short would report
        // its unfinished checks as errors, which is not news.
        let left = settings.max_wait.saturating_sub(started.elapsed());
        let room = left.saturating_sub(expected_run(took));
        if room.is_zero() {
            let _ = writeln!(
                progress,
                "  ✘ still failing when --max-wait ({}) ran out, after {}",
                words::duration(settings.max_wait.as_secs()),
                runs_in_words(runs)
            );
            return WaitOutcome {
                end: WaitEnd::TimeUp,
                runs,
                last,
            };
        }
        let sleep = pause.min(room);
        if let Some(wait) = dns_wait {
            let _ = writeln!(
                progress,
                "  DNS: resolvers may still serve an outdated answer for up to {}",
                words::duration(wait.as_secs().max(1))
            );
        }
        let _ = writeln!(
            progress,
            "  next run in {} (gives up in {})",
            words::duration(sleep.as_secs().max(1)),
            words::duration(left.as_secs().max(1))
        );
        let _ = progress.flush();
        tokio::select! {
            () = tokio::time::sleep(sleep) => {}
            () = &mut interrupt => {
                return WaitOutcome { end: WaitEnd::Interrupted, runs, last };
            }
        }
    }
}

/// The time to keep for a run that took `took` last time: a quarter more,
/// and half a second, for a network that is a little slower now.
pub fn expected_run(took: Duration) -> Duration {
    took.mul_f64(1.25) + Duration::from_millis(500)
}

fn runs_in_words(runs: u64) -> String {
    if runs == 1 {
        "1 run".to_string()
    } else {
        format!("{runs} runs")
    }
}

/// `run 2 (1 min): 2 changed …`, or for the first run the failing checks.
fn say_run(
    out: &mut dyn Write,
    run: u64,
    elapsed: Duration,
    report: &Report,
    changes: &[RowChange],
    first: bool,
) -> io::Result<()> {
    let at = words::duration(elapsed.as_secs());
    let failing: Vec<&CheckResult> = report
        .checks
        .iter()
        .filter(|r| r.status.is_failure())
        .collect();
    if first {
        if failing.is_empty() {
            writeln!(out, "run 1 ({at}): nothing fails")?;
        } else {
            writeln!(out, "run 1 ({at}): {} failing:", failing.len())?;
            for r in failing {
                writeln!(
                    out,
                    "  {} {}",
                    r.status.glyph(),
                    row_name(r.id.as_str(), r.target.as_deref())
                )?;
            }
        }
        return out.flush();
    }
    if changes.is_empty() {
        writeln!(
            out,
            "run {run} ({at}): nothing changed, {} still failing",
            failing.len()
        )?;
    } else {
        writeln!(out, "run {run} ({at}): {} changed:", changes.len())?;
        for c in changes {
            let name = row_name(c.key.0.as_str(), c.key.1.as_deref());
            let line = match (c.before, c.after) {
                (Some(before), Some(after)) => format!(
                    "{} {name}: {} (was {})",
                    after.glyph(),
                    after.word(),
                    before.word()
                ),
                (None, Some(after)) => format!("{} {name}: {} (new)", after.glyph(), after.word()),
                (Some(before), None) => format!("· {name}: gone (was {})", before.word()),
                (None, None) => continue,
            };
            writeln!(out, "  {line}")?;
        }
    }
    out.flush()
}

/// `server.tls 127.0.0.11:443`: a check and its target, shown safely.
fn row_name(id: &str, target: Option<&str>) -> String {
    match target {
        Some(t) => format!("{id} {}", printable(t)),
        None => id.to_string(),
    }
}

/// Accepts `90`, `90s`, `10m`, `1h`, `1h30m` (seconds when no unit), at
/// least one second.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let explain = || {
        format!(
            "`{}` is not a duration: give seconds (90) or a number with s, m or h (90s, 10m, 1h30m)",
            printable(text)
        )
    };
    let text = text.trim();
    if text.is_empty() {
        return Err(explain());
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    let mut saw_unit_last = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            saw_unit_last = false;
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            _ => return Err(explain()),
        };
        let n: u64 = number.parse().map_err(|_| explain())?;
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(explain)?;
        number.clear();
        saw_unit_last = true;
    }
    if !saw_unit_last {
        // A bare number is seconds, but not after a unit (`1h30` is unclear).
        if total > 0 {
            return Err(explain());
        }
        let n: u64 = number.parse().map_err(|_| explain())?;
        total = n;
    }
    if total == 0 {
        return Err("a duration of at least one second".to_string());
    }
    Ok(Duration::from_secs(total))
}
