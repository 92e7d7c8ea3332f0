//! A real homeserver and the simulated DNS inside the network namespace of
//! a proxy running in a test root ([`super::apply::InRoot`]): Synapse from
//! the virtualenv `scripts/oracles-setup` makes (`target/oracles/venv`,
//! the version pinned in `oracles/synapse/requirements.txt`), listening on
//! that namespace's `127.0.0.1:8008` with `server_name: example.com`,
//! sqlite and no federation outward; and the simulation's DNS server on
//! that namespace's `127.0.0.1:53`, answering for the names a scenario
//! gives. Nothing here touches the machine's own network.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::thread::JoinHandle;

use matrix_delegate::sim::{Listen, Scenario, Sim};

use super::apply::{eventually, listens_in};
use super::proxy::{process, programs};

/// The port Synapse listens on, where the generated configurations send
/// the Matrix APIs (`--upstream` default).
pub const SYNAPSE_PORT: u16 = 8008;

/// The Synapse virtualenv's python, or `None` after `SKIPPED: ...`
/// (outside CI only).
pub fn synapse_python() -> Option<PathBuf> {
    // Where scripts/oracles-setup puts the virtualenv (ORACLE_DIR, as for
    // the oracle tests).
    let oracle_dir = std::env::var_os("ORACLE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/oracles"));
    let python = oracle_dir.join("venv").join("bin").join("python");
    if python.exists() {
        return Some(python);
    }
    let why = format!(
        "no Synapse virtualenv at {} (run scripts/oracles-setup)",
        python.display()
    );
    assert!(!programs::in_ci(), "CI=true requires Synapse: {why}");
    println!("SKIPPED: {why}");
    None
}

/// A running Synapse; stopped when dropped.
pub struct Synapse {
    pub running: process::Running,
    _dir: tempfile::TempDir,
}

/// Synapse's configuration: the server name, the one listener (client and
/// federation APIs on plain HTTP behind the proxy, which sets
/// X-Forwarded-For), sqlite in `dir`, and nothing that reaches out: no
/// trusted key servers, federation with no one, no stats, no metrics.
/// It serves no well-known file itself (`serve_server_wellknown` would
/// answer `example.com:443`, its own name, not the delegated host).
fn config(dir: &Path) -> String {
    let d = dir.display();
    format!(
        "server_name: \"example.com\"
public_baseurl: \"https://matrix.example.com/\"
pid_file: \"{d}/homeserver.pid\"
listeners:
  - port: {SYNAPSE_PORT}
    bind_addresses: [\"127.0.0.1\"]
    type: http
    tls: false
    x_forwarded: true
    resources:
      - names: [client, federation]
        compress: false
database:
  name: sqlite3
  args:
    database: \"{d}/homeserver.db\"
media_store_path: \"{d}/media\"
signing_key_path: \"{d}/signing.key\"
report_stats: false
trusted_key_servers: []
suppress_key_server_warning: true
federation_domain_whitelist: []
serve_server_wellknown: false
enable_metrics: false
macaroon_secret_key: \"test-only-macaroon-secret\"
form_secret: \"test-only-form-secret\"
"
    )
}

/// Starts Synapse in the network namespace of process `pid` and waits
/// until it listens there.
pub fn start_synapse_in(python: &Path, pid: u32) -> Synapse {
    let dir = process::temp_dir();
    let conf = dir.path().join("homeserver.yaml");
    std::fs::write(&conf, config(dir.path())).expect("write homeserver.yaml");
    let keys = process::run(
        Command::new(python)
            .args(["-m", "synapse.app.homeserver", "--generate-keys", "-c"])
            .arg(&conf),
    );
    assert!(
        keys.status.success(),
        "synapse --generate-keys: {}",
        String::from_utf8_lossy(&keys.stderr)
    );
    let mut cmd = Command::new("nsenter");
    cmd.args(["-t", &pid.to_string(), "-n", "--"])
        .arg(python)
        .args(["-m", "synapse.app.homeserver", "-c"])
        .arg(&conf);
    let running = process::Running::spawn("synapse", cmd, dir.path());
    assert!(
        eventually(|| listens_in(pid, SYNAPSE_PORT)),
        "Synapse did not start:\n{}",
        running.log()
    );
    Synapse { running, _dir: dir }
}

/// The simulation's DNS server on `127.0.0.1:53` of a network namespace;
/// stopped when dropped.
pub struct DnsIn {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// A scenario that only answers DNS: every name in `hosts` has an A
/// record for 127.0.0.1, and `ns1.example.com` (also 127.0.0.1) is the
/// zone's authoritative server, which is this same server.
pub fn dns_only_scenario(hosts: &[&str]) -> Scenario {
    let mut text = String::from(
        "name = \"dns-only\"\ndescription = \"DNS for a real deployment in a network namespace\"\n\
         server_name = \"example.com\"\n\n[hosts]\n\"ns1.example.com\" = \"127.0.0.1\"\n",
    );
    for host in hosts {
        text.push_str(&format!("\"{host}\" = \"127.0.0.1\"\n"));
    }
    text.push_str("\n[[dns]]\nname = \"example.com\"\nns = [\"ns1.example.com\"]\n");
    Scenario::from_toml(&text).expect("DNS-only scenario")
}

/// Serves `scenario`'s DNS on `127.0.0.1:53` inside the network namespace
/// of process `pid`: a thread of this test enters that namespace (only
/// that thread: `setns` changes the calling thread) and runs the
/// simulation there on logical addresses.
pub fn dns_in(pid: u32, scenario: Scenario) -> DnsIn {
    let (ready_tx, ready_rx) = mpsc::channel::<Result<(), String>>();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let entered = std::fs::File::open(format!("/proc/{pid}/ns/net"))
            .map_err(|e| e.to_string())
            .and_then(|ns| {
                nix::sched::setns(ns, nix::sched::CloneFlags::CLONE_NEWNET)
                    .map_err(|e| e.to_string())
            });
        if let Err(e) = entered {
            let _ = ready_tx.send(Err(format!("setns into {pid}'s network: {e}")));
            return;
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            match Sim::start_listening(&scenario, Listen::LogicalAddresses).await {
                Ok(sim) => {
                    let _ = ready_tx.send(Ok(()));
                    let _ = stop_rx.await;
                    sim.shutdown().await;
                }
                Err(e) => {
                    let _ = ready_tx.send(Err(e.to_string()));
                }
            }
        });
    });
    match ready_rx.recv() {
        Ok(Ok(())) => DnsIn {
            stop: Some(stop_tx),
            thread: Some(thread),
        },
        Ok(Err(e)) => panic!("the simulated DNS did not start: {e}"),
        Err(_) => panic!("the simulated DNS thread ended before starting"),
    }
}

impl Drop for DnsIn {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// `matrix-delegate check example.com` run inside the network namespace
/// of process `pid`: the simulated DNS there, the test CA only.
pub fn check_in(pid: u32, ca_file: &Path, extra: &[&str]) -> std::process::Output {
    let mut cmd = Command::new("nsenter");
    cmd.args(["-t", &pid.to_string(), "-n", "--"])
        .arg(env!("CARGO_BIN_EXE_matrix-delegate"))
        .args([
            "check",
            "example.com",
            "--nameserver",
            "127.0.0.1:53",
            "--ca-only",
            "--allow-private-addresses",
            "--ca-file",
        ])
        .arg(ca_file)
        .args(extra);
    process::run(&mut cmd)
}
