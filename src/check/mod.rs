//! The checks: their ids and results, the verdicts that judge observations
//! against the Matrix spec and the operator's intent, the mistakes they
//! recognise and the remedies they suggest. Pure: no I/O.

pub mod causality;
pub mod evaluate;
pub mod expect;
pub mod mistakes;
pub mod model;
pub mod remedy;
pub mod verdict;
