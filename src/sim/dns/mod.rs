//! The simulated DNS: the zone built from a scenario and the server that
//! answers from it.

pub mod server;
pub mod zone;
