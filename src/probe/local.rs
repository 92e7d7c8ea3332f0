//! Asking the homeserver itself, on the address its config file says it
//! listens on (plain HTTP on loopback, or its UNIX socket), for its
//! well-known files: the self-check after a config change, before any
//! public check. One HTTP/1.0 request per connection, so the answer ends
//! when the connection closes (or after `Content-Length` bytes); the body
//! is capped.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpStream, UnixStream};

use crate::selfcheck::listen::Endpoint;
use crate::selfcheck::{Asked, LocalFailure, LocalReply, WellKnownFile};

/// The most read of one answer: a well-known file is a few hundred bytes.
pub const LOCAL_ANSWER_CAP: usize = 64 * 1024;

/// Asks each endpoint in turn for `path` until one answers (the
/// homeserver listens on all of them). When none does, the failure that
/// says most: something that listens but fails (no answer in time, not
/// HTTP, permission) over nothing listening or a system error such as an
/// address family this machine lacks.
pub async fn ask_first(endpoints: &[Endpoint], path: &str, timeout: Duration) -> Asked {
    let mut failed = Vec::new();
    for endpoint in endpoints {
        let asked = ask(endpoint, path, timeout).await;
        if asked.reply.is_ok() {
            return asked;
        }
        failed.push(asked);
    }
    let telling = |a: &Asked| {
        matches!(
            a.reply,
            Err(LocalFailure::TimedOut | LocalFailure::NotHttp | LocalFailure::PermissionDenied)
        )
    };
    let listening = |a: &Asked| a.reply == Err(LocalFailure::NothingListens);
    let pick = failed
        .iter()
        .position(telling)
        .or_else(|| failed.iter().position(listening))
        .unwrap_or(0);
    if pick < failed.len() {
        return failed.swap_remove(pick);
    }
    Asked {
        at: "(no address)".to_string(),
        reply: Err(LocalFailure::NothingListens),
    }
}

/// Asks for both well-known files, each at the first endpoint that
/// answers: what [`crate::selfcheck::compare`] judges (`selfcheck` and the
/// wizard's step after writing the config file).
pub async fn ask_both(endpoints: &[Endpoint], timeout: Duration) -> Vec<(WellKnownFile, Asked)> {
    let mut asked = Vec::new();
    for file in WellKnownFile::ALL {
        asked.push((file, ask_first(endpoints, file.path(), timeout).await));
    }
    asked
}

/// Asks one endpoint for `path` within `timeout`.
pub async fn ask(endpoint: &Endpoint, path: &str, timeout: Duration) -> Asked {
    let reply = match tokio::time::timeout(timeout, exchange_at(endpoint, path)).await {
        Ok(reply) => reply,
        Err(_) => Err(LocalFailure::TimedOut),
    };
    Asked {
        at: endpoint.to_string(),
        reply,
    }
}

async fn exchange_at(endpoint: &Endpoint, path: &str) -> Result<LocalReply, LocalFailure> {
    match endpoint {
        Endpoint::Tcp(addr) => {
            exchange(TcpStream::connect(addr).await.map_err(failure)?, path).await
        }
        Endpoint::Unix(socket) => {
            exchange(UnixStream::connect(socket).await.map_err(failure)?, path).await
        }
    }
}

fn failure(e: std::io::Error) -> LocalFailure {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::ConnectionRefused | ErrorKind::NotFound => LocalFailure::NothingListens,
        ErrorKind::PermissionDenied => LocalFailure::PermissionDenied,
        _ => LocalFailure::Other(e.to_string()),
    }
}

async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    path: &str,
) -> Result<LocalReply, LocalFailure> {
    let request = format!(
        "GET {path} HTTP/1.0\r\nHost: localhost\r\nAccept: application/json\r\n\
         User-Agent: matrix-delegate/{}\r\n\r\n",
        env!("CARGO_PKG_VERSION")
    );
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(failure)?;
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let Some(reply) = complete(&raw)? {
            return Ok(reply);
        }
        let n = stream.read(&mut buf).await.map_err(failure)?;
        if n == 0 {
            return parse(&raw, true)?.ok_or(LocalFailure::NotHttp);
        }
        raw.extend_from_slice(&buf[..n]);
        if raw.len() > LOCAL_ANSWER_CAP {
            raw.truncate(LOCAL_ANSWER_CAP);
            return parse(&raw, true)?.ok_or(LocalFailure::NotHttp);
        }
    }
}

/// The answer, once `raw` holds all of it by its `Content-Length`.
fn complete(raw: &[u8]) -> Result<Option<LocalReply>, LocalFailure> {
    parse(raw, false)
}

/// The status and body of an HTTP/1.x answer. With `at_end` the body is
/// whatever followed the head; otherwise `None` until the head and
/// `Content-Length` bytes of body are there.
fn parse(raw: &[u8], at_end: bool) -> Result<Option<LocalReply>, LocalFailure> {
    let Some(head_end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        // What came so far must be the start of an HTTP/1.x status line.
        let start = &raw[..raw.len().min(7)];
        return if at_end || !b"HTTP/1.".starts_with(start) {
            Err(LocalFailure::NotHttp)
        } else {
            Ok(None)
        };
    };
    let head = String::from_utf8_lossy(&raw[..head_end]);
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.split(' ');
    let version = parts.next().unwrap_or("");
    let status: u16 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .filter(|_| version.starts_with("HTTP/1."))
        .ok_or(LocalFailure::NotHttp)?;
    let mut length = None;
    let mut chunked = false;
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse::<usize>().ok();
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value.eq_ignore_ascii_case("chunked");
            }
        }
    }
    let body = &raw[head_end + 4..];
    if chunked {
        return Ok(dechunk(body).map(|body| LocalReply { status, body }));
    }
    match length {
        Some(n) if body.len() >= n => Ok(Some(LocalReply {
            status,
            body: body[..n].to_vec(),
        })),
        _ if at_end => Ok(Some(LocalReply {
            status,
            body: body.to_vec(),
        })),
        _ => Ok(None),
    }
}

/// A chunked body once its last chunk is there.
fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n")?;
        let size_text = String::from_utf8_lossy(&rest[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size + 2..)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_by_length_at_the_end_and_chunked() {
        let raw = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";
        assert_eq!(
            parse(raw, false).unwrap(),
            Some(LocalReply {
                status: 200,
                body: b"{}".to_vec()
            })
        );
        assert_eq!(parse(&raw[..raw.len() - 1], false).unwrap(), None);
        let raw = b"HTTP/1.0 404 Not Found\r\n\r\nnope";
        assert_eq!(parse(raw, false).unwrap(), None);
        assert_eq!(parse(raw, true).unwrap().unwrap().body, b"nope");
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
        assert_eq!(parse(raw, false).unwrap().unwrap().body, b"{}");
        assert_eq!(
            parse(b"SSH-2.0-OpenSSH\r\n", true),
            Err(LocalFailure::NotHttp)
        );
        assert_eq!(parse(b"SSH-2.0", false), Err(LocalFailure::NotHttp));
        assert_eq!(parse(b"HTTP/1", false), Ok(None));
    }
}
