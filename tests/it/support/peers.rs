//! Driving the peer models with the canned internet of
//! `support::check::world`.

use matrix_delegate::domain::ServerName;
use matrix_delegate::matrix::peers::{Context, Peer, PeerPath, PeerResolver};

use super::check::world::World;

/// `peer`'s path to `name` in `world` (a fresh peer at Unix time 0).
pub fn run(peer: Peer, world: &mut World, name: &str) -> PeerPath {
    run_with(peer, world, name, Context::default())
}

pub fn run_with(peer: Peer, world: &mut World, name: &str, ctx: Context) -> PeerPath {
    let name = ServerName::parse(name).expect("test server name");
    PeerResolver::run(peer, name, ctx, |need| world.answer(&need.as_need()))
}

/// (address, Host, SNI, certificate name) of every endpoint.
pub fn endpoints(path: &PeerPath) -> Vec<(String, String, Option<String>, String)> {
    path.endpoints()
        .into_iter()
        .map(|e| (e.address.to_string(), e.host_header, e.sni, e.cert_name))
        .collect()
}

/// The `Host` headers of every endpoint, in order.
pub fn hosts(path: &PeerPath) -> Vec<String> {
    path.endpoints()
        .into_iter()
        .map(|e| e.host_header)
        .collect()
}

/// The step as the JSON writes it (`-` when none).
pub fn step(path: &PeerPath) -> &'static str {
    path.step.map_or("-", |s| s.as_str())
}
