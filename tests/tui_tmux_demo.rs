//! End to end: `matrix-delegate demo` in a real terminal (tmux, 80×24),
//! with no network but loopback: pick the client file without CORS, jump
//! to the checks, see the failure and, expanded, its remedy; quit; the
//! terminal is restored. Also `check --tui --sim`. Polls the screen in
//! bounded loops; never waits a fixed time.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(tag: &str) -> Option<Tmux> {
        if !Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "tmux is required under CI"
            );
            println!("SKIPPED: tmux is not installed");
            return None;
        }
        let tmux = Tmux {
            socket: format!("md-{tag}-{}", std::process::id()),
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
        Some(tmux)
    }

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

    /// Polls until `done` holds for the screen, or fails after 20 s.
    fn wait_for(&self, what: &str, done: impl Fn(&Tmux, &str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
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

    /// Quits with `q` and checks that the shell is back and usable.
    fn quit_and_check_restored(&self, marker: &str, probe: &str) {
        self.keys(&["q"]);
        let after = self.wait_for("the shell again", |t, s| {
            s.contains(&format!("{marker}=0")) && !t.alternate_screen()
        });
        assert!(after.contains("BEFORE"), "the main screen is back: {after}");
        self.text(&format!("echo AFTER-$(({probe}))"));
        self.keys(&["Enter"]);
        let want = format!(
            "AFTER-{}",
            probe
                .split('+')
                .map(|n| n.parse::<u32>().expect("number"))
                .sum::<u32>()
        );
        self.wait_for("the shell to answer", |_, s| s.contains(&want));
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        // Only our own server (its private socket).
        let _ = self.cmd(&["kill-server"]);
    }
}

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
        s.contains("6/6 Checks for example.com")
            && s.contains("· 1 FAIL")
            && s.contains("✘ FAIL  cors")
            && s.contains("✘ FAIL client.cors")
            && s.contains("run 1 ·")
            && !s.contains("running")
    });
    assert!(checks.contains("Client discovery — verdict OK"), "{checks}");
    // Enter expands the selected (failing) row; the remedy is further down.
    tmux.keys(&["Enter"]);
    tmux.wait_for("the expanded details", |_, s| s.contains("Esc collapse"));
    tmux.keys(&["PageDown"]);
    tmux.wait_for("the remedy", |_, s| {
        s.contains("Remedy:") && s.contains("Access-Control-Allow-Origin")
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
            && s.contains("run 1 ·")
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
        s.contains("run 2 ·") && !s.contains("running")
    });
    tmux.quit_and_check_restored("CODE", "50+5");
}
