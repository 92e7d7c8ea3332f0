//! The simulated internet itself: the built-in scenarios and the stand-in
//! homeserver.

mod homeserver;
mod scenarios;
