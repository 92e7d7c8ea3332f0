//! The simulated authoritative DNS server: UDP and TCP on the same
//! `127.0.0.1:<random>` port (or on a given address and port), answering
//! from a [`Zone`].

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::task::JoinSet;

use super::zone::{Reply, Transport, Zone};
use crate::sim::SimError;
use crate::sim::log::{LoggedDnsQuery, SimLog};

/// Binds UDP and TCP on one port and spawns the serving tasks into `tasks`.
pub(crate) async fn start(
    zone: Arc<Zone>,
    log: Arc<SimLog>,
    tasks: &mut JoinSet<()>,
) -> Result<SocketAddr, SimError> {
    // The TCP port must match the UDP one; retry if another socket has it.
    for _ in 0..20 {
        let udp = UdpSocket::bind("127.0.0.1:0")
            .await
            .map_err(|e| SimError::Bind(format!("DNS over UDP: {e}")))?;
        let addr = udp
            .local_addr()
            .map_err(|e| SimError::Bind(format!("DNS over UDP: {e}")))?;
        let Ok(tcp) = TcpListener::bind(addr).await else {
            continue;
        };
        let udp = Arc::new(udp);
        tasks.spawn(serve_udp(udp, zone.clone(), log.clone()));
        tasks.spawn(serve_tcp(tcp, zone, log));
        return Ok(addr);
    }
    Err(SimError::Bind(
        "no port free for DNS on both UDP and TCP".into(),
    ))
}

/// Binds UDP and TCP on exactly `at` (port 53 of a logical nameserver
/// address) and spawns the serving tasks into `tasks`.
pub(crate) async fn start_at(
    at: SocketAddr,
    zone: Arc<Zone>,
    log: Arc<SimLog>,
    tasks: &mut JoinSet<()>,
) -> Result<SocketAddr, SimError> {
    let udp = UdpSocket::bind(at)
        .await
        .map_err(|e| SimError::Bind(format!("DNS over UDP on {at}: {e}")))?;
    let tcp = TcpListener::bind(at)
        .await
        .map_err(|e| SimError::Bind(format!("DNS over TCP on {at}: {e}")))?;
    tasks.spawn(serve_udp(Arc::new(udp), zone.clone(), log.clone()));
    tasks.spawn(serve_tcp(tcp, zone, log));
    Ok(at)
}

async fn serve_udp(socket: Arc<UdpSocket>, zone: Arc<Zone>, log: Arc<SimLog>) {
    let mut queries = JoinSet::new();
    let mut buf = vec![0u8; 4096];
    loop {
        let Ok((len, peer)) = socket.recv_from(&mut buf).await else {
            continue;
        };
        let request = buf[..len].to_vec();
        log_query(&log, &request, "udp");
        let (socket, zone, log) = (socket.clone(), zone.clone(), log.clone());
        // Each answer waits out its own delay without holding up the others.
        queries.spawn(async move {
            let _in_flight = log.dns_in_flight();
            if let Reply::Send { bytes, delay } = zone.reply(&request, Transport::Udp) {
                tokio::time::sleep(delay).await;
                let _ = socket.send_to(&bytes, peer).await;
            }
        });
        // Reap finished answers so the set does not grow without bound.
        while queries.try_join_next().is_some() {}
    }
}

async fn serve_tcp(listener: TcpListener, zone: Arc<Zone>, log: Arc<SimLog>) {
    let mut connections = JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        connections.spawn(serve_tcp_connection(stream, zone.clone(), log.clone()));
        while connections.try_join_next().is_some() {}
    }
}

async fn serve_tcp_connection(mut stream: TcpStream, zone: Arc<Zone>, log: Arc<SimLog>) {
    loop {
        let Ok(len) = stream.read_u16().await else {
            return;
        };
        let mut request = vec![0u8; usize::from(len)];
        if stream.read_exact(&mut request).await.is_err() {
            return;
        }
        log_query(&log, &request, "tcp");
        let _in_flight = log.dns_in_flight();
        match zone.reply(&request, Transport::Tcp) {
            Reply::Send { bytes, delay } => {
                tokio::time::sleep(delay).await;
                let Ok(len) = u16::try_from(bytes.len()) else {
                    return;
                };
                if stream.write_u16(len).await.is_err() || stream.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Reply::Silent => {}
            Reply::Close => return,
        }
    }
}

/// Records the question of a query (its first one) in the log.
fn log_query(log: &SimLog, raw: &[u8], transport: &'static str) {
    let Ok(msg) = hickory_proto::op::Message::from_vec(raw) else {
        return;
    };
    if let Some(q) = msg.queries.first() {
        log.dns_query(LoggedDnsQuery {
            name: super::zone::normalize(&q.name().to_ascii()),
            kind: q.query_type().to_string(),
            transport,
        });
    }
}
