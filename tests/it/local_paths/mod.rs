//! Paths the user names on the command line: `generate --out` never
//! writes through a symlink or into a special file; every file option that
//! is read (`--config`, `--write-config`, `config show`, `--ca-file`)
//! refuses FIFOs, devices and directories before reading, and files over
//! its size limit.

mod out_dir;
mod read_paths;
