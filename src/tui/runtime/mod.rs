//! The one loop that owns the terminal, the event stream, the service
//! channels and the spawned work. It feeds messages to `update`, executes
//! the commands through [`Services`], and draws only after a change:
//! nothing at all while idle, a spinner tick only while checks run.
//!
//! Everything the loop touches is injectable (backend, event stream,
//! shutdown signal, clipboard writer), so tests and the benchmark run it
//! headless.

mod exec;
pub mod launch;
pub mod osc52;
mod stats;

use std::future::{Future, poll_fn};
use std::io;
use std::sync::Arc;
use std::task::Poll;

use crossterm::event::Event;
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::cmd::Cmd;
use super::msg::Msg;
use super::services::Services;
use super::state::State;
use super::view;

pub use stats::Stats;

/// Runs until the state asks to quit, the shutdown future resolves (a
/// signal) or the event stream ends. Returns the final state.
#[allow(clippy::too_many_arguments)]
pub async fn run<B, E, F>(
    terminal: &mut Terminal<B>,
    mut state: State,
    initial: Vec<Cmd>,
    services: Arc<dyn Services>,
    mut events: E,
    shutdown: F,
    clipboard: &mut dyn io::Write,
    stats: &Stats,
) -> io::Result<State>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    E: Stream<Item = io::Result<Event>> + Unpin,
    F: Future<Output = ()>,
{
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let mut exec = exec::Executor::new(services, tx, clipboard);
    let size = terminal.size().map_err(io::Error::other)?;
    let mut quit = exec.handle(
        &mut state,
        Msg::Resize {
            width: size.width,
            height: size.height,
        },
    );
    quit |= exec.run_all(initial);
    draw(terminal, &mut state, stats)?;
    tokio::pin!(shutdown);
    let mut next_tick: Option<Instant> = None;
    while !quit {
        next_tick = match (state.tick_every(), next_tick) {
            (Some(every), None) => Some(Instant::now() + every),
            (Some(_), due) => due,
            (None, _) => None,
        };
        let msg = tokio::select! {
            _ = &mut shutdown => Msg::Terminate,
            event = events.next() => match terminal_msg(event)? {
                Some(msg) => msg,
                None => continue,
            },
            Some(msg) = rx.recv() => msg,
            _ = sleep_until(next_tick), if next_tick.is_some() => {
                next_tick = None;
                Msg::Tick { now: std::time::Instant::now() }
            }
        };
        quit = exec.handle(&mut state, msg);
        // Take everything else that is already waiting, then draw once.
        while !quit {
            if let Ok(msg) = rx.try_recv() {
                quit = exec.handle(&mut state, msg);
                continue;
            }
            // Polled with this task's own waker: crossterm's EventStream
            // keeps the waker of the poll that found nothing, so a
            // `now_or_never` (no-op waker) here would never wake us again.
            match poll_fn(|cx| Poll::Ready(events.poll_next_unpin(cx))).await {
                Poll::Ready(event) => {
                    if let Some(msg) = terminal_msg(event)? {
                        quit = exec.handle(&mut state, msg);
                    }
                }
                Poll::Pending => break,
            }
        }
        if state.dirty && !quit {
            draw(terminal, &mut state, stats)?;
        }
    }
    exec.cancel_all();
    Ok(state)
}

/// A terminal event as a message; the end of input means leaving.
fn terminal_msg(event: Option<io::Result<Event>>) -> io::Result<Option<Msg>> {
    match event {
        None => Ok(Some(Msg::Terminate)),
        Some(Err(e)) => Err(e),
        Some(Ok(event)) => Ok(Msg::from_terminal(event)),
    }
}

async fn sleep_until(due: Option<Instant>) {
    match due {
        Some(due) => tokio::time::sleep_until(due).await,
        None => std::future::pending().await,
    }
}

fn draw<B>(terminal: &mut Terminal<B>, state: &mut State, stats: &Stats) -> io::Result<()>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
{
    // The report's order is computed once per frame, not once per event.
    state.checks.fold.settle();
    let shown: &State = state;
    terminal
        .draw(|frame| view::render(shown, frame))
        .map_err(io::Error::other)?;
    state.dirty = false;
    stats.frame_drawn();
    Ok(())
}
