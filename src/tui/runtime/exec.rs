//! Executes commands: service calls on tokio's blocking pool (never on the
//! UI loop), check runs kept by run id, the watch timer, the clipboard. A
//! service's typed error becomes the words its answer message carries.

use std::collections::HashMap;
use std::io;
use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use crate::check::model::RunId;
use crate::tui::cmd::Cmd;
use crate::tui::msg::Msg;
use crate::tui::services::{CheckSink, RunHandle, Services};
use crate::tui::state::State;
use crate::tui::update::update;

use super::osc52;

pub(super) struct Executor<'a> {
    services: Arc<dyn Services>,
    tx: UnboundedSender<Msg>,
    runs: HashMap<RunId, RunHandle>,
    watch_timer: Option<JoinHandle<()>>,
    clipboard: &'a mut dyn io::Write,
}

impl<'a> Executor<'a> {
    pub(super) fn new(
        services: Arc<dyn Services>,
        tx: UnboundedSender<Msg>,
        clipboard: &'a mut dyn io::Write,
    ) -> Executor<'a> {
        Executor {
            services,
            tx,
            runs: HashMap::new(),
            watch_timer: None,
            clipboard,
        }
    }

    /// Updates the state with `msg` and runs the resulting commands.
    /// Returns whether the wizard should quit.
    pub(super) fn handle(&mut self, state: &mut State, msg: Msg) -> bool {
        let cmds = update(state, msg);
        self.run_all(cmds)
    }

    pub(super) fn run_all(&mut self, cmds: Vec<Cmd>) -> bool {
        let mut quit = false;
        for cmd in cmds {
            quit |= self.run(cmd);
        }
        quit
    }

    fn run(&mut self, cmd: Cmd) -> bool {
        let services = self.services.clone();
        match cmd {
            Cmd::Quit => return true,
            Cmd::StartChecks(request) => {
                let run = request.run;
                let sink = CheckSink::new(self.tx.clone());
                match services.start_checks(request, sink) {
                    Ok(handle) => {
                        // Only the newest run matters; older ones are stopped.
                        for (_, old) in self.runs.drain() {
                            old.cancel();
                        }
                        self.runs.insert(run, handle);
                    }
                    Err(e) => self.send(Msg::ChecksFailed {
                        run,
                        reason: e.to_string(),
                    }),
                }
            }
            Cmd::CancelChecks { run } => {
                if let Some(handle) = self.runs.remove(&run) {
                    handle.cancel();
                }
            }
            Cmd::LoadConfig { path } => {
                self.blocking(move || Msg::ConfigLoaded(services.load_config(Some(&path))));
            }
            Cmd::PreviewConfigWrite { path, plan } => self.blocking(move || {
                let result = services
                    .preview_config_write(&path, &plan)
                    .map_err(|e| e.to_string());
                Msg::ConfigPreviewed { plan, result }
            }),
            Cmd::WriteConfig { plan, preview } => self.blocking(move || {
                let result = services.write_config(&plan, &preview);
                Msg::ConfigWritten(result.map_err(|e| e.to_string()))
            }),
            Cmd::InstallProxy { plan, dry_run } => self.blocking(move || {
                let result = services
                    .install_proxy(&plan, dry_run)
                    .map_err(|e| e.to_string());
                Msg::ProxyInstalled {
                    plan,
                    dry_run,
                    result,
                }
            }),
            Cmd::SaveArtifacts { dir, artifacts } => self.blocking(move || {
                let result = services.save_artifacts(&dir, &artifacts);
                Msg::ArtifactsSaved(result.map_err(|e| e.to_string()))
            }),
            Cmd::ExportReport { base, report } => self.blocking(move || {
                let result = services.export_report(&base, &report);
                Msg::Exported(result.map_err(|e| e.to_string()))
            }),
            Cmd::CopyToClipboard { label, text } => {
                let result = osc52::copy(self.clipboard, &text).map_err(|e| e.to_string());
                self.send(Msg::Copied { label, result });
            }
            Cmd::SelfCheck { config, expected } => {
                let tx = self.tx.clone();
                let asking = services.self_check(config.clone(), expected);
                tokio::spawn(async move {
                    let result = asking.await.map_err(|e| e.to_string());
                    let _ = tx.send(Msg::SelfChecked { config, result });
                });
            }
            Cmd::StartDemo { token, scenario } => {
                let tx = self.tx.clone();
                let start = services.start_demo(token, scenario);
                tokio::spawn(async move {
                    let result = start.await.map_err(|e| e.to_string());
                    let _ = tx.send(Msg::DemoStarted { token, result });
                });
            }
            Cmd::ScheduleRerun { token, after } => {
                // One timer at a time: a newer schedule replaces the old one.
                if let Some(old) = self.watch_timer.take() {
                    old.abort();
                }
                let tx = self.tx.clone();
                self.watch_timer = Some(tokio::spawn(async move {
                    tokio::time::sleep(after).await;
                    let _ = tx.send(Msg::WatchDue { token });
                }));
            }
        }
        false
    }

    fn send(&self, msg: Msg) {
        // The receiver lives as long as the loop; a failure means we are leaving.
        let _ = self.tx.send(msg);
    }

    fn blocking(&self, work: impl FnOnce() -> Msg + Send + 'static) {
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let _ = tx.send(work());
        });
    }

    /// Stops every run and timer (on the way out).
    pub(super) fn cancel_all(&mut self) {
        for (_, handle) in self.runs.drain() {
            handle.cancel();
        }
        if let Some(timer) = self.watch_timer.take() {
            timer.abort();
        }
    }
}
