//! A private tmux server for end-to-end tests of the real binary: a shell in
//! an 80×24 pane, keys and text sent to it, the screen polled in bounded
//! loops (never a fixed wait). Without tmux a test prints SKIPPED, except
//! under `CI=true`, where it fails.
#![allow(dead_code)]

use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
}

impl Tmux {
    pub fn start(tag: &str) -> Option<Tmux> {
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

    pub fn cmd(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("run tmux")
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd(args);
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        self.ok(&["capture-pane", "-p", "-t", "e2e"])
    }

    pub fn alternate_screen(&self) -> bool {
        self.ok(&["display-message", "-p", "-t", "e2e", "#{alternate_on}"])
            .trim()
            == "1"
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        self.ok(&args);
    }

    pub fn text(&self, text: &str) {
        self.ok(&["send-keys", "-t", "e2e", "-l", text]);
    }

    /// Polls until `done` holds for the screen, or fails after 20 s.
    pub fn wait_for(&self, what: &str, done: impl Fn(&Tmux, &str) -> bool) -> String {
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
    pub fn quit_and_check_restored(&self, marker: &str, probe: &str) {
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

    /// The process running in the pane's shell (the wizard), from /proc.
    pub fn child_pid(&self) -> Option<String> {
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
