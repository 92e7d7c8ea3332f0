//! What reading a config file found: the settings delegation depends on,
//! where each value comes from, and the problems worth telling the operator.
//! Built by [`super::inspect`]; shown by `config show` and the wizard, and
//! read by the live checks for their expectations.

use crate::domain::plan::WellKnownSection;

use super::env::EnvSetting;
use super::keys::KNOWN_KEYS;

/// Where a value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The config file (1-based line).
    File { line: usize },
    /// An environment variable, which overrides the file.
    Env { var: String },
    /// Set nowhere: the homeserver's default applies.
    Default,
}

/// A value and where it comes from. Strings are shown without quotes; other
/// TOML values as written (`["127.0.0.1", "::1"]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub value: String,
    pub source: Source,
}

/// How the file spells the section Continuwuity reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionForm {
    /// A `[global.well_known]` header (1-based line).
    Table { line: usize },
    /// `well_known = { ... }` inside `[global]`.
    InlineTable { line: usize },
    /// `well_known.client = ...` keys inside `[global]`.
    DottedKeys { line: usize },
    /// None of these: every key is unset (unless the environment sets it).
    Missing,
}

impl SectionForm {
    pub fn describe(self) -> String {
        match self {
            SectionForm::Table { line } => format!("[global.well_known] table at line {line}"),
            SectionForm::InlineTable { line } => {
                format!("inline table `well_known = {{ ... }}` in [global] at line {line}")
            }
            SectionForm::DottedKeys { line } => {
                format!("dotted keys `well_known.<key> = ...` in [global] from line {line}")
            }
            SectionForm::Missing => "no [global.well_known] section".to_string(),
        }
    }
}

/// One key of `[global.well_known]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyReport {
    pub key: &'static str,
    /// The value the file gives it (in the section Continuwuity reads).
    pub in_file: Option<Setting>,
    /// A commented-out line for it (`#server =`) inside the section, when unset.
    pub placeholder_line: Option<usize>,
    /// What the homeserver uses: an environment override, else the file.
    pub effective: Option<Setting>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Works, but probably not what was meant.
    Warning,
    /// The homeserver will not do what the file seems to say.
    Problem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    /// 1-based line in the file, when the finding is about one.
    pub line: Option<usize>,
    pub message: String,
    /// What to do about it.
    pub suggestion: Option<String>,
}

/// What the file says about `server_name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerNameInFile {
    Set {
        value: String,
        line: usize,
    },
    /// Only a commented-out line (`#server_name =`): it must come from the
    /// environment.
    Commented {
        line: usize,
    },
    Missing,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigReport {
    pub server_name_in_file: ServerNameInFile,
    /// The effective server name (environment over file).
    pub server_name: Option<Setting>,
    pub address: Setting,
    pub port: Setting,
    pub unix_socket_path: Option<Setting>,
    /// `true`/`false`.
    pub allow_federation: Setting,
    pub form: SectionForm,
    /// Every known key, in [`KNOWN_KEYS`] order.
    pub keys: Vec<KeyReport>,
    /// Environment variables that touch these settings.
    pub env: Vec<EnvSetting>,
    pub findings: Vec<Finding>,
    /// The file uses CRLF line endings / starts with a byte-order mark.
    pub crlf: bool,
    pub bom: bool,
}

impl ConfigReport {
    pub fn key(&self, key: &str) -> Option<&KeyReport> {
        self.keys.iter().find(|k| k.key == key)
    }

    fn effective(&self, key: &str) -> Option<&str> {
        self.key(key)
            .and_then(|k| k.effective.as_ref())
            .map(|s| s.value.as_str())
    }

    /// The server name the homeserver runs with, if known.
    pub fn server_name(&self) -> Option<&str> {
        self.server_name.as_ref().map(|s| s.value.as_str())
    }

    /// The effective `client` (what `/.well-known/matrix/client` will carry).
    pub fn client(&self) -> Option<&str> {
        self.effective("client")
    }

    /// The effective `server` (what `/.well-known/matrix/server` will carry).
    pub fn server(&self) -> Option<&str> {
        self.effective("server")
    }

    pub fn federation_enabled(&self) -> bool {
        self.allow_federation.value != "false"
    }

    /// The effective section, environment overrides applied.
    pub fn effective_section(&self) -> WellKnownSection {
        self.section(|k| self.effective(k))
    }

    /// The section as the file alone writes it.
    pub fn file_section(&self) -> WellKnownSection {
        self.section(|k| {
            self.key(k)
                .and_then(|r| r.in_file.as_ref())
                .map(|s| s.value.as_str())
        })
    }

    fn section<'s>(&'s self, get: impl Fn(&str) -> Option<&'s str>) -> WellKnownSection {
        let v = |k: &str| get(k).map(str::to_string);
        WellKnownSection {
            client: v("client"),
            server: v("server"),
            support_page: v("support_page"),
            support_role: v("support_role"),
            support_email: v("support_email"),
            support_mxid: v("support_mxid"),
        }
    }
}

/// An empty key list in the documented order.
pub(crate) fn blank_keys() -> Vec<KeyReport> {
    KNOWN_KEYS
        .iter()
        .map(|key| KeyReport {
            key,
            in_file: None,
            placeholder_line: None,
            effective: None,
        })
        .collect()
}
