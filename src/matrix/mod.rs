//! Matrix protocol knowledge with no I/O: canonical and signed JSON, SRV
//! ordering, the server and client well-known files, and the server
//! discovery state machine (Server-Server API, "Resolving server names").

pub mod canonical_json;
pub mod client_discovery;
pub mod discovery;
pub mod duplicate_keys;
pub mod peers;
pub mod signed_json;
pub mod srv;
pub mod well_known_server;
