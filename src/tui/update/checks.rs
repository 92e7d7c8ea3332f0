//! The checks screen: streamed events (stale ones dropped by run id),
//! selection, re-run, watch mode and export.

use std::time::{Duration, Instant};

use crate::check::model::{CheckEvent, RunId};
use crate::tui::cmd::Cmd;
use crate::tui::keys::ChecksAction;
use crate::tui::layout;
use crate::tui::state::checks::WATCH_STEPS;
use crate::tui::state::{Level, Overlay, Prompt, PromptKind, RunPhase, State, Step};

use super::flow::{self, Scroll};
use super::{Handled, done, review::file_safe, say};

pub(super) fn on_action(state: &mut State, action: ChecksAction) -> Handled {
    match action {
        ChecksAction::Previous => select(state, -1),
        ChecksAction::Next => select(state, 1),
        ChecksAction::First => select(state, i32::MIN),
        ChecksAction::Last => select(state, i32::MAX),
        ChecksAction::ToggleDetails => {
            state.checks.expanded = !state.checks.expanded;
            state.checks.detail_scroll = 0;
            done()
        }
        ChecksAction::CollapseDetails | ChecksAction::Back if state.checks.expanded => {
            state.checks.expanded = false;
            state.checks.detail_scroll = 0;
            done()
        }
        ChecksAction::CollapseDetails => None,
        ChecksAction::Back => Some(flow::back(state)),
        ChecksAction::Picker if state.demo.is_some() => {
            let cmds = flow::leave_checks(state);
            flow::go(state, Step::Demo);
            Some(cmds)
        }
        ChecksAction::Picker => None,
        ChecksAction::Rerun => Some(state.checks.start_run()),
        ChecksAction::ToggleWatch => Some(toggle_watch(state)),
        ChecksAction::WatchLonger => Some(change_interval(state, true)),
        ChecksAction::WatchShorter => Some(change_interval(state, false)),
        ChecksAction::Export => export(state),
        ChecksAction::PageUp => scroll(state, Scroll::PageUp),
        ChecksAction::PageDown => scroll(state, Scroll::PageDown),
    }
}

/// Scrolls the details pane.
fn scroll(state: &mut State, by: Scroll) -> Handled {
    let page = layout::details_text(state).height;
    let max = flow::max_detail_scroll(state);
    let next = flow::scrolled(by, state.checks.detail_scroll, page, max);
    if next == state.checks.detail_scroll {
        return None;
    }
    state.checks.detail_scroll = next;
    done()
}

/// Moves the selection by `delta` rows (saturating at both ends).
fn select(state: &mut State, delta: i32) -> Handled {
    let checks = &mut state.checks;
    let rows = checks.rows();
    if rows.is_empty() {
        return None;
    }
    let current = checks.focus_index(&rows).unwrap_or(0);
    let last = rows.len() - 1;
    let next = match delta {
        i32::MIN => 0,
        i32::MAX => last,
        d if d < 0 => current.saturating_sub(1),
        _ => (current + 1).min(last),
    };
    let key = rows[next].key();
    if checks.selected.as_ref() == Some(&key) {
        return None;
    }
    checks.selected = Some(key);
    checks.detail_scroll = 0;
    done()
}

fn toggle_watch(state: &mut State) -> Vec<Cmd> {
    let watch = &mut state.checks.watch;
    watch.on = !watch.on;
    watch.token += 1; // a timer already in flight is now stale
    let every = watch.every.as_secs();
    if !watch.on {
        say(state, Level::Info, "Watch off.");
        return Vec::new();
    }
    say(
        state,
        Level::Info,
        format!("Watching: a new run {every} s after each run ends (+ / - change the interval)."),
    );
    schedule_if_idle(state)
}

fn change_interval(state: &mut State, longer: bool) -> Vec<Cmd> {
    let watch = &mut state.checks.watch;
    let now = watch.every.as_secs();
    let next = if longer {
        WATCH_STEPS
            .iter()
            .copied()
            .find(|s| *s > now)
            .unwrap_or(now)
    } else {
        WATCH_STEPS
            .iter()
            .rev()
            .copied()
            .find(|s| *s < now)
            .unwrap_or(now)
    };
    watch.every = Duration::from_secs(next);
    if !watch.on {
        say(
            state,
            Level::Info,
            format!("Watch interval: {next} s (w starts watching)."),
        );
        return Vec::new();
    }
    watch.token += 1;
    say(state, Level::Info, format!("Watching every {next} s."));
    schedule_if_idle(state)
}

fn schedule_if_idle(state: &mut State) -> Vec<Cmd> {
    if state.checks.phase == RunPhase::Running {
        return Vec::new(); // scheduled when the run ends
    }
    // A key carries no clock reading: the latest one is near enough.
    state.checks.watch.scheduled_at = state.checks.now.or(state.checks.ended);
    let watch = &state.checks.watch;
    vec![Cmd::ScheduleRerun {
        token: watch.token,
        after: watch.every,
    }]
}

/// `e`: only a finished run is exported; a partial report would claim
/// "nothing failed" about checks that never ran.
fn export(state: &mut State) -> Handled {
    let checks = &state.checks;
    let refusal = match checks.phase {
        RunPhase::Done => None,
        RunPhase::Running => Some(format!(
            "Nothing to export yet: run {} is still going; e works once it is done.",
            checks.shown_run(checks.run)
        )),
        RunPhase::Cancelled => Some(format!(
            "Nothing to export: run {} was cancelled before it finished (r runs the checks again).",
            checks.shown_run(checks.run)
        )),
        RunPhase::Failed => Some(format!(
            "Nothing to export: run {} could not run (r tries again).",
            checks.shown_run(checks.run)
        )),
        RunPhase::NotStarted => Some("Nothing to export: no run yet (r runs the checks).".into()),
    };
    if let Some(text) = refusal {
        say(state, Level::Error, text);
        return done();
    }
    let name = state
        .checks
        .target
        .as_ref()
        .map(|t| file_safe(t.as_str()))
        .unwrap_or_default();
    let value = format!(
        "matrix-delegate-report-{name}-run{}",
        state.checks.shown_run(state.checks.run)
    );
    state.overlay = Some(Overlay::Prompt(Prompt {
        kind: PromptKind::ExportBase,
        input: tui_input::Input::new(value),
        error: None,
    }));
    done()
}

pub(super) fn submit_export(state: &mut State, value: &str) -> Result<Vec<Cmd>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Err("type a file name (without .md / .json)".into());
    }
    Ok(vec![Cmd::ExportReport {
        base: value.into(),
        report: state.checks.report().clone(),
    }])
}

pub(super) fn on_event(state: &mut State, event: CheckEvent, at: Instant) -> Handled {
    let finished = matches!(event, CheckEvent::Done { .. });
    if state.step != Step::Checks || !state.checks.apply(event, at) {
        return None; // stale: another run, or a run no longer shown
    }
    if finished && state.checks.watch.on {
        state.checks.watch.scheduled_at = Some(at);
        let watch = &state.checks.watch;
        return Some(vec![Cmd::ScheduleRerun {
            token: watch.token,
            after: watch.every,
        }]);
    }
    done()
}

/// A clock reading: turns the spinner while a run goes; between runs (a DNS
/// cache wait, watch mode's next run) redraws only when a countdown changes.
pub(super) fn on_tick(state: &mut State, now: Instant) -> Handled {
    if !state.wants_ticks() {
        return None;
    }
    let checks = &mut state.checks;
    if checks.phase == RunPhase::Running {
        checks.now = Some(now);
        checks.spinner = checks.spinner.wrapping_add(1);
        return done();
    }
    let shown = |c: &crate::tui::state::ChecksState| {
        (c.dns_wait_words(), c.next_run_in().map(|d| d.as_secs()))
    };
    let before = shown(&state.checks);
    state.checks.now = Some(now);
    if shown(&state.checks) == before {
        return None;
    }
    done()
}

pub(super) fn on_failed(state: &mut State, run: RunId, reason: String) -> Handled {
    let checks = &mut state.checks;
    if run != checks.run || checks.phase != RunPhase::Running {
        return None;
    }
    checks.fail(reason);
    done()
}

pub(super) fn on_watch_due(state: &mut State, token: u64) -> Handled {
    let checks = &state.checks;
    let due = state.step == Step::Checks
        && checks.watch.on
        && checks.watch.token == token
        && checks.phase != RunPhase::Running;
    if !due {
        return None;
    }
    Some(state.checks.start_run())
}

pub(super) fn on_exported(
    state: &mut State,
    result: Result<Vec<std::path::PathBuf>, String>,
) -> Handled {
    match result {
        Ok(files) => {
            let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
            say(
                state,
                Level::Ok,
                format!("Exported {}", names.join(" and ")),
            );
        }
        Err(e) => say(state, Level::Error, format!("Not exported: {e}")),
    }
    done()
}
