//! One fuzz input: the config file's text, then optionally a NUL byte and
//! the bytes the run's choices are drawn from (with `arbitrary`).
//!
//! TOML forbids a NUL byte anywhere in a file, so a config file is an input
//! as it is (the seeds in `seeds/config/` are plain config files); with no
//! choice bytes every choice takes its first variant, which is the typical
//! run (a plan's values, its server name, no environment).

use arbitrary::{Arbitrary, Unstructured};
use matrix_delegate::config_file::EditTarget;
use matrix_delegate::domain::plan::WellKnownSection;

/// Splits `data` into the text (invalid UTF-8 replaced, as a reader that
/// refuses it would never hand it on) and the choice bytes.
pub fn split(data: &[u8]) -> (String, Unstructured<'_>) {
    let (text, rest) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &data[data.len()..]),
    };
    (
        String::from_utf8_lossy(text).into_owned(),
        Unstructured::new(rest),
    )
}

/// The name of one environment variable the homeserver might run with.
#[derive(Arbitrary, Debug, Clone)]
pub enum EnvName {
    ContinuwuityServerName,
    ConduwuitServerName,
    ContinuwuityWellKnown,
    ContinuwuityWellKnownClient,
    ConduitWellKnownServer,
    ContinuwuityWellKnownSupportEmail,
    /// One underscore: the deprecated key.
    ContinuwuityWellKnownClientSingle,
    TuwunelWellKnownClient,
    ContinuwuityPort,
    ContinuwuityAllowFederation,
    /// `CONTINUWUITY_` followed by anything.
    Continuwuity(String),
    Any(String),
}

impl EnvName {
    pub fn name(&self) -> String {
        match self {
            EnvName::ContinuwuityServerName => "CONTINUWUITY_SERVER_NAME".into(),
            EnvName::ConduwuitServerName => "CONDUWUIT_SERVER_NAME".into(),
            EnvName::ContinuwuityWellKnown => "CONTINUWUITY_WELL_KNOWN".into(),
            EnvName::ContinuwuityWellKnownClient => "CONTINUWUITY_WELL_KNOWN__CLIENT".into(),
            EnvName::ConduitWellKnownServer => "CONDUIT_WELL_KNOWN__SERVER".into(),
            EnvName::ContinuwuityWellKnownSupportEmail => {
                "CONTINUWUITY_WELL_KNOWN__SUPPORT_EMAIL".into()
            }
            EnvName::ContinuwuityWellKnownClientSingle => "CONTINUWUITY_WELL_KNOWN_CLIENT".into(),
            EnvName::TuwunelWellKnownClient => "TUWUNEL_WELL_KNOWN__CLIENT".into(),
            EnvName::ContinuwuityPort => "CONTINUWUITY_PORT".into(),
            EnvName::ContinuwuityAllowFederation => "CONTINUWUITY_ALLOW_FEDERATION".into(),
            EnvName::Continuwuity(rest) => format!("CONTINUWUITY_{rest}"),
            EnvName::Any(name) => name.clone(),
        }
    }
}

/// The environment of a run: (name, value) pairs.
pub fn env(vars: &[(EnvName, String)]) -> Vec<(String, String)> {
    vars.iter().map(|(n, v)| (n.name(), v.clone())).collect()
}

/// What the inspector is run with besides the text.
#[derive(Arbitrary, Debug, Default)]
pub struct InspectChoices {
    pub env: Vec<(EnvName, String)>,
}

/// What one key of the section should become.
#[derive(Arbitrary, Debug, Clone)]
pub enum Wanted {
    /// The value a typical plan gives it.
    Typical,
    /// Left as the file has it.
    Keep,
    /// Commented out (or removed from an inline table).
    Unset,
    Set(String),
}

/// The server name the edit must find in the file.
#[derive(Arbitrary, Debug, Clone)]
pub enum Guard {
    /// `example.com`, the seeds' server name.
    Typical,
    /// No check.
    None,
    Name(String),
}

/// What the editor is run with besides the text.
#[derive(Arbitrary, Debug)]
pub struct EditChoices {
    /// In `WellKnownSection::KEYS` order.
    pub values: [Wanted; 6],
    pub guard: Guard,
    pub normalise: bool,
    pub env: Vec<(EnvName, String)>,
}

impl Default for EditChoices {
    fn default() -> Self {
        EditChoices {
            values: std::array::from_fn(|_| Wanted::Typical),
            guard: Guard::Typical,
            normalise: false,
            env: Vec::new(),
        }
    }
}

/// A typical plan's value for each key.
const TYPICAL: [&str; 6] = [
    "https://matrix.example.com",
    "matrix.example.com:443",
    "https://example.com/support",
    "m.role.admin",
    "admin@example.com",
    "@admin:example.com",
];

impl EditChoices {
    pub fn target(&self) -> EditTarget {
        let keys = WellKnownSection::KEYS;
        let value = |i: usize| match &self.values[i] {
            Wanted::Typical => Some(TYPICAL[i].to_string()),
            Wanted::Set(v) => Some(v.clone()),
            Wanted::Keep | Wanted::Unset => None,
        };
        let section = WellKnownSection {
            client: value(0),
            server: value(1),
            support_page: value(2),
            support_role: value(3),
            support_email: value(4),
            support_mxid: value(5),
        };
        let unset = keys
            .iter()
            .zip(&self.values)
            .filter(|(_, w)| matches!(w, Wanted::Unset))
            .map(|(k, _)| *k)
            .collect();
        let server_name = match &self.guard {
            Guard::Typical => Some("example.com".to_string()),
            Guard::None => None,
            Guard::Name(n) => Some(n.clone()),
        };
        EditTarget {
            server_name,
            section,
            unset,
        }
    }
}

/// Draws the choices, falling back to the typical ones when the bytes run
/// out or do not fit.
pub fn choices<'a, T: Arbitrary<'a> + Default>(u: &mut Unstructured<'a>) -> T {
    if u.is_empty() {
        return T::default();
    }
    T::arbitrary(u).unwrap_or_default()
}
