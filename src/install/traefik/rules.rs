//! What a router's rule matches, read from its text: the hosts of `Host`
//! and `HostSNI` and the patterns of `HostRegexp` and `HostSNIRegexp`
//! (Traefik's rule syntax: matcher calls whose arguments are strings in
//! backticks or double quotes, joined by `&&`, `||`, `!` and parentheses).
//!
//! A matcher is counted wherever it stands, a negated one too: a rule that
//! names our host in any way is worth a look, and a conflict is only ever
//! a refusal with the lines to change.

use regex::RegexBuilder;

/// The hosts a rule names in `Host(...)` (v2 allows several per call),
/// lowercased.
pub fn rule_hosts(rule: &str) -> Vec<String> {
    lowercased(call_arguments(rule, "Host"))
}

/// The server names a TCP router's rule names in `HostSNI(...)` (`*`
/// matches every connection), lowercased.
pub fn rule_sni_hosts(rule: &str) -> Vec<String> {
    lowercased(call_arguments(rule, "HostSNI"))
}

/// The patterns of `HostRegexp(...)` in a rule, as written.
pub fn rule_host_patterns(rule: &str) -> Vec<String> {
    call_arguments(rule, "HostRegexp")
}

/// The patterns of `HostSNIRegexp(...)` in a TCP router's rule, as written.
pub fn rule_sni_patterns(rule: &str) -> Vec<String> {
    call_arguments(rule, "HostSNIRegexp")
}

fn lowercased(hosts: Vec<String>) -> Vec<String> {
    hosts.into_iter().map(|h| h.to_ascii_lowercase()).collect()
}

/// The longest pattern compiled; Traefik's own limit is Go's (1000
/// repetitions), this only bounds the time a hostile file can take.
const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// Whether a `HostRegexp`/`HostSNIRegexp` pattern matches `host` (lowercase,
/// no port: what Traefik matches against).
///
/// Two syntaxes: Traefik v3's is a Go regular expression searched in the
/// host (`regexp.MatchString`, so unanchored unless the pattern anchors
/// it); Traefik v2's is a template, `{name}` for one label and
/// `{name:regexp}` for a part, the rest literal and the whole host matched
/// case-insensitively. A pattern with a `{name` template is read as v2's
/// (in Go's syntax `{` only follows an atom as a repetition count). A
/// pattern that does not compile matches nothing: Traefik refuses that
/// router.
pub fn pattern_matches(pattern: &str, host: &str) -> bool {
    let (regex, case_insensitive) = match v2_template(pattern) {
        Some(re) => (re, true),
        None => (pattern.to_string(), false),
    };
    RegexBuilder::new(&regex)
        .case_insensitive(case_insensitive)
        .size_limit(PATTERN_SIZE_LIMIT)
        .build()
        .is_ok_and(|re| re.is_match(host))
}

/// A v2 template as an anchored regular expression; `None` when the
/// pattern holds no `{name` template (or an unfinished one).
fn v2_template(pattern: &str) -> Option<String> {
    let mut out = String::from("^");
    let mut rest = pattern;
    let mut templates = 0;
    while let Some(open) = rest.find('{') {
        out.push_str(&regex::escape(&rest[..open]));
        let inner_start = open + 1;
        // The closing brace at depth 0: `{sub:[a-z]{2,3}}` nests.
        let mut depth = 1;
        let mut close = None;
        for (i, c) in rest[inner_start..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(inner_start + i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let close = close?;
        let inner = &rest[inner_start..close];
        let (name, re) = match inner.split_once(':') {
            Some((name, re)) => (name, Some(re)),
            None => (inner, None),
        };
        // A name is an identifier: `{3}` or `{2,8}` is a Go repetition
        // count, so the pattern is v3's.
        let identifier = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !identifier {
            return None;
        }
        match re {
            Some(re) => {
                out.push_str("(?:");
                out.push_str(re);
                out.push(')');
            }
            None => out.push_str("[^.]+"),
        }
        templates += 1;
        rest = &rest[close + 1..];
    }
    out.push_str(&regex::escape(rest));
    out.push('$');
    (templates > 0).then_some(out)
}

/// The string arguments of every call to `matcher` in a rule: `Host(` does
/// not match `HostRegexp(` or `MyHost(`. Arguments are Go raw strings in
/// backticks (no escapes) or double-quoted strings (`\"` and `\\`
/// undone); a call left unfinished gives the arguments read so far.
fn call_arguments(rule: &str, matcher: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = rule[from..].find(matcher) {
        let at = from + found;
        from = at + matcher.len();
        let before = rule[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let Some(args) = rule[from..].trim_start().strip_prefix('(') else {
            continue;
        };
        let (values, used) = string_arguments(args);
        out.extend(values.into_iter().filter(|v| !v.is_empty()));
        from = rule.len() - args.len() + used;
    }
    out
}

/// The strings of an argument list after its `(`, and the bytes read (up
/// to and including the `)`, or all of them).
fn string_arguments(args: &str) -> (Vec<String>, usize) {
    let mut values = Vec::new();
    let mut chars = args.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            ')' => return (values, i + 1),
            '`' => {
                let mut value = String::new();
                for (_, c) in chars.by_ref() {
                    if c == '`' {
                        break;
                    }
                    value.push(c);
                }
                values.push(value);
            }
            '"' => {
                let mut value = String::new();
                while let Some((_, c)) = chars.next() {
                    match c {
                        '"' => break,
                        // `\"` and `\\` undone; any other escape kept as
                        // written (a host or pattern never needs one).
                        '\\' => match chars.peek() {
                            Some(&(_, next)) if next == '"' || next == '\\' => {
                                value.push(next);
                                chars.next();
                            }
                            _ => value.push('\\'),
                        },
                        c => value.push(c),
                    }
                }
                values.push(value);
            }
            // Separators, spaces, and whatever a broken rule holds.
            _ => {}
        }
    }
    (values, args.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_patterns_are_read_from_their_own_calls() {
        let rule = "HostRegexp(`^(www|chat)\\.example\\.com$`) || Host(`A.example.com`, \"b.example.com\")";
        assert_eq!(rule_hosts(rule), vec!["a.example.com", "b.example.com"]);
        assert_eq!(
            rule_host_patterns(rule),
            vec!["^(www|chat)\\.example\\.com$"]
        );
        assert_eq!(
            rule_sni_patterns("HostSNIRegexp(`^.+\\.example\\.com$`)"),
            vec!["^.+\\.example\\.com$"]
        );
        assert!(rule_sni_hosts("HostSNIRegexp(`x`)").is_empty());
        assert_eq!(rule_hosts("Host(\"a\\\"b\")"), vec!["a\"b"]);
        assert_eq!(
            rule_host_patterns("HostRegexp(\"^a\\.b\\\\c\")"),
            vec!["^a\\.b\\c"]
        );
        // Unfinished: what was read so far.
        assert_eq!(
            rule_hosts("Host(`a.example.com`, `b"),
            vec!["a.example.com", "b"]
        );
        assert!(rule_hosts("MyHost(`a`) && Host_(`b`)").is_empty());
    }

    #[test]
    fn v3_patterns_are_searched_in_the_host() {
        assert!(pattern_matches(
            "^.+\\.example\\.com$",
            "matrix.example.com"
        ));
        assert!(pattern_matches(".+", "matrix.example.com"));
        // Unanchored: Go's MatchString searches.
        assert!(pattern_matches("example", "matrix.example.com"));
        assert!(!pattern_matches("^example\\.com$", "matrix.example.com"));
        // As written: the host Traefik matches is lowercase.
        assert!(!pattern_matches(
            "^Matrix\\.example\\.com$",
            "matrix.example.com"
        ));
        // Does not compile: Traefik refuses the router.
        assert!(!pattern_matches("(", "matrix.example.com"));
        // Repetition counts are Go syntax, not v2 templates.
        assert!(pattern_matches(
            "^ma{1}trix\\.example\\.com$",
            "matrix.example.com"
        ));
        assert!(pattern_matches(
            "^[a-z]{6}\\.example\\.com$",
            "matrix.example.com"
        ));
        assert!(!pattern_matches(
            "^[a-z]{2}\\.example\\.com$",
            "matrix.example.com"
        ));
    }

    #[test]
    fn v2_templates_match_the_whole_host() {
        assert!(pattern_matches(
            "{sub:[a-z]+}.example.com",
            "matrix.example.com"
        ));
        assert!(pattern_matches("{sub}.example.com", "matrix.example.com"));
        assert!(!pattern_matches("{sub}.example.com", "a.b.example.com"));
        assert!(!pattern_matches("{sub}.example.com", "matrixxexample.com"));
        assert!(pattern_matches(
            "{sub:[a-z]{2,8}}.Example.com",
            "matrix.example.com"
        ));
        assert!(!pattern_matches(
            "{sub:[0-9]+}.example.com",
            "matrix.example.com"
        ));
        assert!(!pattern_matches(
            "{sub:[a-z]+}.example.com",
            "matrix.example.com.evil"
        ));
    }
}
