//! The `[global.well_known]` key set Continuwuity knows,
//! the old and foreign keys people still write, and "did you mean" hints.

/// Current keys, in the order Continuwuity documents them (and the order the
/// editor adds them in).
pub const KNOWN_KEYS: [&str; 8] = [
    "client",
    "server",
    "support_page",
    "support_role",
    "support_email",
    "support_mxid",
    "support_pgp_key",
    "policy_server_public_key",
];

/// The keys a plan can set.
pub const PLAN_KEYS: [&str; 6] = crate::domain::plan::WellKnownSection::KEYS;

/// Removed from `[global.well_known]`; now `[global.matrix_rtc] foci`.
pub const REMOVED_RTC_KEY: &str = "rtc_focus_server_urls";

/// Keys tuwunel reads under `[global.well_known]` that Continuwuity does not.
pub const TUWUNEL_ONLY_KEYS: [&str; 4] = [
    "rtc_transports",
    "livekit_url",
    "support_contact",
    "support_policy",
];

/// The old `[global]` keys (`well_known_client`, ...) that Continuwuity lists
/// as deprecated and ignores, with the key that replaced each.
pub fn deprecated_global_key(key: &str) -> Option<&'static str> {
    let rest = key.strip_prefix("well_known_")?;
    PLAN_KEYS.iter().copied().find(|k| *k == rest)
}

pub fn is_known(key: &str) -> bool {
    KNOWN_KEYS.contains(&key)
}

/// The known key closest to `key`, when it is close enough to be a typo.
pub fn suggest(key: &str) -> Option<&'static str> {
    let lower = key.to_ascii_lowercase().replace('-', "_");
    if let Some(k) = KNOWN_KEYS.iter().find(|k| **k == lower) {
        return Some(k);
    }
    let (best, distance) = KNOWN_KEYS
        .iter()
        .map(|k| (*k, edit_distance(&lower, k)))
        .min_by_key(|(_, d)| *d)?;
    // Short keys need a closer match: `url` is not a typo of `server`.
    let limit = (best.len() / 3).clamp(1, 4);
    (distance <= limit).then_some(best)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = substitution.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// If `line` is a commented-out assignment (`#server =`, `# client = "x"`),
/// the key and whether the `#` is directly followed by the key (the form the
/// generated example uses for its placeholders).
pub fn commented_key(line: &str) -> Option<(&str, bool)> {
    let rest = line.trim_start().strip_prefix('#')?;
    let tight = !rest.starts_with([' ', '\t']);
    let rest = rest.trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
        .unwrap_or(rest.len());
    let (key, after) = rest.split_at(end);
    (!key.is_empty() && after.trim_start().starts_with('=')).then_some((key, tight))
}

/// If `line` is a commented-out table header (`#[global.well_known]`), its path.
pub fn commented_header(line: &str) -> Option<String> {
    let rest = line.trim_start().strip_prefix('#')?.trim_start();
    let inner = rest.strip_prefix('[')?;
    let inner = inner.strip_prefix('[').unwrap_or(inner);
    let (path, _) = inner.split_once(']')?;
    let path: String = path.chars().filter(|c| !c.is_whitespace()).collect();
    (!path.is_empty()).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_catch_typos_only() {
        assert_eq!(suggest("suport_email"), Some("support_email"));
        assert_eq!(suggest("clinet"), Some("client"));
        assert_eq!(suggest("Server"), Some("server"));
        assert_eq!(suggest("support-mxid"), Some("support_mxid"));
        assert_eq!(suggest("support_matrix_id"), None);
        assert_eq!(suggest("url"), None);
    }

    #[test]
    fn deprecated_keys_map_to_their_successor() {
        assert_eq!(deprecated_global_key("well_known_client"), Some("client"));
        assert_eq!(
            deprecated_global_key("well_known_support_mxid"),
            Some("support_mxid")
        );
        // Real [global] settings that merely start with well_known_.
        assert_eq!(deprecated_global_key("well_known_timeout"), None);
        assert_eq!(deprecated_global_key("well_known_conn_timeout"), None);
    }

    #[test]
    fn commented_lines() {
        assert_eq!(commented_key("#server ="), Some(("server", true)));
        assert_eq!(
            commented_key("  # support_role = \"m.role.admin\""),
            Some(("support_role", false))
        );
        assert_eq!(commented_key("# example: \"matrix.example.com:443\""), None);
        assert_eq!(commented_key("# The server URL"), None);
        assert_eq!(
            commented_header("#[global.well_known]"),
            Some("global.well_known".into())
        );
        assert_eq!(
            commented_header("# [ global.tls ]  # x"),
            Some("global.tls".into())
        );
        assert_eq!(
            commented_header("# [1]: https://example.org"),
            Some("1".into())
        );
        assert_eq!(commented_header("# no header"), None);
        assert_eq!(
            commented_header("#[[global.well_known.rtc_transports]]"),
            Some("global.well_known.rtc_transports".into())
        );
    }
}
