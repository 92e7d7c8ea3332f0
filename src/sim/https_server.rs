//! One simulated HTTPS server (or, `plain-http`, HTTP server) per logical address: a real listener on the
//! same IP and a random port (the dial map joins the two), certificates
//! chosen by SNI, hyper 1 serving the scenario's routes.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, header};
use hyper_util::rt::TokioIo;
use rustls::ServerConfig;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use super::SimError;
use super::homeserver::Homeserver;
use super::http_util::{SimResponse, add_cors, host_part, nginx_404, percent_decode, strip_cors};
use super::log::{LoggedHello, LoggedRequest, SimLog};
use super::routes::respond;
use super::scenario::{PathMatch, ProxyMode, RouteSpec, ServerMode, ServerSpec};
use crate::observe::dns_name_matches;

pub(crate) struct ServerCtx {
    pub spec: ServerSpec,
    pub certs: Vec<(Vec<String>, Arc<CertifiedKey>)>,
    pub homeservers: Arc<HashMap<String, Homeserver>>,
    pub latency: Duration,
    pub log: Arc<SimLog>,
}

/// Starts the server and returns the real address to dial: a random port
/// on the logical IP, or the logical address itself with `on_logical_port`.
/// (`refuse` servers are not started: see `Sim::start`.)
pub(crate) async fn start(
    ctx: ServerCtx,
    on_logical_port: bool,
    tasks: &mut JoinSet<()>,
) -> Result<SocketAddr, SimError> {
    let logical = ctx.spec.address;
    let port = if on_logical_port { logical.port() } else { 0 };
    let listener = TcpListener::bind(SocketAddr::new(logical.ip(), port))
        .await
        .map_err(|e| SimError::Bind(format!("{logical}: {e}")))?;
    let real = listener
        .local_addr()
        .map_err(|e| SimError::Bind(format!("{logical}: {e}")))?;
    match ctx.spec.mode {
        // Not started by Sim::start, which reserves a closed port instead.
        ServerMode::Refuse => {}
        ServerMode::Blackhole => {
            tasks.spawn(blackhole(listener, ctx.log.clone()));
        }
        ServerMode::PlainHttp => {
            tasks.spawn(serve_plain(listener, Arc::new(ctx)));
        }
        ServerMode::Serve | ServerMode::NotHttp => {
            let ctx = Arc::new(ctx);
            let mut config = ServerConfig::builder_with_provider(crate::probe::trust::provider())
                .with_safe_default_protocol_versions()
                .map_err(|e| SimError::Pki(e.to_string()))?
                .with_no_client_auth()
                .with_cert_resolver(Arc::new(SniResolver { ctx: ctx.clone() }));
            config.alpn_protocols = vec![b"http/1.1".to_vec()];
            tasks.spawn(serve(listener, TlsAcceptor::from(Arc::new(config)), ctx));
        }
    }
    Ok(real)
}

/// Accepts connections and holds them open without a word.
async fn blackhole(listener: TcpListener, log: Arc<SimLog>) {
    let mut held = Vec::new();
    loop {
        if let Ok((stream, _)) = listener.accept().await {
            // Held (and counted as open) until the simulation stops.
            held.push((stream, log.connection()));
        }
    }
}

async fn serve(listener: TcpListener, acceptor: TlsAcceptor, ctx: Arc<ServerCtx>) {
    let mut connections = JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        // Without this, loopback responses stall ~40 ms (Nagle + delayed ACK).
        let _ = stream.set_nodelay(true);
        connections.spawn(connection(stream, acceptor.clone(), ctx.clone()));
        while connections.try_join_next().is_some() {}
    }
}

/// The same routes without TLS.
async fn serve_plain(listener: TcpListener, ctx: Arc<ServerCtx>) {
    let mut connections = JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let ctx = ctx.clone();
        connections.spawn(async move {
            let log = ctx.log.clone();
            let _open = log.connection();
            let service = service_fn(move |req| {
                let ctx = ctx.clone();
                async move { Ok::<_, Infallible>(handle(&ctx, None, req).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
        while connections.try_join_next().is_some() {}
    }
}

async fn connection(stream: TcpStream, acceptor: TlsAcceptor, ctx: Arc<ServerCtx>) {
    let log = ctx.log.clone();
    let _open = log.connection();
    let Ok(mut tls) = acceptor.accept(stream).await else {
        return;
    };
    if ctx.spec.mode == ServerMode::NotHttp {
        use tokio::io::AsyncWriteExt;
        let _ = tls
            .write_all(b"SSH-2.0-OpenSSH_9.6 not an HTTP server\r\n\r\n")
            .await;
        let _ = tls.shutdown().await;
        return;
    }
    let sni = tls.get_ref().1.server_name().map(str::to_string);
    let service = service_fn(move |req| {
        let (ctx, sni) = (ctx.clone(), sni.clone());
        async move { Ok::<_, Infallible>(handle(&ctx, sni, req).await) }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(TokioIo::new(tls), service)
        .await;
}

#[derive(Debug)]
struct SniResolver {
    ctx: Arc<ServerCtx>,
}

impl std::fmt::Debug for ServerCtx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerCtx")
            .field("address", &self.spec.address)
            .finish()
    }
}

impl ResolvesServerCert for SniResolver {
    /// Like a real server: the certificate whose names cover the SNI; with
    /// no SNI one for the listening IP; otherwise the first (the "default
    /// server", which is how wrong-name certificates happen).
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let sni = hello.server_name().map(str::to_string);
        self.ctx.log.hello(LoggedHello {
            address: self.ctx.spec.address,
            sni: sni.clone(),
        });
        let certs = &self.ctx.certs;
        let wanted = sni.unwrap_or_else(|| self.ctx.spec.address.ip().to_string());
        certs
            .iter()
            .find(|(names, _)| {
                names
                    .iter()
                    .any(|n| n == &wanted || dns_name_matches(n, &wanted))
            })
            .or_else(|| certs.first())
            .map(|(_, key)| key.clone())
    }
}

async fn handle(ctx: &ServerCtx, sni: Option<String>, req: Request<Incoming>) -> SimResponse {
    let header = |name| {
        req.headers()
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    let host = header(header::HOST);
    let target = req
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let method = req.method().as_str().to_string();
    ctx.log.request(LoggedRequest {
        address: ctx.spec.address,
        sni,
        host: host.clone(),
        method: method.clone(),
        target: target.clone(),
        origin: header(header::ORIGIN),
    });
    tokio::time::sleep(ctx.latency).await;

    let raw_path = target.split('?').next().unwrap_or("/");
    let mut response = match ctx.spec.proxy {
        ProxyMode::Html404Matrix if raw_path == "/_matrix" || raw_path.starts_with("/_matrix/") => {
            nginx_404()
        }
        ProxyMode::DecodePath => {
            let decoded = percent_decode(raw_path);
            route(ctx, &method, host.as_deref(), &decoded).await
        }
        _ => route(ctx, &method, host.as_deref(), raw_path).await,
    };
    match ctx.spec.proxy {
        ProxyMode::StripCors => strip_cors(&mut response),
        ProxyMode::AddCors => add_cors(&mut response),
        _ => {}
    }
    response
}

async fn route(ctx: &ServerCtx, method: &str, host: Option<&str>, path: &str) -> SimResponse {
    let found = ctx.spec.routes.iter().find(|r| matches(r, host, path));
    match found {
        Some(r) => respond(r, method, path, &ctx.homeservers).await,
        None => nginx_404(),
    }
}

/// Whether `route` answers a request with the `Host` header `host` (as
/// sent, port included) for `path`.
fn matches(route: &RouteSpec, host: Option<&str>, path: &str) -> bool {
    let host_ok = match (&route.host, host.map(host_part)) {
        (None, _) => true,
        (Some(want), Some(got)) => want.eq_ignore_ascii_case(got),
        (Some(_), None) => false,
    };
    let header_ok = match (&route.host_header, host) {
        (None, _) => true,
        (Some(want), Some(got)) => want.eq_ignore_ascii_case(got),
        (Some(_), None) => false,
    };
    host_ok
        && header_ok
        && match route.matching {
            PathMatch::Exact => route.path == path,
            PathMatch::Prefix => path.starts_with(&route.path),
        }
}
