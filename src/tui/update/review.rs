//! The review step: tabs, scrolling, and the write / save / copy actions
//! with the answers that come back from the runtime.

use std::path::PathBuf;

use tui_input::Input;

use crate::domain::{Deployment, Plan};
use crate::selfcheck::Expected as SelfCheckExpected;
use crate::tui::cmd::Cmd;
use crate::tui::data::{ConfigPreview, ConfigStatus, Expected, SavedFiles, WriteOutcome};
use crate::tui::keys::ReviewAction;
use crate::tui::layout;
use crate::tui::state::{
    Level, Overlay, PreviewState, Prompt, PromptKind, SelfCheckDialog, State, Step,
};

use super::flow::{self, Scroll};
use super::{Handled, done, say, say_then};

pub(super) fn on_action(state: &mut State, action: ReviewAction) -> Handled {
    match action {
        ReviewAction::NextTab => {
            let tabs = state.review.tab_count().max(1);
            state.review.tab = (state.review.tab + 1) % tabs;
            state.review.scroll = 0;
        }
        ReviewAction::PreviousTab => {
            let tabs = state.review.tab_count().max(1);
            state.review.tab = (state.review.tab + tabs - 1) % tabs;
            state.review.scroll = 0;
        }
        ReviewAction::WriteConfig => return Some(write(state)),
        ReviewAction::Install => return super::install::on_key(state),
        ReviewAction::SaveAll => save(state),
        ReviewAction::CopyTab => return copy(state),
        ReviewAction::OpenChecks => {
            let plan = state.review.plan.clone()?;
            let name = plan.server_name.clone();
            return Some(flow::open_checks(
                state,
                name,
                Expected::Plan(Box::new(plan)),
            ));
        }
        ReviewAction::EditNames => edit_step(state, Step::Names),
        ReviewAction::EditStrategy => edit_step(state, Step::Strategy),
        ReviewAction::EditDeployment => edit_step(state, Step::Deployment),
        ReviewAction::OtherConfig => {
            let current = state
                .config
                .found()
                .map(|c| c.path.display().to_string())
                .unwrap_or_default();
            open_prompt(state, PromptKind::ConfigPath, current);
        }
        ReviewAction::Back => return Some(flow::back(state)),
        ReviewAction::LineUp => return scroll(state, Scroll::LineUp),
        ReviewAction::LineDown => return scroll(state, Scroll::LineDown),
        ReviewAction::PageUp => return scroll(state, Scroll::PageUp),
        ReviewAction::PageDown => return scroll(state, Scroll::PageDown),
        ReviewAction::Top => return scroll(state, Scroll::Top),
        ReviewAction::Bottom => return scroll(state, Scroll::Bottom),
    }
    done()
}

/// `1` `2` `3`: edit a step; Enter there comes back here.
fn edit_step(state: &mut State, step: Step) {
    state.return_to_review = true;
    flow::go(state, step);
}

/// Scrolls the current tab's text.
fn scroll(state: &mut State, by: Scroll) -> Handled {
    let page = layout::review_text(state).height;
    let max = flow::max_review_scroll(state);
    let next = flow::scrolled(by, state.review.scroll, page, max);
    if next == state.review.scroll {
        return None;
    }
    state.review.scroll = next;
    done()
}

fn open_prompt(state: &mut State, kind: PromptKind, value: String) {
    state.overlay = Some(Overlay::Prompt(Prompt {
        kind,
        input: Input::new(value),
        error: None,
    }));
}

/// `w`: show the diff and confirm; find out the config path first if needed.
fn write(state: &mut State) -> Vec<Cmd> {
    let Some(plan) = state.review.plan.clone() else {
        return Vec::new();
    };
    if plan.deployment == Deployment::Docker {
        say_then(
            state,
            Level::Info,
            "With Docker the settings live in the container's environment: nothing to write \
             here. The proxy reaches the homeserver by its Compose service name (e.g. \
             continuwuity:8008), not 127.0.0.1.",
            "Copy that tab (c) or save all files (s).",
        );
        return Vec::new();
    }
    let Some(info) = state.config.found() else {
        open_prompt(state, PromptKind::ConfigPath, String::new());
        return Vec::new();
    };
    let path = info.path.clone();
    match state.review.preview.clone() {
        PreviewState::Ready(preview) => confirm(state, plan, preview),
        PreviewState::Pending => {
            state.review.write_requested = true;
            say(
                state,
                Level::Info,
                "Still computing the diff; it opens when ready.",
            );
        }
        PreviewState::Failed(e) => say(state, Level::Error, format!("Cannot write: {e}")),
        PreviewState::NotApplicable => {
            state.review.preview = PreviewState::Pending;
            state.review.write_requested = true;
            return vec![Cmd::PreviewConfigWrite {
                path,
                plan: Box::new(plan),
            }];
        }
    }
    Vec::new()
}

fn confirm(state: &mut State, plan: Plan, preview: ConfigPreview) {
    if preview.changes_anything() {
        state.overlay = Some(Overlay::ConfirmWrite {
            preview,
            plan: Box::new(plan),
            scroll: 0,
        });
    } else {
        say(
            state,
            Level::Ok,
            format!(
                "{} is already up to date: nothing to write.",
                preview.path.display()
            ),
        );
    }
}

fn save(state: &mut State) {
    if state.review.artifacts.is_empty() {
        say(
            state,
            Level::Error,
            "This build generated no files to save.",
        );
        return;
    }
    let name = state
        .review
        .plan
        .as_ref()
        .map(|p| file_safe(p.server_name.as_str()))
        .unwrap_or_default();
    open_prompt(
        state,
        PromptKind::SaveDir,
        format!("matrix-delegate-{name}"),
    );
}

/// A server name as part of a file name (`[::1]:8448` → `__1__8448`).
pub(super) fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn copy(state: &mut State) -> Handled {
    let tabs = state.review.tabs();
    let tab = tabs.get(state.review.tab)?;
    let cmd = Cmd::CopyToClipboard {
        label: tab.title.to_string(),
        text: tab.text.to_string(),
    };
    Some(vec![cmd])
}

pub(super) fn on_config_loaded(state: &mut State, status: ConfigStatus) -> Handled {
    // A path that led nowhere does not stick: the file read before (if
    // any) stays, and `w` or `o` asks again.
    if matches!(status, ConfigStatus::Found(_)) {
        state.config = status.clone();
    }
    let mut cmds = Vec::new();
    match status {
        ConfigStatus::Found(info) => {
            let chosen = state
                .review
                .plan
                .as_ref()
                .map(|p| p.server_name.to_string());
            if let (Some(existing), Some(chosen)) = (&info.server_name, &chosen)
                && existing != chosen
            {
                say(
                    state,
                    Level::Warn,
                    format!(
                        "{} has server_name = \"{existing}\", not {chosen}: server_name cannot \
                         change without wiping the database",
                        info.path.display()
                    ),
                );
            }
            if state.step == Step::Review
                && let Some(plan) = state.review.plan.clone()
                && plan.deployment == Deployment::ConfigFile
            {
                state.review.preview = PreviewState::Pending;
                cmds.push(Cmd::PreviewConfigWrite {
                    path: info.path,
                    plan: Box::new(plan),
                });
            }
        }
        ConfigStatus::NotFound => {
            state.review.write_requested = false;
            say_then(
                state,
                Level::Error,
                "No config file there; nothing was written.",
                "Press w (or o) to type another path.",
            );
        }
        ConfigStatus::Problem(e) => {
            state.review.write_requested = false;
            say_then(
                state,
                Level::Error,
                e,
                "Press w (or o) to type another path.",
            );
        }
    }
    Some(cmds)
}

pub(super) fn on_preview(
    state: &mut State,
    plan: Plan,
    result: Result<ConfigPreview, String>,
) -> Handled {
    if state.review.plan.as_ref() != Some(&plan) || state.review.preview != PreviewState::Pending {
        return None; // for answers that have changed since
    }
    let requested = std::mem::take(&mut state.review.write_requested);
    match result {
        Ok(preview) => {
            state.review.preview = PreviewState::Ready(preview.clone());
            if requested {
                confirm(state, plan, preview);
            }
        }
        Err(e) => {
            if requested {
                say(state, Level::Error, format!("Cannot write: {e}"));
            }
            state.review.preview = PreviewState::Failed(e);
        }
    }
    flow::clamp_scrolls(state);
    done()
}

pub(super) fn on_written(state: &mut State, result: Result<WriteOutcome, String>) -> Handled {
    let mut cmds = Vec::new();
    let path = match result {
        Ok(outcome) => {
            let backup = outcome
                .backup
                .map(|b| format!(" (backup: {})", b.display()))
                .unwrap_or_default();
            let (level, warning) = match outcome.warning {
                Some(w) => (Level::Warn, format!(" Warning: {w}.")),
                None => (Level::Ok, String::new()),
            };
            let wrote = format!("Wrote {}{backup}.{warning}", outcome.path.display());
            say_then(
                state,
                level,
                wrote.clone(),
                "Next: restart the homeserver, then Enter runs the checks.",
            );
            // The homeserver reads its config file only when it starts:
            // ask it locally whether it serves what was written before any
            // public check could blame DNS, the proxy or a cache.
            if let Some(plan) = &state.review.plan {
                let expected = SelfCheckExpected::from_section(&plan.well_known_section());
                // The dialog says what was written; nothing under it.
                state.status = None;
                state.overlay = Some(Overlay::SelfCheck(SelfCheckDialog {
                    config: outcome.path.clone(),
                    wrote,
                    wrote_level: level,
                    expected: expected.clone(),
                    asking: true,
                    answer: None,
                }));
                cmds.push(Cmd::SelfCheck {
                    config: outcome.path.clone(),
                    expected,
                });
            }
            Some(outcome.path)
        }
        Err(e) => {
            say(state, Level::Error, format!("Nothing was written: {e}"));
            state.config.found().map(|info| info.path.clone())
        }
    };
    // Written: the diff tab should now say that nothing is left to change.
    // Refused: the file may have changed; show what writing would do now.
    if let (Some(path), Some(plan)) = (path, state.review.plan.clone())
        && plan.deployment == Deployment::ConfigFile
    {
        state.review.preview = PreviewState::Pending;
        cmds.push(Cmd::PreviewConfigWrite {
            path,
            plan: Box::new(plan),
        });
    }
    Some(cmds)
}

pub(super) fn on_saved(state: &mut State, result: Result<SavedFiles, String>) -> Handled {
    match result {
        Ok(saved) => say_then(
            state,
            Level::Ok,
            format!(
                "Saved {} files in {}",
                saved.files.len(),
                saved.dir.display()
            ),
            "Next: follow NEXT-STEPS.txt in that folder, then Enter runs the checks.",
        ),
        Err(e) => say(state, Level::Error, format!("Not saved: {e}")),
    }
    done()
}

pub(super) fn on_copied(
    state: &mut State,
    label: String,
    result: Result<usize, String>,
) -> Handled {
    match result {
        Ok(bytes) => say_then(
            state,
            Level::Ok,
            format!("Sent “{label}” ({bytes} bytes) to the clipboard with OSC 52."),
            "If nothing arrives, your terminal does not allow clipboard access: save the \
             files with s instead.",
        ),
        Err(e) => say(state, Level::Error, format!("Not copied: {e}")),
    }
    done()
}

/// The prompt answers that belong to the review step.
pub(super) fn submit_prompt(
    state: &mut State,
    kind: PromptKind,
    value: &str,
) -> Result<Vec<Cmd>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Err("type a path".into());
    }
    let path = PathBuf::from(value);
    match kind {
        PromptKind::SaveDir => Ok(vec![Cmd::SaveArtifacts {
            dir: path,
            artifacts: state.review.artifacts.clone(),
        }]),
        PromptKind::ConfigPath => {
            state.review.write_requested = true;
            say(state, Level::Info, format!("Reading {}…", path.display()));
            Ok(vec![Cmd::LoadConfig { path }])
        }
        _ => Ok(Vec::new()),
    }
}
