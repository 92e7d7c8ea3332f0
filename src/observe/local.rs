//! Failures of this machine, not of the server: the process ran out of file
//! descriptors, the kernel out of socket buffers or local ports. A check that
//! meets one could not test the server at all; the reports say so ("on this
//! machine") and never count it as the server's failure.

use std::fmt;
use std::io;

/// A local resource that ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LocalProblem {
    /// EMFILE / ENFILE: the process's or the system's limit of open files
    /// (`ulimit -n`).
    OpenFiles,
    /// ENOBUFS / ENOMEM: no buffer space for another socket.
    Buffers,
    /// EADDRNOTAVAIL: no local address or port left to connect from.
    Ports,
}

/// `errno` values, the same on Linux, the BSDs and macOS.
const ENFILE: i32 = 23;
const EMFILE: i32 = 24;
const ENOMEM: i32 = 12;
/// ENOBUFS differs: 105 on Linux, 55 on the BSDs and macOS.
#[cfg(target_os = "linux")]
const ENOBUFS: i32 = 105;
#[cfg(not(target_os = "linux"))]
const ENOBUFS: i32 = 55;

impl LocalProblem {
    /// The local problem an I/O error is, if it is one (by its kind or its
    /// `errno`, never by its text).
    pub fn of_io(e: &io::Error) -> Option<LocalProblem> {
        match e.kind() {
            io::ErrorKind::AddrNotAvailable => return Some(LocalProblem::Ports),
            io::ErrorKind::OutOfMemory => return Some(LocalProblem::Buffers),
            _ => {}
        }
        match e.raw_os_error()? {
            EMFILE | ENFILE => Some(LocalProblem::OpenFiles),
            ENOBUFS | ENOMEM => Some(LocalProblem::Buffers),
            _ => None,
        }
    }

    /// The first local problem in an error's chain of causes.
    pub fn in_chain(e: &(dyn std::error::Error + 'static)) -> Option<LocalProblem> {
        let mut next = Some(e);
        let mut depth = 0;
        while let Some(err) = next {
            next = err.source();
            if let Some(io) = err.downcast_ref::<io::Error>() {
                if let Some(problem) = LocalProblem::of_io(io) {
                    return Some(problem);
                }
                // A wrapped I/O error hides its inner error from `source()`.
                if let Some(inner) = io.get_ref() {
                    next = Some(inner);
                }
            }
            depth += 1;
            if depth > 16 {
                break;
            }
        }
        None
    }

    /// What to do about it.
    pub fn remedy(self) -> &'static str {
        match self {
            LocalProblem::OpenFiles => {
                "Raise this machine's open-file limit (`ulimit -n 4096`) or check fewer names \
                 at once, then run the check again."
            }
            LocalProblem::Buffers => {
                "This machine is short of memory or socket buffers: close other network-heavy \
                 programs, then run the check again."
            }
            LocalProblem::Ports => {
                "This machine has no local port or address left to connect from (many \
                 connections in TIME_WAIT, or the address family is not configured): wait a \
                 minute, then run the check again."
            }
        }
    }
}

impl fmt::Display for LocalProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LocalProblem::OpenFiles => "too many open files on this machine (ulimit -n)",
            LocalProblem::Buffers => "no buffer space for another socket on this machine",
            LocalProblem::Ports => "no local address or port left on this machine",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_limits_are_told_by_errno_and_kind() {
        let emfile = io::Error::from_raw_os_error(EMFILE);
        assert_eq!(LocalProblem::of_io(&emfile), Some(LocalProblem::OpenFiles));
        let enfile = io::Error::from_raw_os_error(ENFILE);
        assert_eq!(LocalProblem::of_io(&enfile), Some(LocalProblem::OpenFiles));
        let enobufs = io::Error::from_raw_os_error(ENOBUFS);
        assert_eq!(LocalProblem::of_io(&enobufs), Some(LocalProblem::Buffers));
        let ports = io::Error::from(io::ErrorKind::AddrNotAvailable);
        assert_eq!(LocalProblem::of_io(&ports), Some(LocalProblem::Ports));
        let refused = io::Error::from(io::ErrorKind::ConnectionRefused);
        assert_eq!(LocalProblem::of_io(&refused), None);
        let wrapped = io::Error::other(io::Error::from_raw_os_error(EMFILE));
        assert_eq!(
            LocalProblem::in_chain(&wrapped),
            Some(LocalProblem::OpenFiles)
        );
        assert!(
            LocalProblem::OpenFiles
                .to_string()
                .contains("on this machine")
        );
    }
}
