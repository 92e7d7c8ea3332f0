//! The generated proxy configurations run by the real programs (nginx,
//! Caddy, Apache, HAProxy) on loopback, and Traefik's labels checked
//! structurally.

mod remedies;
mod served;
mod traefik;
mod validate;
