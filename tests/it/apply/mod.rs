//! `matrix-delegate apply` as a program, against configuration trees
//! under a temporary `--root` and the real proxy programs.

mod apache;
mod caddy;
mod certificates_first;
mod haproxy;
mod interrupted;
mod nginx;
mod remove;
mod scan;
mod traefik;
mod with_synapse;
