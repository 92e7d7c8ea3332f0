//! End to end: `matrix-delegate demo` in a real terminal (tmux, 80×24),
//! with no network but loopback: pick the client file without CORS, jump
//! to the checks, see the failure and, expanded, its remedy; quit; the
//! terminal is restored. Also `check --tui --sim`. Polls the screen in
//! bounded loops; never waits a fixed time.

use crate::support::tmux::Tmux;

#[test]
fn demo_shows_a_broken_deployment_s_failure_and_remedy_and_restores_the_terminal() {
    let Some(tmux) = Tmux::start("demo") else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_matrix-delegate");
    tmux.text(&format!("echo BEFORE; {bin} demo; echo EXIT=$?"));
    tmux.keys(&["Enter"]);
    tmux.wait_for("the picker", |t, s| {
        s.contains("pick a simulated deployment")
            && s.contains("Client file without CORS")
            && s.contains("c checks now")
            && t.alternate_screen()
    });
    // Down to "Client file without CORS" (the fourth row).
    tmux.keys(&["Down", "Down", "Down"]);
    tmux.wait_for("the CORS deployment highlighted", |_, s| {
        s.contains("▶ ✘ broken  Client file without CORS") && s.contains("client-without-cors")
    });
    tmux.keys(&["c"]);
    let checks = tmux.wait_for("the finished checks with the failure", |_, s| {
        s.contains("DEMO: client-without-cors")
            && s.contains("Checks for example.com")
            && s.contains("fix: client.cors · 11 pass 2 warn 1 FAIL")
            && s.contains("✘ FAIL  cors")
            && s.contains("✘ FAIL client.cors")
            && s.contains("run 1 took")
            && !s.contains("running")
    });
    assert!(checks.contains("Client discovery — verdict OK"), "{checks}");
    // Enter expands the selected (failing) row; the remedy is further down.
    tmux.keys(&["Enter"]);
    tmux.wait_for("the expanded details", |_, s| s.contains("Esc collapse"));
    // The remedy comes before the evidence: no scrolling needed.
    tmux.wait_for("the remedy", |_, s| {
        s.contains("Remedy:") && s.contains("Access-Control-Allow-Origin")
    });
    // p goes straight back to the picker, whatever the screen.
    tmux.keys(&["p"]);
    tmux.wait_for("the picker again", |_, s| {
        s.contains("pick a simulated deployment")
    });
    tmux.quit_and_check_restored("EXIT", "40+2");
}

#[test]
fn check_tui_opens_straight_into_the_checks_screen() {
    let Some(tmux) = Tmux::start("checktui") else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_matrix-delegate");
    tmux.text(&format!(
        "echo BEFORE; {bin} check example.com --tui --sim m-server-without-port \
         --expect-server matrix.example.com:443; echo CODE=$?"
    ));
    tmux.keys(&["Enter"]);
    let shown = tmux.wait_for("the finished checks", |t, s| {
        s.contains("checks for example.com")
            && s.contains("run 1 took")
            && !s.contains("running")
            && s.contains("FAIL")
            && t.alternate_screen()
    });
    // --expect-server is the intent: the first failure compares with it.
    assert!(
        shown.contains("✘ FAIL server.well-known")
            && shown.contains("(port missing), but the expected value you"),
        "{shown}"
    );
    tmux.keys(&["r"]);
    tmux.wait_for("the second run", |_, s| {
        s.contains("run 2 took") && !s.contains("running")
    });
    tmux.quit_and_check_restored("CODE", "50+5");
}
