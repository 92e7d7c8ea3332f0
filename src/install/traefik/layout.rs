//! Finding Traefik's configuration: the static configuration and the file
//! provider it names, or what `--proxy-config` names.
//!
//! The static configuration is the first of
//! `/etc/traefik/traefik.{toml,yaml,yml}`, then `$XDG_CONFIG_HOME/traefik`,
//! `$HOME/.config/traefik` and `./traefik` (`loadConfigFiles` in traefik's
//! `pkg/cli/loader_file.go`); only the `/etc` ones belong to a system
//! service, the others depend on the user and working directory Traefik
//! runs with, so they are named in the message, not searched.

use serde_json::Value;

use super::document::{Format, get, get_bool, get_str, parse};

/// The static configuration files Traefik tries, in its order.
pub const STATIC_CONFIGS: [&str; 3] = [
    "/etc/traefik/traefik.toml",
    "/etc/traefik/traefik.yaml",
    "/etc/traefik/traefik.yml",
];

/// `matrix-example.com.yml`.
pub fn file_name(server_name: &str) -> String {
    let conf = crate::install::file_name(server_name);
    format!("{}.yml", conf.trim_end_matches(".conf"))
}

/// What `--proxy-config PATH` named, as found under the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    /// A folder: the file provider's directory.
    Dir(String),
    /// The file to write (its folder is the directory).
    File(String),
}

/// The static configuration, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct StaticConfig {
    pub path: String,
    pub value: Value,
}

/// How the file reaches Traefik.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// A file of our own in the provider's directory.
    Directory,
    /// The provider reads one file (`providers.file.filename`), the
    /// operator's: it is not edited, the lines to add are printed.
    FilenameOnly,
}

/// Where the routers go and what is known about how Traefik reads them.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub mode: Mode,
    /// The directory whose files Traefik merges (`FilenameOnly`: the
    /// folder of the one file).
    pub dir: String,
    /// The file written (`FilenameOnly`: the operator's file).
    pub file: String,
    pub why: String,
    pub static_config: Option<StaticConfig>,
    /// `providers.file.watch` (true when not set, Traefik's default in
    /// `SetDefaults`); `None` without a static configuration.
    pub watch: Option<bool>,
}

/// Why nothing can be decided: nothing is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// A file Traefik reads does not parse; `error` quotes the parser.
    Unparseable { file: String, error: String },
    /// No static configuration, or one without a file provider.
    NoLayout {
        looked_for: Vec<String>,
        found: Option<String>,
    },
    /// `--proxy-config` names a file Traefik would not read as YAML.
    BadName { path: String },
}

fn parent(path: &str) -> String {
    match path.rsplit_once('/') {
        Some(("", _)) | None => "/".into(),
        Some((dir, _)) => dir.to_string(),
    }
}

/// Finds the layout from the static configurations that exist (path and
/// text, in [`STATIC_CONFIGS`] order) and `--proxy-config`.
pub fn layout(
    statics: &[(String, String)],
    named: Option<&Named>,
    server_name: &str,
) -> Result<Layout, Stop> {
    // Traefik loads the first one it finds and ignores the others.
    let static_config = match statics.first() {
        Some((path, text)) => {
            let format = Format::of(path).unwrap_or(Format::Yaml);
            let value = parse(text, format).map_err(|e| Stop::Unparseable {
                file: path.clone(),
                error: e.message,
            })?;
            Some(StaticConfig {
                path: path.clone(),
                value,
            })
        }
        None => None,
    };
    let file_provider = static_config
        .as_ref()
        .and_then(|s| get(&s.value, &["providers", "file"]).map(|f| (s, f)));
    let watch = file_provider.map(|(_, f)| get_bool(f, &["watch"]).unwrap_or(true));
    let own = file_name(server_name);
    if let Some(named) = named {
        let (dir, file) = match named {
            Named::Dir(d) => (d.trim_end_matches('/').to_string(), {
                format!("{}/{own}", d.trim_end_matches('/'))
            }),
            Named::File(f) => {
                if Format::of(f) != Some(Format::Yaml) {
                    return Err(Stop::BadName { path: f.clone() });
                }
                (parent(f), f.clone())
            }
        };
        let dir = if dir.is_empty() { "/".into() } else { dir };
        return Ok(Layout {
            mode: Mode::Directory,
            why: format!("named with --proxy-config; Traefik's file provider must read {dir}"),
            dir,
            file,
            static_config,
            watch,
        });
    }
    let looked_for = || {
        let mut l: Vec<String> = STATIC_CONFIGS
            .iter()
            .map(|p| format!("{p} (Traefik's static configuration)"))
            .collect();
        l.push(
            "providers.file.directory in it (the file provider's directory of dynamic \
             configuration)"
                .into(),
        );
        l
    };
    let Some((s, provider)) = file_provider else {
        return Err(Stop::NoLayout {
            looked_for: looked_for(),
            found: static_config.map(|s| {
                format!(
                    "{} has no file provider (providers.file): its routers come from other \
                     providers (Docker labels?), which apply cannot write",
                    s.path
                )
            }),
        });
    };
    if let Some(dir) = get_str(provider, &["directory"]).filter(|d| !d.is_empty()) {
        if !dir.starts_with('/') {
            return Err(Stop::NoLayout {
                looked_for: looked_for(),
                found: Some(format!(
                    "{}: providers.file.directory `{dir}` is relative to the folder Traefik is \
                     started in, which is not known here",
                    s.path
                )),
            });
        }
        let dir = dir.trim_end_matches('/').to_string();
        return Ok(Layout {
            mode: Mode::Directory,
            file: format!("{dir}/{own}"),
            why: format!(
                "a file of its own in {dir}, the file provider's directory ({})",
                s.path
            ),
            dir,
            static_config: static_config.clone(),
            watch,
        });
    }
    match get_str(provider, &["filename"]).filter(|f| f.starts_with('/')) {
        Some(filename) => Ok(Layout {
            mode: Mode::FilenameOnly,
            dir: parent(&filename),
            why: format!(
                "the file provider reads one file, {filename} ({}), which is yours",
                s.path
            ),
            file: filename,
            static_config: static_config.clone(),
            watch,
        }),
        None => Err(Stop::NoLayout {
            looked_for: looked_for(),
            found: Some(format!(
                "{}: providers.file has no absolute directory or filename",
                s.path
            )),
        }),
    }
}
