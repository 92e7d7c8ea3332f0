//! What the fuzz targets share: how one fuzz input becomes a config file's
//! text plus the choices of a run ([`input`]), and views of a TOML text
//! computed without the crate under test ([`view`]), which the targets
//! compare the inspector's and the editor's answers with; and where
//! lines and names stand in a proxy configuration ([`located`]), which
//! the proxy scanner's answers are compared with.

pub mod input;
pub mod located;
pub mod view;

/// The UTF-8 byte-order mark some editors put at the start of a file.
pub const BOM: &str = "\u{feff}";

/// The text after a byte-order mark, if any: what the TOML parser reads.
pub fn body(text: &str) -> &str {
    text.strip_prefix(BOM).unwrap_or(text)
}
