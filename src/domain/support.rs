//! Support contacts for `/.well-known/matrix/support` (Matrix spec,
//! client-server API "GET /.well-known/matrix/support", from MSC1929).

use super::server_name::ServerName;

/// The roles the spec defines; anything else must be namespaced
/// (Java package naming, e.g. `org.example.role.ops`).
pub const KNOWN_ROLES: [&str; 2] = ["m.role.admin", "m.role.security"];

/// Checks a contact role. `Ok(())` or the reason it is refused.
pub fn validate_role(role: &str) -> Result<(), String> {
    if KNOWN_ROLES.contains(&role) {
        return Ok(());
    }
    if role.starts_with("m.") {
        return Err(format!(
            "`{role}` is not a role the spec defines; the `m.` ones are {}",
            KNOWN_ROLES.join(" and ")
        ));
    }
    let labels: Vec<&str> = role.split('.').collect();
    let valid_label = |l: &&str| {
        !l.is_empty()
            && l.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-".contains(c))
    };
    if labels.len() < 2 || !labels.iter().all(valid_label) {
        return Err(format!(
            "`{role}` is neither m.role.admin nor m.role.security, and a custom role must be \
             namespaced like `org.example.role.ops`"
        ));
    }
    Ok(())
}

/// A user ID `@localpart:server_name` (spec appendix "User Identifiers").
/// Returns the parsed server name on success.
pub fn validate_user_id(mxid: &str) -> Result<ServerName, String> {
    let Some(rest) = mxid.strip_prefix('@') else {
        return Err(format!(
            "`{mxid}` is not a Matrix user ID; it must look like `@alice:example.com`"
        ));
    };
    let Some((local, server)) = rest.split_once(':') else {
        return Err(format!(
            "`{mxid}` has no server part; a user ID looks like `@alice:example.com`"
        ));
    };
    if local.is_empty() {
        return Err("the user ID has an empty localpart (the part between `@` and `:`)".into());
    }
    // Historical user IDs may hold more, but new ones only take these characters.
    if let Some(c) = local
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || "._=-/+".contains(*c)))
    {
        return Err(format!(
            "`{c}` is not allowed in the localpart of a user ID (lower-case letters, digits and \
             . _ = - / + only)"
        ));
    }
    if mxid.len() > 255 {
        return Err("a user ID may be at most 255 bytes long".into());
    }
    ServerName::parse(server).map_err(|e| format!("the server part of `{mxid}`: {e}"))
}

/// A deliberately simple e-mail check: one `@`, something on each side, a
/// dot in the domain, no spaces. Real validation is the mail system's job.
pub fn validate_email(email: &str) -> Result<(), String> {
    let parts: Vec<&str> = email.split('@').collect();
    let ok = parts.len() == 2
        && !parts[0].is_empty()
        && parts[1].contains('.')
        && !parts[1].starts_with('.')
        && !parts[1].ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{email}` does not look like an e-mail address (name@example.com)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles() {
        assert!(validate_role("m.role.admin").is_ok());
        assert!(validate_role("m.role.security").is_ok());
        assert!(validate_role("org.example.role.ops").is_ok());
        assert!(validate_role("m.role.owner").is_err());
        assert!(validate_role("admin").is_err());
        assert!(validate_role("org..x").is_err());
    }

    #[test]
    fn user_ids() {
        let s = validate_user_id("@alice:example.com").expect("valid");
        assert_eq!(s.as_str(), "example.com");
        assert!(validate_user_id("alice:example.com").is_err());
        assert!(validate_user_id("@alice").is_err());
        assert!(validate_user_id("@:example.com").is_err());
        assert!(validate_user_id("@Alice:example.com").is_err());
        assert!(validate_user_id("@alice:https://example.com").is_err());
    }

    #[test]
    fn emails() {
        assert!(validate_email("admin@example.com").is_ok());
        assert!(validate_email("admin").is_err());
        assert!(validate_email("a@b").is_err());
        assert!(validate_email("a b@example.com").is_err());
    }
}
