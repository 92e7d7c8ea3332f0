//! Environment overrides of the well-known keys, and the classic mistakes in
//! the values themselves.

use crate::domain::ServerName;
use crate::domain::support::{validate_email, validate_role, validate_user_id};

use super::Findings;
use crate::config_file::env::{EnvMeaning, EnvSetting, PREFIXES};
use crate::config_file::keys;
use crate::config_file::report::{KeyReport, Setting, Severity, Source};
use crate::safe_text::printable;

/// Sets each key's effective value and reports every variable that changes
/// (or fails to change) the section.
pub(crate) fn apply_env(env: &[EnvSetting], keys: &mut [KeyReport], findings: &mut Findings) {
    for report in keys.iter_mut() {
        let winner = env
            .iter()
            .filter(|s| s.read_by_continuwuity())
            .filter_map(|s| s.well_known_value(report.key).map(|v| (s, v)))
            .max_by_key(|(s, _)| {
                (
                    s.prefix,
                    matches!(s.meaning, EnvMeaning::WellKnownKey { .. }),
                )
            });
        report.effective = match winner {
            Some((s, value)) => {
                let detail = match &report.in_file {
                    Some(f) if f.value != value => format!(
                        ", overriding the file (which says `{}`)",
                        printable(&f.value)
                    ),
                    Some(_) => " (the file says the same)".to_string(),
                    None => String::new(),
                };
                findings.add(
                    Severity::Info,
                    None,
                    format!(
                        "{} sets {} = `{}`{detail}",
                        s.var,
                        report.key,
                        printable(value)
                    ),
                    None,
                );
                Some(Setting {
                    value: value.to_string(),
                    source: Source::Env { var: s.var.clone() },
                })
            }
            None => report.in_file.clone(),
        };
    }
    for s in env {
        shape_findings(s, findings);
    }
}

fn shape_findings(s: &EnvSetting, findings: &mut Findings) {
    let prefix = s
        .var
        .get(..PREFIXES[s.prefix].len())
        .unwrap_or(PREFIXES[s.prefix]);
    let var = &s.var;
    if !s.read_by_continuwuity() && !matches!(s.meaning, EnvMeaning::Global { .. }) {
        findings.add(
            Severity::Info,
            None,
            format!("{var} is read by tuwunel only; Continuwuity ignores TUWUNEL_ variables"),
            None,
        );
    }
    let per_key = format!("{prefix}WELL_KNOWN__CLIENT");
    match &s.meaning {
        EnvMeaning::SectionJson { entries } => {
            let dict = if entries.is_empty() {
                "client=https://matrix.example.com, server=matrix.example.com:443".to_string()
            } else {
                entries
                    .iter()
                    .map(|(k, v)| format!("{}={}", printable(k), printable(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            findings.add(
                Severity::Problem,
                None,
                format!(
                    "{var} holds JSON, which figment does not read: the whole value becomes one \
                     string instead of a table, so none of its keys apply (Continuwuity most \
                     likely refuses to start)"
                ),
                Some(format!(
                    "write it in figment's syntax, {var}=\"{{ {dict} }}\", or use one variable \
                     per key ({per_key}=...)"
                )),
            )
        }
        EnvMeaning::SectionNotATable => findings.add(
            Severity::Problem,
            None,
            format!("{var} is not a table `{{ key=value, ... }}`: none of its keys apply"),
            Some(format!("use one variable per key ({per_key}=...)")),
        ),
        EnvMeaning::SingleUnderscore { key } => findings.add(
            Severity::Problem,
            None,
            format!(
                "{var} has a single underscore: it sets the deprecated [global] key \
                 `well_known_{key}`, which is ignored"
            ),
            Some(format!(
                "use {prefix}WELL_KNOWN__{} (two underscores nest the key)",
                key.to_ascii_uppercase()
            )),
        ),
        EnvMeaning::UnknownWellKnownKey { key, suggestion } => {
            unknown_env_key(var, key, *suggestion, prefix, findings)
        }
        EnvMeaning::Section { entries } => {
            for (key, _) in entries.iter().filter(|(k, _)| !keys::is_known(k)) {
                unknown_env_key(var, key, keys::suggest(key), prefix, findings);
            }
        }
        EnvMeaning::WellKnownKey { .. } | EnvMeaning::Global { .. } => {}
    }
}

fn unknown_env_key(
    var: &str,
    key: &str,
    suggestion: Option<&'static str>,
    prefix: &str,
    findings: &mut Findings,
) {
    findings.add(
        Severity::Problem,
        None,
        format!(
            "{var} sets unknown key `{}` in [global.well_known]: Continuwuity drops it silently",
            printable(key)
        ),
        suggestion.map(|k| {
            format!(
                "did you mean `{k}` ({prefix}WELL_KNOWN__{})?",
                k.to_ascii_uppercase()
            )
        }),
    );
}

/// Checks one value: `Err` says why it is wrong.
type Validator = fn(&str) -> Result<(), String>;

/// The classic mistakes in the effective values.
pub(crate) fn check_values(keys: &[KeyReport], findings: &mut Findings) {
    let get = |k: &str| {
        keys.iter()
            .find(|r| r.key == k)
            .and_then(|r| r.effective.as_ref())
    };
    let line = |s: &Setting| match s.source {
        Source::File { line } => Some(line - 1),
        _ => None,
    };
    match get("client") {
        Some(s) => check_client(s, line(s), findings),
        None => findings.add(
            Severity::Info,
            None,
            "client is not set: /.well-known/matrix/client answers 404 M_NOT_FOUND (fine only \
             when another web server publishes that file)",
            None,
        ),
    }
    match get("server") {
        Some(s) => check_server(s, line(s), findings),
        None => findings.add(
            Severity::Info,
            None,
            "server is not set: /.well-known/matrix/server answers 404, so other servers fall \
             back to SRV records or port 8448 (right only for the srv and none strategies)",
            None,
        ),
    }
    if let Some(s) = get("support_page")
        && url::Url::parse(&s.value).is_err()
    {
        findings.add(
            Severity::Problem,
            line(s),
            format!(
                "support_page `{}` is not a URL: Continuwuity refuses to start",
                printable(&s.value)
            ),
            None,
        );
    }
    let checks: [(&str, Validator); 3] = [
        ("support_mxid", |v| validate_user_id(v).map(|_| ())),
        ("support_email", validate_email),
        ("support_role", validate_role),
    ];
    for (key, check) in checks {
        if let Some(s) = get(key)
            && let Err(why) = check(&s.value)
        {
            findings.add(Severity::Warning, line(s), format!("{key}: {why}"), None);
        }
    }
    if get("support_role").is_some()
        && get("support_email").is_none()
        && get("support_mxid").is_none()
    {
        findings.add(
            Severity::Info,
            None,
            "support_role has no effect without support_email or support_mxid (Continuwuity \
             then lists the admin room's members)",
            None,
        );
    }
}

fn check_client(s: &Setting, line: Option<usize>, findings: &mut Findings) {
    let shown = printable(&s.value);
    match url::Url::parse(&s.value) {
        Err(e) => findings.add(
            Severity::Problem,
            line,
            format!("client `{shown}` is not a URL ({e}): Continuwuity refuses to start"),
            Some("write the full base URL, e.g. https://matrix.example.com".into()),
        ),
        Ok(u) if u.scheme() != "https" => findings.add(
            Severity::Warning,
            line,
            format!("client `{shown}` does not use https: web clients and most apps refuse it"),
            None,
        ),
        Ok(_) => {}
    }
}

fn check_server(s: &Setting, line: Option<usize>, findings: &mut Findings) {
    let shown = printable(&s.value);
    if s.value.contains("://") || s.value.contains('/') {
        findings.add(
            Severity::Problem,
            line,
            format!("server `{shown}` must be host:port, without a scheme or path"),
            Some("for example server = \"matrix.example.com:443\"".into()),
        );
        return;
    }
    match ServerName::parse(&s.value) {
        Err(e) => findings.add(
            Severity::Problem,
            line,
            format!("server `{shown}` is not a valid host[:port]: {e}"),
            None,
        ),
        Ok(name) if name.port.is_none() => findings.add(
            Severity::Warning,
            line,
            format!(
                "server `{shown}` has no port: other servers then look up the SRV record \
                 _matrix-fed._tcp.{shown} and otherwise use port 8448"
            ),
            Some(format!(
                "add the port (`{shown}:443`) unless you use the srv+well-known strategy"
            )),
        ),
        Ok(_) => {}
    }
}
