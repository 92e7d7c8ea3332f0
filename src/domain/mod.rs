//! The pure core: names, strategies, answers and the plan they imply. No I/O.

pub mod acme;
pub mod answers;
pub mod deployment;
mod name_warnings;
pub mod plan;
pub mod server_name;
pub mod srv_owner;
pub mod strategy;
pub mod support;
pub mod validate;

pub use answers::{Answers, Field};
pub use deployment::{Deployment, Proxy};
pub use plan::{BaseDomainRole, CertRequirement, DnsRecord, FederationEndpoint, Notice, Plan};
pub use server_name::{Host, NameWarning, ServerName, ServerNameError};
pub use srv_owner::SrvService;
pub use strategy::Strategy;
pub use validate::{FieldError, plan};
