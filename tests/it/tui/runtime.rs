//! The runtime loop, headless: TestBackend, an injected event stream, a
//! fake set of services, and tokio's paused clock (virtual time: nothing
//! here waits for real time to pass).

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures::channel::mpsc::{UnboundedSender, unbounded};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use matrix_delegate::check::model::{CheckEvent, CheckId, Status};
use matrix_delegate::domain::ServerName;
use matrix_delegate::tui::data::{CheckRequest, ConfigStatus, Expected};
use matrix_delegate::tui::runtime::{Stats, run};
use matrix_delegate::tui::services::{CheckSink, RunHandle, ServiceError, Services};
use matrix_delegate::tui::state::{RunPhase, State, Step};

use crate::support::tui::*;

fn key_event(code: KeyCode) -> io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn send(tx: &UnboundedSender<io::Result<Event>>, code: KeyCode) {
    tx.unbounded_send(key_event(code))
        .expect("runtime listening");
}

/// Lets the loop run until it has nothing left to do (virtual time).
async fn settle() {
    tokio::time::sleep(Duration::from_millis(1)).await;
}

#[tokio::test(start_paused = true)]
async fn an_idle_wizard_draws_once_and_then_nothing() {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    let (tx, rx) = unbounded();
    let stats = Stats::new();
    let mut clipboard = Vec::new();
    let services: Arc<dyn Services> = Arc::new(FakeServices::default());
    let state = State::wizard(ConfigStatus::NotFound, false);
    let driver = async {
        settle().await;
        assert_eq!(stats.frames(), 1, "the first frame");
        tokio::time::sleep(Duration::from_secs(10)).await;
        assert_eq!(stats.frames(), 1, "10 s idle: no frame, no tick");
        send(&tx, KeyCode::Char('q'));
    };
    let (result, ()) = tokio::join!(
        run(
            &mut terminal,
            state,
            Vec::new(),
            services,
            rx,
            std::future::pending(),
            &mut clipboard,
            &stats
        ),
        driver
    );
    let state = result.expect("clean exit");
    assert_eq!(state.step, Step::Welcome);
    assert!(stats.first_frame().is_some());
    assert!(
        terminal
            .backend()
            .to_string()
            .contains("What would you like to do?")
    );
}

#[tokio::test(start_paused = true)]
async fn a_batch_of_keys_is_drawn_once_and_useless_keys_not_at_all() {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    let (tx, rx) = unbounded();
    let stats = Stats::new();
    let mut clipboard = Vec::new();
    let services: Arc<dyn Services> = Arc::new(FakeServices::default());
    let state = State::wizard(ConfigStatus::NotFound, false);
    let stats_ref = &stats;
    let driver = async move {
        let stats = stats_ref;
        settle().await;
        for code in [KeyCode::Enter, KeyCode::Char('e'), KeyCode::Char('x')] {
            send(&tx, code);
        }
        settle().await;
        assert_eq!(stats.frames(), 2, "three keys, one frame");
        send(&tx, KeyCode::F(5));
        tx.unbounded_send(Ok(Event::FocusGained))
            .expect("listening");
        settle().await;
        assert_eq!(stats.frames(), 2, "keys that change nothing draw nothing");
        tx.unbounded_send(Ok(Event::Resize(100, 30)))
            .expect("listening");
        settle().await;
        assert_eq!(stats.frames(), 3, "a resize redraws");
        drop(tx); // the end of input ends the loop
    };
    let (result, ()) = tokio::join!(
        run(
            &mut terminal,
            state,
            Vec::new(),
            services,
            rx,
            std::future::pending(),
            &mut clipboard,
            &stats
        ),
        driver
    );
    let state = result.expect("clean exit");
    assert_eq!(
        state
            .names
            .value(matrix_delegate::domain::Field::ServerName),
        "ex"
    );
    assert_eq!((state.width, state.height), (100, 30));
}

#[tokio::test(start_paused = true)]
async fn checks_stream_through_the_services_into_the_state() {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    let (tx, rx) = unbounded();
    let stats = Stats::new();
    let mut clipboard = Vec::new();
    let fake = Arc::new(FakeServices {
        results: sample_results(),
        ..FakeServices::default()
    });
    let services: Arc<dyn Services> = fake.clone();
    let name = ServerName::parse("example.com").expect("name");
    let (state, cmds) = State::check_screen(name, Expected::Nothing, false);
    let driver = async {
        settle().await;
        send(&tx, KeyCode::Char('r'));
        settle().await;
        send(&tx, KeyCode::Char('q'));
    };
    let (result, ()) = tokio::join!(
        run(
            &mut terminal,
            state,
            cmds,
            services,
            rx,
            std::future::pending(),
            &mut clipboard,
            &stats
        ),
        driver
    );
    let state = result.expect("clean exit");
    assert_eq!(state.checks.run, 2);
    assert_eq!(state.checks.phase, RunPhase::Done);
    assert_eq!(state.checks.results().len(), sample_results().len());
    assert_eq!(
        fake.calls(),
        vec!["start_checks 1 example.com", "start_checks 2 example.com"]
    );
    let screen = terminal.backend().to_string();
    assert!(screen.contains("run 2"), "{screen}");
    assert!(screen.contains("federation does NOT work"), "{screen}");
    assert!(screen.contains("✘ FAIL"), "{screen}");
}

/// The error of a service these tests never call.
fn unused() -> ServiceError {
    ServiceError::Io {
        doing: "use",
        path: std::path::PathBuf::new(),
        source: std::io::Error::other("unused"),
    }
}

/// A run that stays open until the test says it is done.
#[derive(Default)]
struct SlowChecks {
    sink: Mutex<Option<(u64, CheckSink)>>,
}

impl Services for SlowChecks {
    fn load_config(&self, _: Option<&std::path::Path>) -> ConfigStatus {
        ConfigStatus::NotFound
    }
    fn start_checks(
        &self,
        request: CheckRequest,
        sink: CheckSink,
    ) -> Result<RunHandle, ServiceError> {
        sink.send(CheckEvent::Started {
            run: request.run,
            id: CheckId::DnsSrv,
            target: None,
        });
        *self.sink.lock().expect("lock") = Some((request.run, sink));
        Ok(RunHandle::new(|| {}))
    }
    fn preview_config_write(
        &self,
        _: &std::path::Path,
        _: &matrix_delegate::domain::Plan,
    ) -> Result<matrix_delegate::tui::data::ConfigPreview, ServiceError> {
        Err(unused())
    }
    fn write_config(
        &self,
        _: &matrix_delegate::domain::Plan,
        _: &matrix_delegate::tui::data::ConfigPreview,
    ) -> Result<matrix_delegate::tui::data::WriteOutcome, ServiceError> {
        Err(unused())
    }
    fn save_artifacts(
        &self,
        _: &std::path::Path,
        _: &[matrix_delegate::generate::Artifact],
    ) -> Result<matrix_delegate::tui::data::SavedFiles, ServiceError> {
        Err(unused())
    }
    fn export_report(
        &self,
        _: &std::path::Path,
        _: &matrix_delegate::report::Report,
    ) -> Result<Vec<std::path::PathBuf>, ServiceError> {
        Err(unused())
    }
}

#[tokio::test(start_paused = true)]
async fn the_spinner_ticks_only_while_checks_run() {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    let (tx, rx) = unbounded();
    let stats = Stats::new();
    let mut clipboard = Vec::new();
    let slow = Arc::new(SlowChecks::default());
    let services: Arc<dyn Services> = slow.clone();
    let name = ServerName::parse("example.com").expect("name");
    let (state, cmds) = State::check_screen(name, Expected::Nothing, false);
    let driver = async {
        settle().await;
        let at_start = stats.frames();
        tokio::time::sleep(Duration::from_millis(1000)).await;
        let ticking = stats.frames() - at_start;
        assert!(
            (9..=11).contains(&ticking),
            "about 10 frames a second while running: {ticking}"
        );
        let (run, sink) = slow.sink.lock().expect("lock").take().expect("a run");
        sink.send(CheckEvent::Finished {
            run,
            result: result(CheckId::DnsSrv, Status::Pass, "ok", 3),
        });
        sink.send(CheckEvent::Done { run });
        settle().await;
        let done = stats.frames();
        tokio::time::sleep(Duration::from_secs(10)).await;
        assert_eq!(stats.frames(), done, "no spinner once the run is over");
        send(&tx, KeyCode::Char('q'));
    };
    let (result, ()) = tokio::join!(
        run(
            &mut terminal,
            state,
            cmds,
            services,
            rx,
            std::future::pending(),
            &mut clipboard,
            &stats
        ),
        driver
    );
    assert_eq!(result.expect("clean exit").checks.phase, RunPhase::Done);
}

#[tokio::test(start_paused = true)]
async fn copy_writes_osc52_and_a_signal_ends_the_loop() {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    let (tx, rx) = unbounded();
    let stats = Stats::new();
    let mut clipboard = Vec::new();
    let services: Arc<dyn Services> = Arc::new(FakeServices::default());
    let mut state = at_review("example.com", "matrix.example.com");
    state.review.artifacts = sample_artifacts();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let driver = async {
        settle().await;
        send(&tx, KeyCode::Char('c'));
        settle().await;
        let _ = stop.send(()); // as SIGTERM would
    };
    let shutdown = async {
        let _ = stopped.await;
    };
    let (result, ()) = tokio::join!(
        run(
            &mut terminal,
            state,
            Vec::new(),
            services,
            rx,
            shutdown,
            &mut clipboard,
            &stats
        ),
        driver
    );
    let state = result.expect("clean exit");
    let written = String::from_utf8(clipboard).expect("utf-8");
    assert!(
        written.starts_with("\x1b]52;c;") && written.ends_with('\x07'),
        "{written:?}"
    );
    assert!(state.status.is_some_and(|s| s.text.contains("“summary”")));
}

/// An event source that, like crossterm's `EventStream`, keeps the waker of
/// the first poll that found nothing until it has used it.
#[derive(Default)]
struct Sticky {
    queue: std::collections::VecDeque<io::Result<Event>>,
    waker: Option<std::task::Waker>,
    closed: bool,
}

#[derive(Clone, Default)]
struct StickyStream(Arc<Mutex<Sticky>>);

impl StickyStream {
    fn push(&self, event: io::Result<Event>) {
        let mut s = self.0.lock().expect("lock");
        s.queue.push_back(event);
        if let Some(w) = s.waker.take() {
            w.wake();
        }
    }
}

impl futures::Stream for StickyStream {
    type Item = io::Result<Event>;
    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        let mut s = self.0.lock().expect("lock");
        if let Some(e) = s.queue.pop_front() {
            return std::task::Poll::Ready(Some(e));
        }
        if s.closed {
            return std::task::Poll::Ready(None);
        }
        if s.waker.is_none() {
            s.waker = Some(cx.waker().clone());
        }
        std::task::Poll::Pending
    }
}

#[tokio::test(start_paused = true)]
async fn keys_keep_arriving_with_an_event_source_that_keeps_its_first_waker() {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    let events = StickyStream::default();
    let stats = Stats::new();
    let mut clipboard = Vec::new();
    let services: Arc<dyn Services> = Arc::new(FakeServices::default());
    let state = State::wizard(ConfigStatus::NotFound, false);
    let driver = async {
        settle().await;
        for (i, code) in [KeyCode::Enter, KeyCode::Char('e'), KeyCode::Char('x')]
            .into_iter()
            .enumerate()
        {
            events.push(key_event(code));
            settle().await;
            assert_eq!(
                stats.frames(),
                2 + i as u64,
                "key {i} was handled and drawn"
            );
        }
        events.0.lock().expect("lock").closed = true;
        events.push(key_event(KeyCode::Char('q')));
    };
    let (result, ()) = tokio::join!(
        run(
            &mut terminal,
            state,
            Vec::new(),
            services,
            events.clone(),
            std::future::pending(),
            &mut clipboard,
            &stats
        ),
        driver
    );
    let state = result.expect("clean exit");
    assert_eq!(
        state
            .names
            .value(matrix_delegate::domain::Field::ServerName),
        "exq"
    );
}
