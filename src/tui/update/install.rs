//! `i` on the review step: install the proxy configuration the way
//! `matrix-delegate apply` does, diff first. The first `i` asks for a dry
//! run (which file, why, the diff, the proxy's own test on a copy) and
//! shows it in an `install` tab; a second `i` on that tab, once the proxy
//! accepted the change, runs the same flow for real (backup, write, test,
//! reload, undo on failure) and shows its report there.

use crate::tui::cmd::Cmd;
use crate::tui::data::InstallEnd;
use crate::tui::state::{InstallState, Level, State};

use super::{Handled, done, say};

/// `i`: the dry run, or the install once the dry run passed.
pub(super) fn on_key(state: &mut State) -> Handled {
    let plan = state.review.plan.clone()?;
    match &state.review.install {
        InstallState::Previewed { accepted: true, .. } => {
            state.review.install = InstallState::Installing;
            show_install_tab(state);
            say(state, Level::Info, "Installing: write, test, reload…");
            Some(vec![Cmd::InstallProxy {
                plan: Box::new(plan),
                dry_run: false,
            }])
        }
        InstallState::Previewing | InstallState::Installing => None,
        _ => {
            state.review.install = InstallState::Previewing;
            show_install_tab(state);
            Some(vec![Cmd::InstallProxy {
                plan: Box::new(plan),
                dry_run: true,
            }])
        }
    }
}

fn show_install_tab(state: &mut State) {
    state.review.tab = state.review.tab_count().saturating_sub(1);
    state.review.scroll = 0;
}

/// The answer to [`Cmd::InstallProxy`]: the report `apply` printed and
/// whether it succeeded. An answer for another plan is stale.
pub(super) fn on_answer(
    state: &mut State,
    plan: crate::domain::Plan,
    dry_run: bool,
    result: Result<(String, InstallEnd), String>,
) -> Handled {
    if state.review.plan.as_ref() != Some(&plan) {
        return None;
    }
    let (report, end) = match result {
        Ok(answer) => answer,
        Err(e) => (e, InstallEnd::NotDone),
    };
    let ok = end == InstallEnd::Done;
    if dry_run {
        if ok {
            say(
                state,
                Level::Info,
                "Read the install tab; press i again to install (undone if the test or the \
                 reload fails).",
            );
        } else {
            say(
                state,
                Level::Error,
                "Not installable as it stands: the install tab says why. Nothing was written.",
            );
        }
        state.review.install = InstallState::Previewed {
            report,
            accepted: ok,
        };
    } else {
        if ok {
            say(
                state,
                Level::Ok,
                "Installed: the install tab has the report.",
            );
        } else if end == InstallEnd::CertificateStep {
            // Not an error, not finished: the port-80 part is live.
            say(
                state,
                Level::Warn,
                "Only the port-80 part is installed, for certbot: run the certbot command in the \
                 install tab, then press i again to install the rest.",
            );
        } else {
            say(
                state,
                Level::Error,
                "Not installed (every touched file restored): the install tab says why.",
            );
        }
        state.review.install = InstallState::Done {
            report,
            installed: ok,
        };
    }
    show_install_tab(state);
    done()
}
