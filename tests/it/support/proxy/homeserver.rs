//! A tiny stand-in for Continuwuity: it serves `/.well-known/matrix/*` from
//! the plan the way Continuwuity does (JSON with
//! `Access-Control-Allow-Origin: *`, 404 `M_NOT_FOUND` when unset), and
//! answers everything else with a JSON echo of what reached it (path exactly
//! as received, Host, X-Forwarded-For), so tests can see what a proxy did
//! to a request.

use std::net::SocketAddr;

use matrix_delegate::domain::Plan;
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, UnixListener};

/// A running stand-in; it stops when the test's runtime shuts down.
pub struct StandIn {
    pub addr: SocketAddr,
}

/// Starts the stand-in on an ephemeral loopback port. It speaks just
/// enough HTTP/1.1 for a proxy: one request per connection, then close.
pub async fn start(plan: &Plan) -> StandIn {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind stand-in");
    let addr = listener.local_addr().expect("stand-in address");
    let files = Files {
        server: plan.server_file(),
        client: Some(plan.client_file()),
        support: plan.support_file(),
    };
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let files = files.clone();
            tokio::spawn(async move { serve(stream, &files).await });
        }
    });
    StandIn { addr }
}

/// The same stand-in on a unix socket at `path` (Continuwuity's
/// `unix_socket_path`), open to every user: a proxy's workers may run as
/// another user than the test.
pub async fn start_unix(plan: &Plan, path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let listener = UnixListener::bind(path).expect("bind the stand-in's socket");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o777))
        .expect("socket permissions");
    let files = Files {
        server: plan.server_file(),
        client: Some(plan.client_file()),
        support: plan.support_file(),
    };
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let files = files.clone();
            tokio::spawn(async move { serve(stream, &files).await });
        }
    });
}

async fn serve<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, files: &Files) {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
        if head.len() > 64 * 1024 {
            return;
        }
    }
    let text = String::from_utf8_lossy(&head).to_string();
    let mut lines = text.split("\r\n");
    let target = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or("")
        .to_string();
    let headers: Vec<(String, String)> = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let (status, body) = answer(files, &target, &headers);
    let body = body.to_string();
    let reason = if status == 200 { "OK" } else { "Not Found" };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n\
         access-control-allow-origin: *\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[derive(Clone)]
struct Files {
    server: Option<Value>,
    client: Option<Value>,
    support: Option<Value>,
}

fn answer(files: &Files, target: &str, headers: &[(String, String)]) -> (u16, Value) {
    let path = target.split('?').next().unwrap_or("");
    let file = match path {
        "/.well-known/matrix/server" => Some(&files.server),
        "/.well-known/matrix/client" => Some(&files.client),
        "/.well-known/matrix/support" => Some(&files.support),
        _ => None,
    };
    match file {
        Some(Some(v)) => (200, v.clone()),
        Some(None) => (
            404,
            json!({"errcode": "M_NOT_FOUND", "error": "Not found."}),
        ),
        None => {
            let header = |name: &str| {
                headers
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
            };
            (
                200,
                json!({
                    "stand_in": true,
                    "path": target,
                    "host": header("host"),
                    "x_forwarded_for": header("x-forwarded-for"),
                }),
            )
        }
    }
}
