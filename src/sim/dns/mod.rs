//! The simulated DNS: the zone built from a scenario and the server that
//! answers from it.

pub(super) mod server;
pub(super) mod zone;
