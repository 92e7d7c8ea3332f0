//! Sending a run's events in a consistent order: `Started` before
//! `Finished` for every check (and target), each `Finished` with its
//! measured duration, nothing after `Done`; and, when the run's deadline
//! cuts it short, an `error` result for every check that had not finished.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;

use crate::check::model::{CheckEvent, CheckId, CheckResult, RunId, Status};
use crate::matrix::client_discovery::ClientVerdict;
use crate::matrix::discovery::types::FederationPath;

type Key = (CheckId, Option<String>);

pub(crate) struct Emitter {
    run: RunId,
    tx: UnboundedSender<CheckEvent>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    started: HashMap<Key, Instant>,
    finished: HashSet<Key>,
    done: bool,
}

impl State {
    fn started_at(&self, key: &Key) -> Option<Instant> {
        self.started.get(key).copied()
    }
}

impl Emitter {
    pub(crate) fn new(run: RunId, tx: UnboundedSender<CheckEvent>) -> Emitter {
        Emitter {
            run,
            tx,
            state: Mutex::new(State::default()),
        }
    }

    fn with_state(&self, f: impl FnOnce(&mut State, &dyn Fn(CheckEvent))) {
        let send = |event: CheckEvent| {
            // A receiver that went away (a cancelled view) is not an error.
            let _ = self.tx.send(event);
        };
        // Sending under the lock keeps Started/Finished pairs in order.
        if let Ok(mut state) = self.state.lock()
            && !state.done
        {
            f(&mut state, &send);
        }
    }

    /// The check (for this target) begins: `Started`, once.
    pub(crate) fn start(&self, id: CheckId, target: Option<String>) {
        let run = self.run;
        self.with_state(|state, send| {
            let key = (id, target);
            if state.started_at(&key).is_none() {
                state.started.insert(key.clone(), Instant::now());
                send(CheckEvent::Started {
                    run,
                    id: key.0,
                    target: key.1,
                });
            }
        });
    }

    /// The result, timed from its `Started` (sent first if it was not).
    pub(crate) fn finish(&self, result: CheckResult) {
        self.finish_inner(result, None);
    }

    /// The result, with the duration of the request it judges.
    pub(crate) fn finish_took(&self, result: CheckResult, took: Duration) {
        self.finish_inner(result, Some(took));
    }

    fn finish_inner(&self, mut result: CheckResult, took: Option<Duration>) {
        let run = self.run;
        self.with_state(|state, send| {
            let key = (result.id, result.target.clone());
            let started = match state.started_at(&key) {
                Some(t) => t,
                None => {
                    let now = Instant::now();
                    state.started.insert(key.clone(), now);
                    send(CheckEvent::Started {
                        run,
                        id: key.0,
                        target: key.1.clone(),
                    });
                    now
                }
            };
            result.duration = took.unwrap_or_else(|| started.elapsed());
            state.finished.insert(key);
            send(CheckEvent::Finished { run, result });
        });
    }

    pub(crate) fn resolved(&self, path: FederationPath) {
        let run = self.run;
        self.with_state(|_, send| send(CheckEvent::Resolved { run, path }));
    }

    pub(crate) fn peers(&self, peers: Vec<crate::matrix::peers::PeerSummary>) {
        let run = self.run;
        self.with_state(|_, send| send(CheckEvent::Peers { run, peers }));
    }

    pub(crate) fn client(&self, verdict: ClientVerdict, base_url: Option<String>) {
        let run = self.run;
        self.with_state(|_, send| {
            send(CheckEvent::ClientDiscovered {
                run,
                verdict,
                base_url,
            })
        });
    }

    /// The run was cut short: every check started and not finished, and
    /// every check never started, ends as `error` with `why`.
    pub(crate) fn cut(&self, why: &str) {
        let run = self.run;
        self.with_state(|state, send| {
            let mut open: Vec<(Key, Instant)> = state
                .started
                .iter()
                .filter(|(k, _)| !state.finished.contains(*k))
                .map(|(k, t)| (k.clone(), *t))
                .collect();
            let started_ids: HashSet<CheckId> = state.started.keys().map(|(i, _)| *i).collect();
            for id in CheckId::ALL {
                if !started_ids.contains(&id) {
                    let now = Instant::now();
                    send(CheckEvent::Started {
                        run,
                        id,
                        target: None,
                    });
                    open.push(((id, None), now));
                }
            }
            for ((id, target), started) in open {
                let mut result =
                    CheckResult::new(id, Status::Error, format!("could not finish: {why}"))
                        .took(started.elapsed());
                result.target = target.clone();
                state.finished.insert((id, target));
                send(CheckEvent::Finished { run, result });
            }
        });
    }

    /// Resolves when nobody receives the events any more.
    pub(crate) async fn closed(&self) {
        self.tx.closed().await;
    }

    /// The run is over; nothing is sent after this.
    pub(crate) fn done(&self) {
        let run = self.run;
        self.with_state(|state, send| {
            send(CheckEvent::Done { run });
            state.done = true;
        });
    }
}
