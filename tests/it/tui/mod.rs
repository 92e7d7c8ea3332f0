//! The wizard: pure transitions, rendered screens, the runtime headless,
//! `demo`, the real services, and the real binary in tmux.

mod checks;
mod checks_report;
mod colours;
mod config;
mod defaults;
mod demo;
mod demo_screens;
mod demo_services;
mod dns_wait;
mod flow;
mod install;
mod keys;
mod messages;
mod review;
mod runtime;
mod screens;
mod selfcheck;
mod tmux;
mod tmux_demo;
