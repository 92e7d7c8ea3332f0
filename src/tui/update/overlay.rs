//! Keys while an overlay is open: help, a prompt, or the write confirmation.

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::backend::crossterm::to_input_request;

use crate::domain::validate::check_server_name;
use crate::tui::cmd::Cmd;
use crate::tui::data::Expected;
use crate::tui::layout;
use crate::tui::panes;
use crate::tui::state::{Level, Overlay, PromptKind, State};

use super::{Handled, checks, done, flow, review, say};

pub fn on_key(state: &mut State, key: KeyEvent) -> Handled {
    match state.overlay.take() {
        None => None,
        // Any key closes help; the key itself does nothing else.
        Some(Overlay::Help) => done(),
        Some(Overlay::Prompt(mut prompt)) => match key.code {
            KeyCode::Esc => done(),
            KeyCode::Enter => {
                let value = prompt.input.value().to_string();
                match submit(state, prompt.kind, &value) {
                    Ok(cmds) => Some(cmds),
                    Err(e) => {
                        prompt.error = Some(e);
                        state.overlay = Some(Overlay::Prompt(prompt));
                        done()
                    }
                }
            }
            _ => {
                let changed = to_input_request(&Event::Key(key))
                    .and_then(|r| prompt.input.handle(r))
                    .is_some();
                if changed {
                    prompt.error = None;
                }
                state.overlay = Some(Overlay::Prompt(prompt));
                changed.then(Vec::new)
            }
        },
        Some(Overlay::ConfirmWrite {
            preview,
            plan,
            scroll,
        }) => match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => {
                say(
                    state,
                    Level::Info,
                    format!("Writing {}…", preview.path.display()),
                );
                Some(vec![Cmd::WriteConfig { plan, preview }])
            }
            KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc | KeyCode::Char('q') => {
                say(state, Level::Info, "Nothing was written.");
                done()
            }
            code => {
                let area = layout::confirm_text(state);
                let rows = panes::diff_lines(&preview.diff, area.width, false).len();
                let max = u16::try_from(rows.saturating_sub(usize::from(area.height)))
                    .unwrap_or(u16::MAX);
                let next = flow::scroll_key(code, scroll, area.height, max);
                state.overlay = Some(Overlay::ConfirmWrite {
                    preview,
                    plan,
                    scroll: next.unwrap_or(scroll),
                });
                next.filter(|n| *n != scroll).map(|_| Vec::new())
            }
        },
    }
}

fn submit(state: &mut State, kind: PromptKind, value: &str) -> Result<Vec<Cmd>, String> {
    match kind {
        PromptKind::SaveDir | PromptKind::ConfigPath => review::submit_prompt(state, kind, value),
        PromptKind::ExportBase => checks::submit_export(state, value),
        PromptKind::CheckServerName => {
            let name = check_server_name(value)?;
            let expected = match state.plan() {
                Some(plan) if plan.server_name == name => Expected::Plan(Box::new(plan)),
                _ => Expected::Nothing,
            };
            Ok(flow::open_checks(state, name, expected))
        }
    }
}
