//! Response building blocks for the simulated HTTPS servers: fixed bodies,
//! streamed huge and slow bodies, JSON errors the Matrix way, and the path
//! handling a mangling proxy gets wrong.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::Response;
use hyper::body::Frame;
use serde_json::{Value, json};

pub(crate) type SimBody = UnsyncBoxBody<Bytes, Infallible>;
pub(crate) type SimResponse = Response<SimBody>;

/// A response with a fixed body. Header names and values come from the
/// scenario; invalid ones are skipped rather than failing the response.
pub(crate) fn full(
    status: u16,
    headers: &[(String, String)],
    body: impl Into<Bytes>,
) -> SimResponse {
    let mut builder = Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let body = Full::new(body.into()).boxed_unsync();
    match builder.body(body) {
        Ok(r) => r,
        // Only reached with a status outside 100..=999; answer 500 instead.
        Err(_) => {
            let mut r = Response::new(Full::new(Bytes::new()).boxed_unsync());
            *r.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
            r
        }
    }
}

/// A JSON body with `Content-Type: application/json` and the extra headers.
pub(crate) fn json_response(status: u16, extra: &[(String, String)], body: &Value) -> SimResponse {
    let mut headers = vec![("Content-Type".to_string(), "application/json".to_string())];
    headers.extend(extra.iter().cloned());
    full(
        status,
        &headers,
        serde_json::to_vec(body).unwrap_or_default(),
    )
}

/// A Matrix error body (`{"errcode": ..., "error": ...}`).
pub(crate) fn matrix_error(
    status: u16,
    extra: &[(String, String)],
    errcode: &str,
    error: &str,
) -> SimResponse {
    json_response(
        status,
        extra,
        &json!({ "errcode": errcode, "error": error }),
    )
}

/// The HTML 404 page a stock nginx serves.
pub(crate) fn nginx_404() -> SimResponse {
    let page = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n\
                <center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n\
                </body>\r\n</html>\r\n";
    full(
        404,
        &[("Content-Type".into(), "text/html".into())],
        Bytes::from_static(page.as_bytes()),
    )
}

const CHUNK: usize = 64 * 1024;

/// `total` bytes of filler, streamed in 64 KiB chunks (never held in memory).
pub(crate) fn huge(status: u16, headers: &[(String, String)], total: u64) -> SimResponse {
    let stream = futures::stream::unfold(total, |left| async move {
        if left == 0 {
            return None;
        }
        let n = left.min(CHUNK as u64);
        let chunk = Bytes::from(vec![b' '; usize::try_from(n).unwrap_or(CHUNK)]);
        Some((Ok::<_, Infallible>(Frame::data(chunk)), left - n))
    });
    let mut all = headers.to_vec();
    all.push(("Content-Length".into(), total.to_string()));
    with_body(status, &all, StreamBody::new(stream).boxed_unsync())
}

/// `chunk` bytes every `interval`, `total` in all.
pub(crate) fn slow(
    status: u16,
    headers: &[(String, String)],
    chunk: usize,
    interval: Duration,
    total: usize,
) -> SimResponse {
    let stream = futures::stream::unfold(total, move |left| async move {
        if left == 0 {
            return None;
        }
        tokio::time::sleep(interval).await;
        let n = left.min(chunk);
        Some((
            Ok::<_, Infallible>(Frame::data(Bytes::from(vec![b' '; n]))),
            left - n,
        ))
    });
    with_body(status, headers, StreamBody::new(stream).boxed_unsync())
}

fn with_body(status: u16, headers: &[(String, String)], body: SimBody) -> SimResponse {
    let mut response = full(status, headers, Bytes::new());
    *response.body_mut() = body;
    response
}

/// Percent-decodes a path the way nginx does before `proxy_pass` with a URI
/// part: every `%XX` becomes its byte (so `%2F` becomes a path separator).
pub(crate) fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The host part of a `Host` header (`name:port`, `[v6]:port`, `name`).
pub(crate) fn host_part(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match host.rsplit_once(':') {
        Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host,
    }
}

/// Removes every `Access-Control-*` header (a proxy that drops CORS).
pub(crate) fn strip_cors(response: &mut SimResponse) {
    let names: Vec<_> = response
        .headers()
        .keys()
        .filter(|n| n.as_str().starts_with("access-control-"))
        .cloned()
        .collect();
    for name in names {
        response.headers_mut().remove(name);
    }
}

/// What nginx's `add_header Access-Control-Allow-Origin "*" always;` does
/// in front of a homeserver that sends the header itself: a second copy.
pub(crate) fn add_cors(response: &mut SimResponse) {
    response.headers_mut().append(
        hyper::header::ACCESS_CONTROL_ALLOW_ORIGIN,
        hyper::header::HeaderValue::from_static("*"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_turns_escaped_slashes_into_separators() {
        assert_eq!(
            percent_decode("/_matrix/federation/v1/event/%24probe%2Fslash"),
            "/_matrix/federation/v1/event/$probe/slash"
        );
        assert_eq!(percent_decode("/a%2"), "/a%2");
        assert_eq!(percent_decode("/a%zz"), "/a%zz");
    }

    #[test]
    fn host_part_strips_ports() {
        assert_eq!(host_part("example.com:443"), "example.com");
        assert_eq!(host_part("example.com"), "example.com");
        assert_eq!(host_part("[::1]:8448"), "::1");
        assert_eq!(host_part("127.0.0.1:8448"), "127.0.0.1");
    }
}
