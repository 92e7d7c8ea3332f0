//! The simulated internet itself: the built-in scenarios and the stand-in
//! homeserver.

mod fleet;
mod homeserver;
mod logical;
mod scenarios;
