//! Reading a config file: a pure function over its text and an environment.

mod settings;
mod values;

use super::env::{self, EnvSetting};
use super::error::ConfigError;
use super::keys;
use super::layout::Layout;
use super::report::{
    ConfigReport, Finding, ServerNameInFile, Setting, Severity, Source, blank_keys,
};
use super::section;
use super::text::{self, dominant_eol};
use crate::safe_text::printable;

/// Collects findings; 0-based lines in, 1-based lines out.
#[derive(Default)]
pub(crate) struct Findings(pub Vec<Finding>);

impl Findings {
    pub(super) fn add(
        &mut self,
        severity: Severity,
        line: Option<usize>,
        message: impl Into<String>,
        suggestion: Option<String>,
    ) {
        self.0.push(Finding {
            severity,
            line: line.map(|l| l + 1),
            message: message.into(),
            suggestion,
        });
    }
}

/// Reads what matters for delegation from a config file's `text`, with the
/// environment `env` the homeserver runs with (pass the process environment,
/// or a container's, or nothing).
pub fn inspect(text: &str, env: &[(String, String)]) -> Result<ConfigReport, ConfigError> {
    let source = text::Source::new(text);
    let layout = Layout::parse(source.body)?;
    let env = env::analyse(env);
    let mut findings = Findings::default();

    let server_name_in_file = server_name_in_file(&layout);
    let server_name = effective_global(&layout, &env, "server_name");
    server_name_findings(&server_name_in_file, server_name.as_ref(), &mut findings);
    if let ServerNameInFile::Set { value, line } = &server_name_in_file {
        let is_string = layout
            .item(&["global", "server_name"])
            .and_then(|i| i.as_value())
            .is_some_and(|v| v.is_str());
        if !is_string {
            findings.add(
                Severity::Problem,
                Some(line - 1),
                format!(
                    "server_name must be a string in quotes, not `{}`: Continuwuity refuses to start",
                    printable(value)
                ),
                Some("write it as server_name = \"example.com\"".into()),
            );
        }
    }

    let address = effective_global(&layout, &env, "address")
        .unwrap_or_else(|| default_setting("[\"127.0.0.1\", \"::1\"]"));
    let port = effective_global(&layout, &env, "port").unwrap_or_else(|| default_setting("8008"));
    let unix_socket_path = effective_global(&layout, &env, "unix_socket_path");
    let allow_federation = effective_global(&layout, &env, "allow_federation")
        .unwrap_or_else(|| default_setting("true"));
    if allow_federation.value == "false" {
        findings.add(
            Severity::Warning,
            line_of(&allow_federation),
            "federation is disabled (allow_federation = false): /.well-known/matrix/server \
             answers 403 M_FORBIDDEN and no other server can reach this one",
            Some("set allow_federation = true if this server should federate".into()),
        );
    }

    let section = section::locate(&layout);
    let mut keys = blank_keys();
    settings::read_keys(&layout, &section, &mut keys, &mut findings);
    settings::other_forms(&layout, &section, &mut findings);
    values::apply_env(&env, &mut keys, &mut findings);
    values::check_values(&keys, &mut findings);
    root_level_keys(&layout, &mut findings);

    findings
        .0
        .sort_by_key(|f| (f.line.unwrap_or(usize::MAX), std::cmp::Reverse(f.severity)));
    Ok(ConfigReport {
        server_name_in_file,
        server_name,
        address,
        port,
        unix_socket_path,
        allow_federation,
        form: section.form,
        keys,
        env,
        findings: findings.0,
        crlf: dominant_eol(source.body) == "\r\n",
        bom: source.bom,
    })
}

fn default_setting(value: &str) -> Setting {
    Setting {
        value: value.to_string(),
        source: Source::Default,
    }
}

fn line_of(s: &Setting) -> Option<usize> {
    match s.source {
        Source::File { line } => Some(line - 1),
        _ => None,
    }
}

/// A `[global]` value from the file: (shown value, 0-based line).
pub(crate) fn file_global(layout: &Layout, key: &str) -> Option<(String, usize)> {
    let entry = layout.entry(&["global", key])?;
    // Dotted keys under the name (`server_name.x = 1`) make it a table,
    // not a value of its own.
    let value = layout
        .item(&["global", key])?
        .as_value()
        .filter(|v| !v.as_inline_table().is_some_and(|t| t.is_dotted()))?;
    let shown = value.as_str().map(str::to_string).unwrap_or_else(|| {
        layout
            .body
            .get(entry.value_span.clone())
            .unwrap_or("")
            .trim()
            .to_string()
    });
    Some((shown, entry.first_line))
}

/// The environment's value for a `[global]` key (the strongest prefix wins).
pub(crate) fn env_global<'e>(env: &'e [EnvSetting], key: &str) -> Option<(&'e str, &'e str)> {
    env.iter()
        .filter(|s| s.read_by_continuwuity())
        .filter_map(|s| s.global_value(key).map(|v| (s.prefix, v, s.var.as_str())))
        .max_by_key(|(prefix, _, _)| *prefix)
        .map(|(_, v, var)| (v, var))
}

/// The effective value: the environment's, else the file's.
fn effective_global(layout: &Layout, env: &[EnvSetting], key: &str) -> Option<Setting> {
    if let Some((value, var)) = env_global(env, key) {
        return Some(Setting {
            value: value.to_string(),
            source: Source::Env {
                var: var.to_string(),
            },
        });
    }
    file_global(layout, key).map(|(value, line)| Setting {
        value,
        source: Source::File { line: line + 1 },
    })
}

fn server_name_in_file(layout: &Layout) -> ServerNameInFile {
    if let Some((value, line)) = file_global(layout, "server_name") {
        return ServerNameInFile::Set {
            value,
            line: line + 1,
        };
    }
    layout
        .table_header(&["global"])
        .and_then(|h| {
            layout.region(h).find(|&i| {
                layout.is_comment_line(i)
                    && keys::commented_key(layout.line(i)).map(|(k, _)| k) == Some("server_name")
            })
        })
        .map_or(ServerNameInFile::Missing, |i| ServerNameInFile::Commented {
            line: i + 1,
        })
}

fn server_name_findings(
    in_file: &ServerNameInFile,
    effective: Option<&Setting>,
    findings: &mut Findings,
) {
    match (in_file, effective) {
        (ServerNameInFile::Commented { line }, None) => findings.add(
            Severity::Warning,
            Some(line - 1),
            "server_name is commented out: it probably comes from the homeserver's environment \
             (CONTINUWUITY_SERVER_NAME), which this tool cannot see from here",
            Some("make sure the container or service sets CONTINUWUITY_SERVER_NAME".into()),
        ),
        (ServerNameInFile::Missing, None) => findings.add(
            Severity::Problem,
            None,
            "server_name is not set in [global]: the homeserver will not start without it",
            Some("set server_name in [global] (it can never change afterwards)".into()),
        ),
        (
            ServerNameInFile::Set { value, line },
            Some(Setting {
                value: effective,
                source: Source::Env { var },
            }),
        ) if value != effective => findings.add(
            Severity::Warning,
            Some(line - 1),
            format!(
                "server_name `{}` in the file is overridden by {var} = `{}`",
                printable(value),
                printable(effective)
            ),
            Some("keep one of the two; the server name can never change".into()),
        ),
        _ => {}
    }
}

/// Keys written before any table header: Continuwuity reads only the
/// `[global]` family (figment treats top-level tables as profiles).
fn root_level_keys(layout: &Layout, findings: &mut Findings) {
    for e in layout.entries.iter().filter(|e| e.table.is_empty()) {
        let first = e.path[0].as_str();
        if first == "global" || first == "well_known" {
            continue; // dotted `global.x = ...` is read; `well_known` is reported elsewhere
        }
        let hint = keys::deprecated_global_key(first)
            .map(|k| format!("`{first}` is also deprecated: use `{k}` under [global.well_known]"))
            .unwrap_or_else(|| format!("move `{first}` under [global]"));
        findings.add(
            Severity::Problem,
            Some(e.first_line),
            format!("`{first}` is outside [global]: Continuwuity ignores it"),
            Some(hint),
        );
    }
}
