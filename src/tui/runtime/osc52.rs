//! Copying to the clipboard with OSC 52: the terminal (or tmux, or the
//! ssh client's terminal) puts the text on the system clipboard, so it works
//! over ssh with no clipboard program on the server.

use std::io::{self, Write};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// Many terminals drop longer OSC 52 payloads (xterm's default limit is
/// about 100 000 bytes of base64).
pub const MAX_BYTES: usize = 74_000;

/// The escape sequence that sets the clipboard (`c`) to `text`.
pub fn sequence(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", STANDARD.encode(text))
}

/// Writes the sequence; returns the number of bytes copied.
pub fn copy(out: &mut dyn Write, text: &str) -> io::Result<usize> {
    if text.len() > MAX_BYTES {
        return Err(io::Error::other(format!(
            "{} bytes is more than terminals accept through OSC 52 (about {MAX_BYTES}); save the \
             files (s) instead",
            text.len()
        )));
    }
    out.write_all(sequence(text).as_bytes())?;
    out.flush()?;
    Ok(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_the_text_in_base64() {
        assert_eq!(sequence("hi"), "\x1b]52;c;aGk=\x07");
        let mut out = Vec::new();
        assert_eq!(copy(&mut out, "server = \"m:443\"").expect("copied"), 16);
        assert!(out.starts_with(b"\x1b]52;c;"));
        let e = copy(&mut out, &"x".repeat(MAX_BYTES + 1)).expect_err("too big");
        assert!(e.to_string().contains("save the files"), "{e}");
    }
}
