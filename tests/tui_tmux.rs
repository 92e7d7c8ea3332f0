//! End to end: the real binary in a real terminal (tmux, 80×24). Types the
//! names, reaches the strategy step, reads the teaching panel, quits, and
//! checks that the terminal is restored; then leaves by SIGTERM and checks
//! the same. Polls the screen in bounded loops; never waits a fixed time.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn cmd(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("run tmux")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd(args);
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.ok(&["capture-pane", "-p", "-t", "e2e"])
    }

    fn alternate_screen(&self) -> bool {
        self.ok(&["display-message", "-p", "-t", "e2e", "#{alternate_on}"])
            .trim()
            == "1"
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        self.ok(&args);
    }

    fn text(&self, text: &str) {
        self.ok(&["send-keys", "-t", "e2e", "-l", text]);
    }

    /// Polls until `done` holds for the screen, or fails after 15 s.
    fn wait_for(&self, what: &str, done: impl Fn(&Tmux, &str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let screen = self.screen();
            if done(self, &screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The process running in the pane's shell (the wizard), from /proc.
    fn child_pid(&self) -> Option<String> {
        let shell = self.ok(&["display-message", "-p", "-t", "e2e", "#{pane_pid}"]);
        let shell = shell.trim();
        let children =
            std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children")).ok()?;
        children.split_whitespace().next().map(str::to_string)
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        // Only our own server (its private socket).
        let _ = self.cmd(&["kill-server"]);
    }
}

fn tmux_missing() -> bool {
    !Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn wizard_in_a_real_terminal_is_usable_and_restores_it() {
    if tmux_missing() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "tmux is required under CI"
        );
        println!("SKIPPED: tmux is not installed");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_matrix-delegate");
    let tmux = Tmux {
        socket: format!("md-e2e-{}", std::process::id()),
    };
    tmux.ok(&[
        "new-session",
        "-d",
        "-s",
        "e2e",
        "-x",
        "80",
        "-y",
        "24",
        "env -i PATH=/usr/bin:/bin HOME=/tmp TERM=xterm-256color PS1='e2e$ ' sh",
    ]);
    tmux.wait_for("the shell prompt", |_, s| s.contains("e2e$"));
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
}
