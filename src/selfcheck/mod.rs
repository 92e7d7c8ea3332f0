//! The homeserver's self-check, without I/O: where the running homeserver
//! listens according to its config file ([`listen`]), how to restart it
//! ([`restart`]), and whether what it answers locally for
//! `/.well-known/matrix/server` and `/.well-known/matrix/client` is what
//! its config file (or the plan just written into it) says. A homeserver
//! reads its config file only when it starts, so a running one that
//! answers the old values has not been restarted since the edit: that is
//! named as such here, before any public check could blame DNS, the proxy
//! or a cache. `probe::local` asks; this module judges.

pub mod listen;
pub mod restart;

use serde_json::Value;

use crate::domain::plan::WellKnownSection;

/// The two files the homeserver serves from `[global.well_known]`
/// (Matrix spec, server-server API, "Resolving server names", and
/// client-server API, "Well-known URIs").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WellKnownFile {
    Server,
    Client,
}

impl WellKnownFile {
    pub const ALL: [WellKnownFile; 2] = [WellKnownFile::Server, WellKnownFile::Client];

    pub fn path(self) -> &'static str {
        match self {
            WellKnownFile::Server => "/.well-known/matrix/server",
            WellKnownFile::Client => "/.well-known/matrix/client",
        }
    }

    /// The config key that sets the file's one value.
    pub fn key(self) -> &'static str {
        match self {
            WellKnownFile::Server => "server",
            WellKnownFile::Client => "client",
        }
    }
}

/// What the homeserver should answer: the values of `server` and `client`
/// in `[global.well_known]` (unset: no file, 404).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expected {
    pub server: Option<String>,
    pub client: Option<String>,
}

impl Expected {
    pub fn from_section(section: &WellKnownSection) -> Expected {
        Expected {
            server: section.server.clone(),
            client: section.client.clone(),
        }
    }

    fn value(&self, file: WellKnownFile) -> Option<&str> {
        match file {
            WellKnownFile::Server => self.server.as_deref(),
            WellKnownFile::Client => self.client.as_deref(),
        }
    }
}

/// One local answer: the status and the body (capped by the asker).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalReply {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Why nothing usable came back from the local address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalFailure {
    /// Nothing listens there (connection refused, or no socket file).
    NothingListens,
    /// Connected, but no answer within the time limit.
    TimedOut,
    /// The socket exists but may not be opened by this user.
    PermissionDenied,
    /// The answer is not HTTP/1.x.
    NotHttp,
    /// Any other error, as the system describes it.
    Other(String),
}

/// Where a local answer was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    /// `127.0.0.1:8008` or the socket's path.
    pub at: String,
    pub reply: Result<LocalReply, LocalFailure>,
}

/// The verdict on one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileVerdict {
    /// It answers what the config file says.
    Matches,
    /// It answers another value, or a file the config no longer sets: the
    /// running homeserver has not read the config file as it is now.
    Stale {
        want: Option<String>,
        got: Option<String>,
    },
    /// No file (`404`) although the config file sets a value: it still runs
    /// without the setting.
    NotServed { status: u16 },
    /// Another status, or a body that is not the file's JSON.
    Unexpected { status: u16, detail: String },
    /// Nothing usable came back.
    Unreachable(LocalFailure),
}

/// The self-check: one verdict per file, where it was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelfCheck {
    pub files: Vec<(WellKnownFile, String, FileVerdict)>,
}

impl SelfCheck {
    /// Every file answers as the config file says.
    pub fn passed(&self) -> bool {
        self.files
            .iter()
            .all(|(_, _, v)| matches!(v, FileVerdict::Matches))
    }

    /// The homeserver answered, but with what an older configuration says:
    /// it has not been restarted since the config file changed.
    pub fn needs_restart(&self) -> bool {
        self.files
            .iter()
            .any(|(_, _, v)| matches!(v, FileVerdict::Stale { .. } | FileVerdict::NotServed { .. }))
    }

    /// Nothing answered at all.
    pub fn unreachable(&self) -> bool {
        !self.files.is_empty()
            && self
                .files
                .iter()
                .all(|(_, _, v)| matches!(v, FileVerdict::Unreachable(_)))
    }
}

/// The value a file carries, as the homeserver builds it: `m.server` of
/// the server file, `m.homeserver.base_url` of the client file.
fn carried(file: WellKnownFile, body: &Value) -> Option<&str> {
    match file {
        WellKnownFile::Server => body.get("m.server")?.as_str(),
        WellKnownFile::Client => body.get("m.homeserver")?.get("base_url")?.as_str(),
    }
}

/// The same value for this comparison: a base URL with or without its
/// final `/` names the same homeserver (clients strip it, spec
/// client-server API, "Well-known URIs").
fn same(file: WellKnownFile, want: &str, got: &str) -> bool {
    match file {
        WellKnownFile::Server => want == got,
        WellKnownFile::Client => want.trim_end_matches('/') == got.trim_end_matches('/'),
    }
}

/// Judges one file's local answer against the expected value.
pub fn judge(
    file: WellKnownFile,
    expected: &Expected,
    reply: &Result<LocalReply, LocalFailure>,
) -> FileVerdict {
    let reply = match reply {
        Ok(r) => r,
        Err(failure) => return FileVerdict::Unreachable(failure.clone()),
    };
    let want = expected.value(file);
    match (reply.status, want) {
        (404, None) => FileVerdict::Matches,
        (404, Some(_)) => FileVerdict::NotServed { status: 404 },
        (200, _) => {
            let body: Value = match serde_json::from_slice(&reply.body) {
                Ok(v) => v,
                Err(e) => {
                    return FileVerdict::Unexpected {
                        status: 200,
                        detail: format!("the body is not JSON ({e})"),
                    };
                }
            };
            let got = carried(file, &body);
            match (want, got) {
                (Some(w), Some(g)) if same(file, w, g) => FileVerdict::Matches,
                (None, None) => FileVerdict::Matches,
                _ => FileVerdict::Stale {
                    want: want.map(str::to_string),
                    got: got.map(str::to_string),
                },
            }
        }
        (status, _) => FileVerdict::Unexpected {
            status,
            detail: format!("HTTP {status} instead of 200 or 404"),
        },
    }
}

/// Judges both files from the answers asked for them.
pub fn compare(expected: &Expected, asked: &[(WellKnownFile, Asked)]) -> SelfCheck {
    SelfCheck {
        files: asked
            .iter()
            .map(|(file, a)| (*file, a.at.clone(), judge(*file, expected, &a.reply)))
            .collect(),
    }
}

fn shown(value: &Option<String>) -> String {
    value
        .as_deref()
        .map_or_else(|| "no file".to_string(), |v| format!("\"{v}\""))
}

/// One line per file: its verdict, the file and where it was asked.
pub fn file_lines(check: &SelfCheck) -> Vec<String> {
    let mut lines = Vec::new();
    for (file, at, verdict) in &check.files {
        let what = format!("{} at {at}", file.path());
        lines.push(match verdict {
            FileVerdict::Matches => format!("ok      {what}: as the config file says"),
            FileVerdict::Stale { want, got } => format!(
                "stale   {what}: answers {}, the config file says {}",
                shown(got),
                shown(want)
            ),
            FileVerdict::NotServed { status } => format!(
                "stale   {what}: HTTP {status}, no file, but the config file sets {}",
                file.key()
            ),
            FileVerdict::Unexpected { detail, .. } => format!("wrong   {what}: {detail}"),
            FileVerdict::Unreachable(failure) => format!(
                "down    {what}: {}",
                match failure {
                    LocalFailure::NothingListens => "nothing listens there".to_string(),
                    LocalFailure::TimedOut => "no answer in time".to_string(),
                    LocalFailure::PermissionDenied =>
                        "permission denied (run as the homeserver's user or root)".to_string(),
                    LocalFailure::NotHttp => "the answer is not HTTP".to_string(),
                    LocalFailure::Other(e) => e.clone(),
                }
            ),
        });
    }
    lines
}

/// One line per file, then what to do; `restart` is the command that
/// restarts this homeserver (from [`restart::advice`]).
pub fn render(check: &SelfCheck, restart: &str) -> Vec<String> {
    let mut lines = file_lines(check);
    if check.passed() {
        lines.push(
            "The running homeserver answers what its config file says: the public checks \
             (`matrix-delegate check`) can run."
                .to_string(),
        );
    } else if check.needs_restart() {
        lines.push(format!(
            "The homeserver runs with an older configuration: it reads the config file only \
             when it starts. Restart it ({restart}), then run this again."
        ));
    } else if check.unreachable() {
        lines.push(format!(
            "The homeserver does not answer where its config file says it listens (address, \
             port, unix_socket_path). Is it running? Start it ({restart}), then run this again."
        ));
    } else {
        lines.push(
            "The homeserver answers, but not with these files: is another program listening \
             at that address?"
                .to_string(),
        );
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, body: &str) -> Result<LocalReply, LocalFailure> {
        Ok(LocalReply {
            status,
            body: body.as_bytes().to_vec(),
        })
    }

    fn expected() -> Expected {
        Expected {
            server: Some("matrix.example.com:443".into()),
            client: Some("https://matrix.example.com".into()),
        }
    }

    #[test]
    fn the_new_values_match_and_a_final_slash_does_not_matter() {
        let e = expected();
        assert_eq!(
            judge(
                WellKnownFile::Server,
                &e,
                &reply(200, r#"{"m.server":"matrix.example.com:443"}"#)
            ),
            FileVerdict::Matches
        );
        assert_eq!(
            judge(
                WellKnownFile::Client,
                &e,
                &reply(
                    200,
                    r#"{"m.homeserver":{"base_url":"https://matrix.example.com/"}}"#
                )
            ),
            FileVerdict::Matches
        );
    }

    #[test]
    fn old_values_and_a_missing_file_are_stale() {
        let e = expected();
        assert_eq!(
            judge(
                WellKnownFile::Server,
                &e,
                &reply(200, r#"{"m.server":"old.example.com:8448"}"#)
            ),
            FileVerdict::Stale {
                want: Some("matrix.example.com:443".into()),
                got: Some("old.example.com:8448".into())
            }
        );
        assert_eq!(
            judge(WellKnownFile::Client, &e, &reply(404, "{}")),
            FileVerdict::NotServed { status: 404 }
        );
        let none = Expected::default();
        assert_eq!(
            judge(WellKnownFile::Server, &none, &reply(404, "")),
            FileVerdict::Matches
        );
        assert!(matches!(
            judge(
                WellKnownFile::Server,
                &none,
                &reply(200, r#"{"m.server":"a:1"}"#)
            ),
            FileVerdict::Stale { want: None, .. }
        ));
    }

    #[test]
    fn other_answers_are_unexpected_or_unreachable() {
        let e = expected();
        assert!(matches!(
            judge(WellKnownFile::Server, &e, &reply(200, "<html>")),
            FileVerdict::Unexpected { status: 200, .. }
        ));
        assert!(matches!(
            judge(WellKnownFile::Server, &e, &reply(403, "{}")),
            FileVerdict::Unexpected { status: 403, .. }
        ));
        assert_eq!(
            judge(
                WellKnownFile::Server,
                &e,
                &Err(LocalFailure::NothingListens)
            ),
            FileVerdict::Unreachable(LocalFailure::NothingListens)
        );
    }

    #[test]
    fn the_advice_names_the_restart() {
        let asked = |body: &str| Asked {
            at: "127.0.0.1:8008".into(),
            reply: reply(200, body),
        };
        let check = compare(
            &expected(),
            &[
                (
                    WellKnownFile::Server,
                    asked(r#"{"m.server":"old.example.com:443"}"#),
                ),
                (
                    WellKnownFile::Client,
                    asked(r#"{"m.homeserver":{"base_url":"https://matrix.example.com"}}"#),
                ),
            ],
        );
        assert!(check.needs_restart() && !check.passed());
        let text = render(&check, "systemctl restart continuwuity").join("\n");
        assert!(text.contains("stale   /.well-known/matrix/server at 127.0.0.1:8008: answers \"old.example.com:443\", the config file says \"matrix.example.com:443\""), "{text}");
        assert!(
            text.contains("Restart it (systemctl restart continuwuity)"),
            "{text}"
        );
    }
}
