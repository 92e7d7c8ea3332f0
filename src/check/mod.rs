//! Live checks: all network I/O of the program lives under this module.

pub mod model;
pub mod net;
