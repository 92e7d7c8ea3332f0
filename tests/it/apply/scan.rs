//! The proxy-configuration scanner on the inputs the `proxy_scan` fuzz
//! target found (each kept in `fuzz/regressions/proxy_scan/`): what it
//! reports of an operator's file must be what the proxy itself reads.

use matrix_delegate::install::haproxy;
use matrix_delegate::install::listing::wildcard_matches;
use proptest::prelude::*;

/// HAProxy skips any leading white space, so a section keyword starts a
/// section however the line is indented (`haproxy -c` accepts both files
/// below as two sections). Found by `proxy_scan`: a vertical tab before
/// `frontend` (`haproxy_section_after_vertical_tab.bin`).
#[test]
fn an_indented_haproxy_section_is_a_section() {
    for indent in ["", "  ", "\t", "\u{b}", "\u{c}"] {
        let text = format!(
            "frontend web\n\tbind :80\n{indent}frontend tls # the site\n\tbind :443 ssl crt /x.pem\n\
             {indent}backend b\n\tserver s 127.0.0.1:1\n"
        );
        let sections = haproxy::sections(&text);
        let found: Vec<_> = sections
            .iter()
            .map(|s| (s.name.as_str(), s.ports.clone(), s.first_line, s.last_line))
            .collect();
        assert_eq!(
            found,
            vec![("web", vec![80], 1, 2), ("tls", vec![443], 3, 4)],
            "indent {indent:?}"
        );
        assert_eq!(haproxy::certificate_files(&text), vec!["/x.pem"]);
    }
    // Not HAProxy's white space: a no-break space is part of the word.
    let text = "\u{a0}frontend tls\n\tbind :443\n";
    assert!(haproxy::sections(text).is_empty());
}

/// `glob(3)` matching by the table over (pattern prefix, name prefix).
fn reference(pattern: &str, name: &str) -> bool {
    if name.starts_with('.') && !pattern.starts_with('.') {
        return false;
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let mut row = vec![false; n.len() + 1];
    row[0] = true;
    for &pc in &p {
        let mut next = vec![false; n.len() + 1];
        let mut any = false;
        for j in 0..=n.len() {
            next[j] = if pc == '*' {
                any |= row[j];
                any
            } else {
                j > 0 && row[j - 1] && (pc == '?' || pc == n[j - 1])
            };
        }
        row = next;
    }
    row[n.len()]
}

/// An include pattern with many stars against a long name that almost
/// matches: trying every split for every star took exponential time (the
/// fuzz target ran past libFuzzer's 10 s timeout on this input,
/// `include_pattern_many_stars.bin`); now it is quadratic at worst. The
/// answers are what `glob(3)` says.
#[test]
fn include_patterns_with_many_stars_match_in_bounded_work() {
    let pattern = format!("{}b", "*a".repeat(14) + "*");
    let name = "a".repeat(60);
    assert!(!wildcard_matches(&pattern, &name));
    assert!(wildcard_matches(&pattern, &format!("{name}b")));
    assert!(wildcard_matches("*.conf", "matrix-example.com.conf"));
    assert!(!wildcard_matches("*.conf", ".matrix.conf"));
    assert!(wildcard_matches("*?*", "x"));
    assert!(!wildcard_matches("*?*?", "x"));
}

proptest! {
    #![proptest_config(crate::support::proptest_config::with_cases(512))]

    #[test]
    fn wildcards_match_as_glob_does(
        pattern in "[ab.*?]{0,10}",
        name in "[ab.]{0,12}",
    ) {
        prop_assert_eq!(wildcard_matches(&pattern, &name), reference(&pattern, &name));
    }
}
