//! The real check runner against the simulated internet: built-in
//! scenarios, the acceptance cases, hostile answers and the event stream.

mod acceptance;
mod bounded;
mod events;
mod hostile;
mod peer_scenarios;
mod scenarios;
