//! Where the names come from: the command line, then `--names-from FILE`
//! (`-` for standard input), one name per line. The file is read line by
//! line on its own thread, so a list of 100,000 names is never held whole
//! and checks start while it is still being read. Duplicates are dropped
//! here (the first spelling wins), invalid lines are passed on with their
//! line number.

use std::collections::HashSet;
use std::fmt;
use std::io::{self, BufRead, BufReader};
use std::path::Path;

use tokio::sync::mpsc;

use crate::domain::ServerName;
use crate::local_file::{FileKind, ReadError, open_regular};

/// The longest line read as a name: a server name is at most 255
/// characters of host plus a port; anything much longer is not a name
/// (a binary file, a CSV export), so it is reported, not buffered.
pub const MAX_LINE_BYTES: usize = 4096;

/// Where a name was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The n-th SERVER_NAME on the command line (from 1).
    Argument(usize),
    /// A line of the names file (from 1); `source` is how the file is
    /// shown (its path, or `<stdin>`).
    Line { source: String, line: usize },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Argument(n) => write!(f, "argument {n}"),
            Origin::Line { source, line } => write!(f, "{source}:{line}"),
        }
    }
}

/// Why a line (or an argument) is not a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineProblem {
    /// The server-name grammar refused it (the parser's words).
    Invalid(String),
    /// Longer than [`MAX_LINE_BYTES`].
    TooLong,
    /// Not UTF-8 text.
    NotText,
}

impl fmt::Display for LineProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LineProblem::Invalid(why) => f.write_str(why),
            LineProblem::TooLong => write!(
                f,
                "the line is longer than {MAX_LINE_BYTES} bytes; a server name is a host and an optional port"
            ),
            LineProblem::NotText => f.write_str("the line is not UTF-8 text"),
        }
    }
}

/// One item of input, in input order.
#[derive(Debug)]
pub enum Entry {
    /// A valid name seen for the first time.
    Name { name: ServerName, origin: Origin },
    /// A name already seen (compared without regard to case); checked once.
    Duplicate { origin: Origin },
    /// A line that is not a server name; `text` is the line as read
    /// (lossily decoded, possibly cut).
    Invalid {
        origin: Origin,
        text: String,
        problem: LineProblem,
    },
    /// Reading stopped early: the file could not be read any further.
    ReadError { source: String, message: String },
}

/// A names file that passed the up-front checks, ready to be read.
pub struct NamesFile {
    /// How messages name it: the path as given, or `<stdin>`.
    pub label: String,
    reader: Box<dyn BufRead + Send>,
}

impl fmt::Debug for NamesFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NamesFile")
            .field("label", &self.label)
            .finish()
    }
}

/// Why `--names-from` cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("--names-from {path}: no such file")]
    NotFound { path: String },
    #[error("--names-from {path}: is a directory; give a file with one server name per line")]
    Directory { path: String },
    #[error(
        "--names-from {path}: is {what}, not a regular file; to read names from a pipe, use `--names-from -` and send them to standard input"
    )]
    NotRegular { path: String, what: &'static str },
    #[error("--names-from {path}: cannot read it: {message}")]
    Unreadable { path: String, message: String },
}

impl NamesFile {
    /// `-` is standard input; anything else must be a regular file, opened
    /// the careful way ([`open_regular`]: a directory, a device, a FIFO or a
    /// socket is refused before anything is read, so a FIFO cannot block
    /// the start). The file is then streamed, never read whole.
    pub fn open(path: &Path) -> Result<NamesFile, OpenError> {
        if path == Path::new("-") {
            return Ok(NamesFile {
                label: "<stdin>".to_string(),
                reader: Box::new(BufReader::new(io::stdin())),
            });
        }
        let shown = path.display().to_string();
        let file = open_regular(path).map_err(|e| match e {
            ReadError::NotFound { .. } => OpenError::NotFound {
                path: shown.clone(),
            },
            ReadError::NotAFile {
                kind: FileKind::Directory,
                ..
            } => OpenError::Directory {
                path: shown.clone(),
            },
            ReadError::NotAFile { kind, .. } => OpenError::NotRegular {
                path: shown.clone(),
                what: kind.described(),
            },
            ReadError::PermissionDenied { .. } => OpenError::Unreadable {
                path: shown.clone(),
                message: "permission denied".to_string(),
            },
            ReadError::Io { source, .. } => OpenError::Unreadable {
                path: shown.clone(),
                message: source.to_string(),
            },
            // Not from opening; worded by the helper.
            other @ (ReadError::TooLarge { .. } | ReadError::NotUtf8 { .. }) => {
                OpenError::Unreadable {
                    path: shown.clone(),
                    message: other.to_string(),
                }
            }
        })?;
        Ok(NamesFile {
            label: shown,
            reader: Box::new(BufReader::new(file)),
        })
    }

    /// Reads from any reader (the tests and the benchmark use this).
    pub fn from_reader(label: impl Into<String>, reader: impl BufRead + Send + 'static) -> Self {
        NamesFile {
            label: label.into(),
            reader: Box::new(reader),
        }
    }
}

/// Sends every name (command line first, then the file) to `tx`, in
/// order, on a thread of its own; ends when the input ends or when the
/// receiver is gone. The thread is detached: a read blocked on a terminal
/// must not keep the program alive after an interruption.
pub fn spawn_reader(
    arguments: Vec<String>,
    file: Option<NamesFile>,
    tx: mpsc::Sender<Entry>,
) -> io::Result<()> {
    std::thread::Builder::new()
        .name("names-reader".into())
        .spawn(move || read_all(arguments, file, &tx))
        .map(drop)
}

fn read_all(arguments: Vec<String>, file: Option<NamesFile>, tx: &mpsc::Sender<Entry>) {
    let mut seen = HashSet::new();
    for (i, text) in arguments.into_iter().enumerate() {
        let origin = Origin::Argument(i + 1);
        let entry = match ServerName::parse(&text) {
            Ok(name) => classify(&mut seen, name, origin),
            Err(e) => Entry::Invalid {
                origin,
                text,
                problem: LineProblem::Invalid(e.to_string()),
            },
        };
        if tx.blocking_send(entry).is_err() {
            return;
        }
    }
    let Some(NamesFile { label, mut reader }) = file else {
        return;
    };
    let mut buf = Vec::new();
    let mut line = 0;
    loop {
        buf.clear();
        let read = match read_capped_line(&mut reader, &mut buf, MAX_LINE_BYTES) {
            Ok(Some(read)) => read,
            Ok(None) => return,
            Err(e) => {
                let _ = tx.blocking_send(Entry::ReadError {
                    source: label.clone(),
                    message: format!("after line {line}: {e}"),
                });
                return;
            }
        };
        line += 1;
        let origin = Origin::Line {
            source: label.clone(),
            line,
        };
        let entry = match parse_line(&buf, read.too_long) {
            ParsedLine::Skip => continue,
            ParsedLine::Name(name) => classify(&mut seen, name, origin),
            ParsedLine::Invalid(text, problem) => Entry::Invalid {
                origin,
                text,
                problem,
            },
        };
        if tx.blocking_send(entry).is_err() {
            return;
        }
    }
}

/// Names are compared as DNS compares them: without regard to ASCII case.
fn classify(seen: &mut HashSet<String>, name: ServerName, origin: Origin) -> Entry {
    if seen.insert(name.as_str().to_ascii_lowercase()) {
        Entry::Name { name, origin }
    } else {
        Entry::Duplicate { origin }
    }
}

/// What one line holds.
#[derive(Debug, PartialEq, Eq)]
pub enum ParsedLine {
    /// Blank, or only a comment.
    Skip,
    Name(ServerName),
    Invalid(String, LineProblem),
}

/// One line (without its newline): `#` starts a comment anywhere (a server
/// name never contains `#`), surrounding white space is ignored, a
/// trailing CR (a file written on Windows) too.
pub fn parse_line(bytes: &[u8], too_long: bool) -> ParsedLine {
    let lossy = || String::from_utf8_lossy(bytes).into_owned();
    if too_long {
        return ParsedLine::Invalid(lossy(), LineProblem::TooLong);
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return ParsedLine::Invalid(lossy(), LineProblem::NotText);
    };
    let text = text.split('#').next().unwrap_or("").trim();
    if text.is_empty() {
        return ParsedLine::Skip;
    }
    match ServerName::parse(text) {
        Ok(name) => ParsedLine::Name(name),
        Err(e) => ParsedLine::Invalid(text.to_string(), LineProblem::Invalid(e.to_string())),
    }
}

/// A line read by [`read_capped_line`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineRead {
    /// The line was longer than the cap: `buf` holds its first `cap`
    /// bytes, the rest was skipped.
    pub too_long: bool,
}

/// Reads one line into `buf` (without the `\n`), keeping at most `cap`
/// bytes of it. `None` at the end of the input.
pub fn read_capped_line(
    reader: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    cap: usize,
) -> io::Result<Option<LineRead>> {
    let mut too_long = false;
    let mut any = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(any.then_some(LineRead { too_long }));
        }
        any = true;
        let (chunk, used, done) = match available.iter().position(|b| *b == b'\n') {
            Some(at) => (&available[..at], at + 1, true),
            None => (available, available.len(), false),
        };
        let room = cap.saturating_sub(buf.len());
        if chunk.len() > room {
            too_long = true;
        }
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        reader.consume(used);
        if done {
            return Ok(Some(LineRead { too_long }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &[u8], cap: usize) -> Vec<(Vec<u8>, bool)> {
        let mut reader: &[u8] = text;
        let mut out = Vec::new();
        let mut buf = Vec::new();
        while let Some(read) = read_capped_line(&mut reader, &mut buf, cap).unwrap() {
            out.push((buf.clone(), read.too_long));
            buf.clear();
        }
        out
    }

    #[test]
    fn lines_are_split_and_capped() {
        assert_eq!(
            lines(b"a\nbb\n\nccc", 2),
            vec![
                (b"a".to_vec(), false),
                (b"bb".to_vec(), false),
                (b"".to_vec(), false),
                (b"cc".to_vec(), true),
            ]
        );
        assert!(lines(b"", 10).is_empty());
    }

    #[test]
    fn comments_blank_lines_and_crlf() {
        assert_eq!(parse_line(b"   ", false), ParsedLine::Skip);
        assert_eq!(parse_line(b"# all of them", false), ParsedLine::Skip);
        assert!(matches!(
            parse_line(b" example.com  # production\r", false),
            ParsedLine::Name(n) if n.as_str() == "example.com"
        ));
        assert!(matches!(
            parse_line(b"example.com\r", false),
            ParsedLine::Name(n) if n.as_str() == "example.com"
        ));
        assert!(matches!(
            parse_line(b"https://example.com", false),
            ParsedLine::Invalid(t, LineProblem::Invalid(_)) if t == "https://example.com"
        ));
        assert!(matches!(
            parse_line(b"\xff\xfe", false),
            ParsedLine::Invalid(_, LineProblem::NotText)
        ));
        assert!(matches!(
            parse_line(b"example.com", true),
            ParsedLine::Invalid(_, LineProblem::TooLong)
        ));
    }

    #[test]
    fn duplicates_ignore_case() {
        let mut seen = HashSet::new();
        let name = |s: &str| ServerName::parse(s).unwrap();
        assert!(matches!(
            classify(&mut seen, name("Example.com"), Origin::Argument(1)),
            Entry::Name { .. }
        ));
        assert!(matches!(
            classify(&mut seen, name("example.COM"), Origin::Argument(2)),
            Entry::Duplicate { .. }
        ));
    }
}
