//! `matrix-delegate selfcheck --config FILE` and the step after
//! `generate --write-config`: the running homeserver, asked on the address
//! its config file names (TCP on loopback or its UNIX socket), answers the
//! values of the file or older ones. A loopback stand-in plays the
//! homeserver, once with the old answers (not restarted since the edit)
//! and once with the new ones.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::unix::net::UnixListener;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::support::output::{code, stdout};
use crate::support::proxy::process;

pub(crate) const NEW_SERVER: &str = r#"{"m.server":"matrix.example.com:443"}"#;
pub(crate) const NEW_CLIENT: &str =
    r#"{"m.homeserver":{"base_url":"https://matrix.example.com/"}}"#;
pub(crate) const OLD_SERVER: &str = r#"{"m.server":"old.example.com:8448"}"#;

/// A homeserver stand-in: `server` and `client` are the bodies of the two
/// files (`None`: 404), one HTTP/1.x answer per connection.
struct StandIn {
    stop: Arc<AtomicBool>,
    wake: Box<dyn Fn()>,
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        (self.wake)();
    }
}

pub(crate) fn answer(stream: &mut dyn ReadWrite, server: Option<&str>, client: Option<&str>) {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let request = String::from_utf8_lossy(&head);
    let path = request.split(' ').nth(1).unwrap_or("");
    let body = match path {
        "/.well-known/matrix/server" => server,
        "/.well-known/matrix/client" => client,
        _ => None,
    };
    // Continuwuity's answer for a file that is not set.
    let (status, body) = match body {
        Some(b) => ("200 OK", b),
        None => (
            "404 Not Found",
            r#"{"errcode":"M_NOT_FOUND","error":"Not found."}"#,
        ),
    };
    let reply = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(reply.as_bytes());
}

pub(crate) trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}

fn serve_tcp(server: Option<&'static str>, client: Option<&'static str>) -> (StandIn, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            if flag.load(Ordering::SeqCst) {
                return;
            }
            if let Ok(mut s) = stream {
                answer(&mut s, server, client);
            }
        }
    });
    let wake = Box::new(move || {
        let _ = std::net::TcpStream::connect(("127.0.0.1", port));
    });
    (StandIn { stop, wake }, port)
}

fn serve_unix(
    socket: &Path,
    server: Option<&'static str>,
    client: Option<&'static str>,
) -> StandIn {
    let listener = UnixListener::bind(socket).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            if flag.load(Ordering::SeqCst) {
                return;
            }
            if let Ok(mut s) = stream {
                answer(&mut s, server, client);
            }
        }
    });
    let path = socket.to_path_buf();
    let wake = Box::new(move || {
        let _ = std::os::unix::net::UnixStream::connect(&path);
    });
    StandIn { stop, wake }
}

/// A Continuwuity config with the plan's section, listening as `listen`
/// says (`address = ...`, `port = ...` or `unix_socket_path = ...`).
fn config(dir: &Path, listen: &str) -> std::path::PathBuf {
    let path = dir.join("continuwuity.toml");
    std::fs::write(
        &path,
        format!(
            "[global]\nserver_name = \"example.com\"\n{listen}\n\n[global.well_known]\n\
             server = \"matrix.example.com:443\"\nclient = \"https://matrix.example.com\"\n"
        ),
    )
    .unwrap();
    path
}

fn selfcheck(config: &Path) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_matrix-delegate"));
    cmd.args(["selfcheck", "--timeout", "5", "--config"])
        .arg(config)
        .env_remove("CONTINUWUITY_CONFIG");
    process::run(&mut cmd)
}

#[test]
fn a_homeserver_that_answers_the_new_values_passes() {
    let (_hs, port) = serve_tcp(Some(NEW_SERVER), Some(NEW_CLIENT));
    let dir = process::temp_dir();
    let conf = config(
        dir.path(),
        &format!("address = [\"127.0.0.1\"]\nport = {port}"),
    );
    let out = selfcheck(&conf);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(
        text.contains(&format!(
            "ok      /.well-known/matrix/server at 127.0.0.1:{port}: as the config file says"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "ok      /.well-known/matrix/client at 127.0.0.1:{port}"
        )),
        "{text}"
    );
    assert!(text.contains("the public checks"), "{text}");
}

#[test]
fn a_homeserver_still_answering_the_old_values_is_named_not_restarted() {
    // Before the edit the file had another server and no client value.
    let (_hs, port) = serve_tcp(Some(OLD_SERVER), None);
    let dir = process::temp_dir();
    let conf = config(
        dir.path(),
        &format!("address = \"127.0.0.1\"\nport = {port}"),
    );
    let out = selfcheck(&conf);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(
        text.contains(&format!(
            "stale   /.well-known/matrix/server at 127.0.0.1:{port}: answers \"old.example.com:8448\", the config file says \"matrix.example.com:443\""
        )),
        "{text}"
    );
    assert!(
        text.contains("stale   /.well-known/matrix/client")
            && text.contains("HTTP 404, no file, but the config file sets client"),
        "{text}"
    );
    assert!(
        text.contains("The homeserver runs with an older configuration")
            && text.contains("Restart it ("),
        "{text}"
    );
}

#[test]
fn nothing_listening_is_named_as_such() {
    let port = process::free_port();
    let dir = process::temp_dir();
    let conf = config(dir.path(), &format!("address = \"0.0.0.0\"\nport = {port}"));
    let out = selfcheck(&conf);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(
        text.contains(&format!(
            "down    /.well-known/matrix/server at 127.0.0.1:{port}: nothing listens there"
        )),
        "{text}"
    );
    assert!(text.contains("Is it running?"), "{text}");
}

#[test]
fn the_unix_socket_of_the_config_file_is_asked() {
    let dir = process::temp_dir();
    let socket = dir.path().join("continuwuity.sock");
    let _hs = serve_unix(&socket, Some(NEW_SERVER), Some(NEW_CLIENT));
    let conf = config(
        dir.path(),
        &format!("unix_socket_path = \"{}\"", socket.display()),
    );
    let out = selfcheck(&conf);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(
        text.contains(&format!("at unix:{}", socket.display())),
        "{text}"
    );
}

#[test]
fn a_listen_setting_that_names_no_address_is_refused() {
    let dir = process::temp_dir();
    let conf = config(dir.path(), "address = \"localhost\"\nport = 8008");
    let out = selfcheck(&conf);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(
        text.contains("address = localhost is not an IP address or a list of them"),
        "{text}"
    );
}

#[test]
fn write_config_without_a_terminal_says_to_restart_and_how_to_check() {
    let dir = process::temp_dir();
    let conf = config(dir.path(), "address = \"127.0.0.1\"\nport = 8008");
    std::fs::write(&conf, "[global]\nserver_name = \"example.com\"\n").unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_matrix-delegate"));
    cmd.args([
        "generate",
        "--server-name",
        "example.com",
        "--host",
        "matrix.example.com",
        "--yes",
        "--write-config",
    ])
    .arg(&conf);
    let out = process::run(&mut cmd);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(
        text.contains("Next: restart the homeserver (systemctl restart")
            && text.contains(&format!(
                "then `matrix-delegate selfcheck --config {}` asks it",
                conf.display()
            )),
        "{text}"
    );
}
