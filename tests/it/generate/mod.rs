//! What matrix-delegate writes: the generated text (snapshots),
//! `matrix-delegate generate` as a program, and the server-name parser the
//! answers go through.

mod cli;
mod next_steps;
mod server_name_props;
mod snapshots;
