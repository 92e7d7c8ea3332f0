//! End to end: the real binary in a real terminal (tmux, 80×24). Types the
//! names, reaches the strategy step, reads the teaching panel, quits, and
//! checks that the terminal is restored; then leaves by SIGTERM and checks
//! the same. Polls the screen in bounded loops; never waits a fixed time.

use std::process::Command;

use crate::support::tmux::Tmux;

#[test]
fn wizard_in_a_real_terminal_is_usable_and_restores_it() {
    let Some(tmux) = Tmux::start("e2e") else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_matrix-delegate");
    tmux.text(&format!("echo BEFORE-WIZARD; {bin}; echo EXIT=$?"));
    tmux.keys(&["Enter"]);
    tmux.wait_for("the welcome screen", |t, s| {
        s.contains("What would you like to do?") && t.alternate_screen()
    });

    // Set up: names, then the strategy step teaches with them.
    tmux.keys(&["Enter"]);
    tmux.wait_for("the names step", |_, s| {
        s.contains("2/6 Names") && s.contains("Esc back")
    });
    // Ctrl-U first: a config file found on this machine may pre-fill them.
    tmux.keys(&["C-u"]);
    tmux.text("example.org");
    tmux.keys(&["Tab", "C-u"]);
    tmux.text("matrix.example.org");
    tmux.wait_for("the typed host", |_, s| {
        s.contains("the homeserver answers at matrix.example.org")
    });
    tmux.keys(&["Enter"]);
    // Wait for everything asserted: a capture may catch a frame half drawn.
    let taught = [
        "How should the world find @you:example.org?",
        "GET https://example.org/.well-known/matrix/server",
        "{\"m.server\": \"matrix.example.org:443\"}",
        "A/AAAA of matrix.example.org",
        "Esc back",
    ];
    tmux.wait_for("the teaching panel with the typed names", |_, s| {
        taught.iter().all(|t| s.contains(t))
    });

    // Esc goes back with the answers kept; q quits from the strategy step.
    tmux.keys(&["Escape"]);
    tmux.wait_for("back on names, answers kept", |_, s| {
        s.contains("2/6 Names") && s.contains("Delegated host      matrix.example.org")
    });
    tmux.keys(&["Enter"]);
    tmux.wait_for("the strategy step again", |_, s| {
        s.contains("3/6 Strategy") && s.contains("Esc back")
    });
    tmux.keys(&["q"]);
    let after = tmux.wait_for("the shell again", |t, s| {
        s.contains("EXIT=0") && !t.alternate_screen()
    });
    assert!(
        after.contains("BEFORE-WIZARD"),
        "the main screen is back: {after}"
    );
    // The terminal is usable again: cooked mode, echo, a working prompt.
    tmux.text("echo AFTER-$((40+2))");
    tmux.keys(&["Enter"]);
    tmux.wait_for("the shell to answer", |_, s| s.contains("AFTER-42"));

    // SIGTERM: the wizard restores the terminal before it goes.
    tmux.text(&format!("{bin}; echo EXIT2=$?"));
    tmux.keys(&["Enter"]);
    tmux.wait_for("the welcome screen", |t, s| {
        s.contains("What would you like to do?") && t.alternate_screen()
    });
    let pid = tmux.child_pid().expect("the wizard's pid");
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    tmux.wait_for("the shell after SIGTERM", |t, s| {
        s.contains("EXIT2=") && !t.alternate_screen()
    });
    tmux.text("echo AFTER-$((50+5))");
    tmux.keys(&["Enter"]);
    tmux.wait_for("the shell to answer", |_, s| s.contains("AFTER-55"));

    // Ctrl-C: status 130, as shells expect of an interrupted program.
    tmux.text(&format!("{bin}; echo EXIT3=$?"));
    tmux.keys(&["Enter"]);
    tmux.wait_for("the welcome screen", |t, s| {
        s.contains("What would you like to do?") && t.alternate_screen()
    });
    tmux.keys(&["C-c"]);
    tmux.wait_for("the shell after Ctrl-C with status 130", |t, s| {
        s.contains("EXIT3=130") && !t.alternate_screen()
    });
}
