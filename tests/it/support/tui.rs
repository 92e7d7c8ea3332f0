//! Helpers shared by the TUI tests: key presses, typing, hand-built check
//! results and a fake set of services. Pure: nothing here does I/O except
//! the fake's in-memory bookkeeping.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use matrix_delegate::check::model::{CheckEvent, CheckId, CheckResult, RunId, Status};
use matrix_delegate::domain::Plan;
use matrix_delegate::domain::plan::WellKnownSection;
use matrix_delegate::generate::Artifact;
use matrix_delegate::matrix::client_discovery::ClientVerdict;
use matrix_delegate::matrix::discovery::types::{FederationPath, PathTarget, Step as SpecStep};
use matrix_delegate::report::Report;
use matrix_delegate::tui::data::{
    CheckRequest, ConfigInfo, ConfigPreview, ConfigStatus, Expected, SavedFiles, WriteOutcome,
};
use matrix_delegate::tui::services::{CheckSink, RunHandle, ServiceError, Services};
use matrix_delegate::tui::state::{RunPhase, Step};
use matrix_delegate::tui::{Cmd, Msg, State, render, update};

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Sends one key and returns the commands.
pub fn press(state: &mut State, code: KeyCode) -> Vec<Cmd> {
    update(state, key(code))
}

pub fn type_text(state: &mut State, text: &str) {
    for c in text.chars() {
        let cmds = update(state, key(KeyCode::Char(c)));
        assert!(cmds.is_empty(), "typing `{c}` emitted {cmds:?}");
    }
}

pub fn config(server_name: &str) -> ConfigStatus {
    ConfigStatus::Found(Box::new(ConfigInfo {
        path: PathBuf::from("/etc/conduwuit/conduwuit.toml"),
        why: "named by the environment variable CONTINUWUITY_CONFIG".into(),
        server_name: Some(server_name.to_string()),
        well_known: WellKnownSection::default(),
        notes: Vec::new(),
        listener: None,
    }))
}

/// Welcome → Names with `server` and `host` typed (fields start empty).
pub fn at_names(state: &mut State, server: &str, host: &str) {
    press(state, KeyCode::Enter);
    type_text(state, server);
    press(state, KeyCode::Tab);
    type_text(state, host);
}

/// From the welcome screen (of a wizard that may have found a config file)
/// to the review with the seed's names typed; returns the review's commands.
pub fn review_from_welcome(state: &mut State) -> Vec<Cmd> {
    press(state, KeyCode::Enter);
    update(state, ctrl('u'));
    type_text(state, "example.com");
    press(state, KeyCode::Tab);
    type_text(state, "matrix.example.com");
    press(state, KeyCode::Enter); // → strategy
    press(state, KeyCode::Enter); // → deployment
    press(state, KeyCode::Enter) // → review
}

/// A fresh wizard walked to the review step with the seed's example names.
pub fn at_review(server: &str, host: &str) -> State {
    let mut s = State::wizard(ConfigStatus::NotFound, false);
    at_names(&mut s, server, host);
    press(&mut s, KeyCode::Enter); // → strategy
    press(&mut s, KeyCode::Enter); // → deployment
    let cmds = press(&mut s, KeyCode::Enter); // → review
    assert!(cmds.is_empty(), "{cmds:?}");
    s
}

/// The seed example walked from review to the checks screen: run 1 started
/// with the plan as the expectation.
pub fn at_checks() -> State {
    let mut s = at_review("example.com", "matrix.example.com");
    let cmds = press(&mut s, KeyCode::Enter);
    let [Cmd::StartChecks(req)] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    assert_eq!(req.run, 1);
    assert_eq!(req.server_name.as_str(), "example.com");
    assert!(matches!(&req.expected, Expected::Plan(p) if p.host_str() == "matrix.example.com"));
    assert_eq!((s.step, s.checks.phase), (Step::Checks, RunPhase::Running));
    s
}

/// A result of `run` arriving now.
pub fn finished(run: RunId, id: CheckId, status: Status) -> Msg {
    Msg::Check {
        event: CheckEvent::Finished {
            run,
            result: result(id, status, "x", 5),
        },
        at: Instant::now(),
    }
}

/// Draws `state` at `width`×`height` and returns the screen as text.
pub fn screen(state: &State, width: u16, height: u16) -> String {
    let mut shown = state.clone();
    update(&mut shown, Msg::Resize { width, height });
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal.draw(|frame| render(&shown, frame)).expect("draw");
    terminal.backend().to_string()
}

pub fn artifact(id: &'static str, title: &str, file: &str, text: &str) -> Artifact {
    Artifact {
        id,
        title: title.into(),
        file_name: file.into(),
        text: text.into(),
        syntax: "text",
    }
}

/// Artifacts like the generator's, written by hand so the review screens
/// do not depend on another module's output.
pub fn sample_artifacts() -> Vec<Artifact> {
    vec![
        artifact(
            "config-section",
            "config",
            "conduwuit-well-known.toml",
            "[global.well_known]\nclient = \"https://matrix.example.com\"\nserver = \"matrix.example.com:443\"\n",
        ),
        artifact(
            "proxy",
            "Caddyfile",
            "Caddyfile",
            "matrix.example.com:443 {\n\treverse_proxy 127.0.0.1:8008\n}\n\nexample.com:443 {\n\treverse_proxy /.well-known/matrix* 127.0.0.1:8008\n}\n",
        ),
        artifact(
            "dns",
            "DNS records",
            "dns.zone",
            "example.com.         3600 IN A    203.0.113.5\nmatrix.example.com.  3600 IN A    203.0.113.7\n",
        ),
        artifact(
            "checklist",
            "checklist",
            "CHECKLIST.md",
            "1. Create the DNS records.\n2. Reload Caddy.\n3. Restart Continuwuity.\n4. Run the checks.\n",
        ),
    ]
}

pub fn result(id: CheckId, status: Status, summary: &str, ms: u64) -> CheckResult {
    CheckResult::new(id, status, summary).took(Duration::from_millis(ms))
}

/// A run's worth of results: passes, warnings, a failure with a remedy.
pub fn sample_results() -> Vec<CheckResult> {
    vec![
        result(CheckId::DnsServerName, Status::Pass, "example.com A 203.0.113.5 (TTL 3600)", 12),
        result(CheckId::DnsDelegatedHost, Status::Pass, "matrix.example.com A 203.0.113.7, AAAA 2001:db8::7", 14),
        result(CheckId::DnsSrv, Status::Skipped, "not looked up: m.server carries a port (step 3.2)", 0),
        result(CheckId::ServerWellKnown, Status::Pass, "m.server = matrix.example.com:443", 85)
            .evidence("GET https://example.com/.well-known/matrix/server", "200 application/json {\"m.server\":\"matrix.example.com:443\"}"),
        result(CheckId::ServerTls, Status::Pass, "certificate for matrix.example.com, 61 days left", 40)
            .target("203.0.113.7:443"),
        result(CheckId::ServerTls, Status::Fail, "connection refused", 3)
            .target("[2001:db8::7]:443")
            .evidence("TCP connect [2001:db8::7]:443", "connection refused")
            .remedy("Make the proxy listen on IPv6 too, or remove the AAAA record of matrix.example.com.")
            .spec("server-server API, Resolving server names, step 3.2"),
        result(CheckId::ServerVersion, Status::Pass, "Continuwuity 0.5.0", 30).target("203.0.113.7:443"),
        result(CheckId::ServerKeys, Status::Pass, "1 key, signatures verify, valid 7 days", 35).target("203.0.113.7:443"),
        result(CheckId::ClientWellKnown, Status::Pass, "base_url https://matrix.example.com/ (verdict OK)", 70),
        result(CheckId::ClientCors, Status::Fail, "no Access-Control-Allow-Origin on the client file", 66)
            .evidence("GET https://example.com/.well-known/matrix/client", "200, no Access-Control-Allow-Origin")
            .remedy("Web clients (Element Web) cannot read the file. In your Caddyfile for example.com add:\n  header /.well-known/matrix/* Access-Control-Allow-Origin *")
            .spec("client-server API, Server Discovery"),
        result(CheckId::SupportWellKnown, Status::Pass, "1 contact (m.role.admin)", 60),
        result(CheckId::CacheWellKnown, Status::Warn, "no Cache-Control: peers keep the old answer up to 24 h", 1),
    ]
}

/// The path discovery takes for the seed example: step 3.2, two addresses.
pub fn sample_path() -> FederationPath {
    let target = |address: &str| PathTarget {
        address: address.parse().expect("socket address"),
        host_header: "matrix.example.com:443".into(),
        sni: Some("matrix.example.com".into()),
        cert_name: "matrix.example.com".into(),
    };
    FederationPath {
        step: SpecStep::DelegatedHostPort,
        targets: vec![target("203.0.113.7:443"), target("[2001:db8::7]:443")],
        unresolved: Vec::new(),
        no_service: false,
        not_probed: Default::default(),
    }
}

/// Feeds the discovery summaries of a run: the federation path and the
/// client verdict with its base URL.
pub fn stream_discovery(state: &mut State, run: RunId, path: FederationPath, t0: Instant) {
    let events = [
        CheckEvent::Resolved { run, path },
        CheckEvent::ClientDiscovered {
            run,
            verdict: ClientVerdict::Ok,
            base_url: Some("https://matrix.example.com/".into()),
        },
    ];
    for event in events {
        update(state, Msg::Check { event, at: t0 });
    }
}

/// Feeds a whole run (started, finished, done) to the state.
pub fn stream_run(state: &mut State, run: RunId, results: &[CheckResult], t0: Instant) -> Vec<Cmd> {
    let mut cmds = Vec::new();
    for (i, r) in results.iter().enumerate() {
        let at = t0 + Duration::from_millis(10 * i as u64);
        let started = CheckEvent::Started {
            run,
            id: r.id,
            target: r.target.clone(),
        };
        cmds.extend(update(state, Msg::Check { event: started, at }));
        let finished = CheckEvent::Finished {
            run,
            result: r.clone(),
        };
        cmds.extend(update(
            state,
            Msg::Check {
                event: finished,
                at,
            },
        ));
    }
    let at = t0 + Duration::from_millis(1200);
    cmds.extend(update(
        state,
        Msg::Check {
            event: CheckEvent::Done { run },
            at,
        },
    ));
    cmds
}

/// Services for runtime tests: remembers what it was asked, answers from
/// memory, and streams a fixed run synchronously.
#[derive(Default)]
pub struct FakeServices {
    pub calls: Mutex<Vec<String>>,
    pub results: Vec<CheckResult>,
}

impl FakeServices {
    fn log(&self, what: String) {
        self.calls.lock().expect("calls lock").push(what);
    }

    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().expect("calls lock").clone()
    }
}

impl Services for FakeServices {
    fn load_config(&self, path: Option<&Path>) -> ConfigStatus {
        self.log(format!("load_config {path:?}"));
        ConfigStatus::NotFound
    }

    fn start_checks(
        &self,
        request: CheckRequest,
        sink: CheckSink,
    ) -> Result<RunHandle, ServiceError> {
        self.log(format!(
            "start_checks {} {}",
            request.run, request.server_name
        ));
        for r in &self.results {
            sink.send(CheckEvent::Finished {
                run: request.run,
                result: r.clone(),
            });
        }
        sink.send(CheckEvent::Done { run: request.run });
        Ok(RunHandle::finished())
    }

    fn preview_config_write(
        &self,
        path: &Path,
        _plan: &Plan,
    ) -> Result<ConfigPreview, ServiceError> {
        self.log(format!("preview {}", path.display()));
        Ok(ConfigPreview {
            path: path.to_path_buf(),
            diff: "+x".into(),
            fingerprint: "f".into(),
            notes: Vec::new(),
        })
    }

    fn write_config(
        &self,
        _plan: &Plan,
        preview: &ConfigPreview,
    ) -> Result<WriteOutcome, ServiceError> {
        self.log(format!("write {}", preview.path.display()));
        Ok(WriteOutcome {
            path: preview.path.clone(),
            backup: None,
            warning: None,
        })
    }

    fn save_artifacts(
        &self,
        dir: &Path,
        artifacts: &[Artifact],
    ) -> Result<SavedFiles, ServiceError> {
        self.log(format!("save {} {}", dir.display(), artifacts.len()));
        Ok(SavedFiles {
            dir: dir.to_path_buf(),
            files: Vec::new(),
        })
    }

    fn export_report(&self, base: &Path, report: &Report) -> Result<Vec<PathBuf>, ServiceError> {
        self.log(format!("export {} {}", base.display(), report.checks.len()));
        Ok(vec![base.with_extension("md")])
    }
}
