//! The strategy step (also the "learn the options" path).

use crate::domain::Strategy;
use crate::tui::keys::StrategyAction;
use crate::tui::layout;
use crate::tui::state::feedback::blocking_errors;
use crate::tui::state::{State, Step};

use super::flow::{self, Scroll};
use super::{Handled, done};

pub(super) fn on_action(state: &mut State, action: StrategyAction) -> Handled {
    let n = Strategy::ALL.len();
    match action {
        StrategyAction::Previous => select(state, (state.strategy_choice + n - 1) % n),
        StrategyAction::Next => select(state, (state.strategy_choice + 1) % n),
        StrategyAction::Back => return Some(flow::back(state)),
        StrategyAction::Advance if state.learning => {
            // "Set up with this one": the choice is kept for the set-up.
            state.learning = false;
            flow::go(state, Step::Names);
        }
        StrategyAction::Advance => {
            let errors = blocking_errors(state, Step::Strategy);
            if errors.is_empty() {
                state.strategy_problem = None;
                return Some(flow::advance(state, Step::Strategy));
            }
            let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            state.strategy_problem = Some(text.join("; "));
        }
        StrategyAction::PageUp => return scroll(state, Scroll::PageUp),
        StrategyAction::PageDown => return scroll(state, Scroll::PageDown),
        StrategyAction::Top => return scroll(state, Scroll::Top),
        StrategyAction::Bottom => return scroll(state, Scroll::Bottom),
    }
    done()
}

/// Scrolls the teaching panel.
fn scroll(state: &mut State, by: Scroll) -> Handled {
    let page = layout::lesson_text(state).height;
    let max = flow::max_lesson_scroll(state);
    let next = flow::scrolled(by, state.lesson_scroll, page, max);
    if next == state.lesson_scroll {
        return None;
    }
    state.lesson_scroll = next;
    done()
}

fn select(state: &mut State, choice: usize) {
    state.strategy_choice = choice;
    state.lesson_scroll = 0;
    state.strategy_problem = None;
}
