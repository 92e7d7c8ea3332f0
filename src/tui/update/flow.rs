//! Moving between steps: forward only past valid answers, back always
//! (keeping every answer), and back to review after an edit.

use crate::domain::{Deployment, Field, ServerName};
use crate::tui::cmd::Cmd;
use crate::tui::data::Expected;
use crate::tui::layout;
use crate::tui::panes;
use crate::tui::state::feedback::blocking_errors;
use crate::tui::state::{
    DeployRow, Level, Overlay, PreviewState, State, Step, review::ReviewState,
};

use super::{say, say_then};

/// Enter on `step`: on to the next step, or to review after an edit; when
/// an answer is refused, stay and point at it.
pub(super) fn advance(state: &mut State, step: Step) -> Vec<Cmd> {
    let errors = blocking_errors(state, step);
    if let Some(first) = errors.first() {
        let (field, message) = (first.field, first.message.clone());
        mark_submitted(state, step);
        let at = Step::of_field(field);
        if at == step {
            focus(state, field);
            say(state, Level::Error, format!("{}: {message}", field.label()));
        } else {
            say_then(
                state,
                Level::Error,
                format!("{}: {message}", field.label()),
                format!(
                    "It is answered on step {} {}: Esc goes back there.",
                    at.number(),
                    at.title()
                ),
            );
        }
        return Vec::new();
    }
    if state.return_to_review {
        return enter_review(state);
    }
    match step {
        Step::Welcome => go(state, Step::Names),
        Step::Names => go(state, Step::Strategy),
        Step::Strategy => go(state, Step::Deployment),
        Step::Deployment => return enter_review(state),
        Step::Demo | Step::Review | Step::Checks => {}
    }
    Vec::new()
}

fn mark_submitted(state: &mut State, step: Step) {
    if step >= Step::Names {
        state.names.submitted = true;
    }
    if step >= Step::Deployment {
        state.deploy.submitted = true;
    }
}

fn focus(state: &mut State, field: Field) {
    match Step::of_field(field) {
        Step::Names => state.names.focus_field(field),
        Step::Deployment => {
            if let Some(i) = DeployRow::index_of(field) {
                state.deploy.focus = i;
            }
        }
        _ => {}
    }
}

pub(super) fn go(state: &mut State, step: Step) {
    state.step = step;
    if step == Step::Strategy {
        state.strategy_problem = None;
    }
}

/// Validates everything and opens the review; a refused answer sends the
/// operator to its step instead.
pub(super) fn enter_review(state: &mut State) -> Vec<Cmd> {
    let errors = blocking_errors(state, Step::Deployment);
    if let Some(first) = errors.first() {
        let at = Step::of_field(first.field);
        let text = format!("{}: {}", first.field.label(), first.message);
        mark_submitted(state, at);
        focus(state, first.field);
        state.return_to_review = true;
        go(state, at);
        say(state, Level::Error, text);
        return Vec::new();
    }
    let Some(plan) = state.plan() else {
        return Vec::new();
    };
    let old_tab = state.review.tab;
    let mut review = ReviewState {
        artifacts: crate::generate::artifacts(&plan),
        plan: Some(plan.clone()),
        ..ReviewState::default()
    };
    let mut cmds = Vec::new();
    if let (Deployment::ConfigFile, Some(info)) = (plan.deployment, state.config.found()) {
        review.preview = PreviewState::Pending;
        cmds.push(Cmd::PreviewConfigWrite {
            path: info.path.clone(),
            plan: Box::new(plan),
        });
    }
    review.tab = old_tab.min(review.tab_count().saturating_sub(1));
    state.review = review;
    state.return_to_review = false;
    go(state, Step::Review);
    cmds
}

/// Esc: one step back, every answer kept.
pub(super) fn back(state: &mut State) -> Vec<Cmd> {
    let mut cmds = Vec::new();
    let to = match state.step {
        Step::Demo | Step::Welcome => return cmds,
        // `demo` has no welcome screen: back to the picker.
        Step::Names if state.demo.is_some() => Step::Demo,
        Step::Names => Step::Welcome,
        Step::Strategy if state.learning => {
            state.learning = false;
            Step::Welcome
        }
        Step::Strategy => Step::Names,
        Step::Deployment => Step::Strategy,
        Step::Review => Step::Deployment,
        Step::Checks => {
            cmds = leave_checks(state);
            if state.review.plan.is_some() {
                Step::Review
            } else if state.demo.is_some() {
                Step::Demo
            } else {
                Step::Welcome
            }
        }
    };
    go(state, to);
    cmds
}

/// Stops the run and the watch timer when the checks screen is left.
pub(super) fn leave_checks(state: &mut State) -> Vec<Cmd> {
    state.checks.watch.on = false;
    state.checks.watch.token += 1;
    state.checks.expanded = false;
    state.checks.cancel()
}

/// Opens the checks screen for `name` and starts a run.
pub(super) fn open_checks(state: &mut State, name: ServerName, expected: Expected) -> Vec<Cmd> {
    if state.checks.target.as_ref() != Some(&name) {
        // Another server: what changed since "last time" means nothing.
        state.checks.last_complete = None;
        state.checks.selected = None;
    }
    state.checks.target = Some(name);
    state.checks.expected = expected;
    state.checks.expanded = false;
    go(state, Step::Checks);
    state.checks.start_run()
}

/// Keeps every scroll offset inside its content (after a resize, a new
/// tab, a new strategy).
pub(super) fn clamp_scrolls(state: &mut State) {
    state.lesson_scroll = state.lesson_scroll.min(max_lesson_scroll(state));
    state.review.scroll = state.review.scroll.min(max_review_scroll(state));
    state.checks.detail_scroll = state.checks.detail_scroll.min(max_detail_scroll(state));
    let area = layout::confirm(layout::screen(state)).1;
    if let Some(Overlay::ConfirmWrite {
        preview, scroll, ..
    }) = &mut state.overlay
    {
        let rows = panes::diff_lines(&preview.diff, area.width, false).len();
        *scroll = (*scroll).min(limit(rows, area.height));
    }
}

fn limit(rows: usize, viewport: u16) -> u16 {
    u16::try_from(rows.saturating_sub(usize::from(viewport))).unwrap_or(u16::MAX)
}

pub(super) fn max_lesson_scroll(state: &State) -> u16 {
    let area = layout::lesson_text(state);
    limit(panes::lesson_lines(state, area.width).len(), area.height)
}

pub(super) fn max_review_scroll(state: &State) -> u16 {
    let area = layout::review_text(state);
    limit(panes::tab_lines(state, area.width).len(), area.height)
}

pub(super) fn max_detail_scroll(state: &State) -> u16 {
    let area = layout::details_text(state);
    limit(panes::detail_lines(state, area.width).len(), area.height)
}

/// How a pane scrolls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scroll {
    LineUp,
    LineDown,
    PageUp,
    PageDown,
    Top,
    Bottom,
}

/// `offset` scrolled by `by` in a pane of `page` rows, at most `max`.
pub(super) fn scrolled(by: Scroll, offset: u16, page: u16, max: u16) -> u16 {
    let page = page.saturating_sub(1).max(1);
    let next = match by {
        Scroll::LineUp => offset.saturating_sub(1),
        Scroll::LineDown => offset.saturating_add(1),
        Scroll::PageUp => offset.saturating_sub(page),
        Scroll::PageDown => offset.saturating_add(page),
        Scroll::Top => 0,
        Scroll::Bottom => max,
    };
    next.min(max)
}
