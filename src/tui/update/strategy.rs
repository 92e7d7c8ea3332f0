//! The strategy step (also the "learn the options" path).

use crossterm::event::{KeyCode, KeyEvent};

use crate::domain::Strategy;
use crate::tui::layout;
use crate::tui::state::feedback::blocking_errors;
use crate::tui::state::{State, Step};

use super::{Handled, done, flow};

pub fn on_key(state: &mut State, key: KeyEvent) -> Handled {
    let n = Strategy::ALL.len();
    match key.code {
        KeyCode::Up | KeyCode::Char('k') => select(state, (state.strategy_choice + n - 1) % n),
        KeyCode::Down | KeyCode::Char('j') => select(state, (state.strategy_choice + 1) % n),
        KeyCode::Esc => return Some(flow::back(state)),
        KeyCode::Enter if state.learning => {
            // "Set up with this one": the choice is kept for the set-up.
            state.learning = false;
            flow::go(state, Step::Names);
        }
        KeyCode::Enter => {
            let errors = blocking_errors(state, Step::Strategy);
            if errors.is_empty() {
                state.strategy_problem = None;
                return Some(flow::advance(state, Step::Strategy));
            }
            let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            state.strategy_problem = Some(text.join("; "));
        }
        code => {
            let page = layout::lesson_text(state).height;
            let max = flow::max_lesson_scroll(state);
            let next = flow::scroll_key(code, state.lesson_scroll, page, max)?;
            if next == state.lesson_scroll {
                return None;
            }
            state.lesson_scroll = next;
        }
    }
    done()
}

fn select(state: &mut State, choice: usize) {
    state.strategy_choice = choice;
    state.lesson_scroll = 0;
    state.strategy_problem = None;
}
