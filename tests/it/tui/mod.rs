//! The wizard: pure transitions, rendered screens, the runtime headless,
//! `demo`, the real services, and the real binary in tmux.

mod checks;
mod checks_report;
mod config;
mod demo;
mod demo_services;
mod dns_wait;
mod flow;
mod install;
mod keys;
mod review;
mod runtime;
mod screens;
mod tmux;
mod tmux_demo;
