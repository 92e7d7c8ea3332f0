//! What the Debian package ships besides the binary, made from the clap
//! definitions: shell completions (`matrix-delegate completions SHELL`) and
//! the manual pages (`matrix-delegate man --out DIR`). `.ci/deb-smoke`
//! installs the real package and uses them as an operator would.

mod completions;
mod manual;
