//! The peer models (`matrix::peers`): each test pins a behaviour in which a
//! peer differs from the spec, so it fails if that peer were modelled as
//! the spec.

mod addresses;
mod fetch;
mod host_forms;
mod invalid_m_server;
mod oracle_findings;
mod resolver;
mod retention;
mod spec_equivalence;
mod srv;
