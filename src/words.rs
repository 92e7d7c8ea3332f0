//! Small wording helpers shared by the verdicts and reports.

/// Seconds as a short human duration: `45 s`, `5 min`, `1 h`, `1 h 30 min`,
/// `2 d`, `2 d 3 h`.
pub fn duration(secs: u64) -> String {
    const MIN: u64 = 60;
    const HOUR: u64 = 3600;
    const DAY: u64 = 86400;
    match secs {
        s if s < MIN => format!("{s} s"),
        s if s < HOUR => {
            let (m, r) = (s / MIN, s % MIN);
            if r == 0 || m >= 10 {
                format!("{m} min")
            } else {
                format!("{m} min {r} s")
            }
        }
        s if s < DAY => {
            let (h, m) = (s / HOUR, (s % HOUR) / MIN);
            if m == 0 {
                format!("{h} h")
            } else {
                format!("{h} h {m} min")
            }
        }
        s => {
            let (d, h) = (s / DAY, (s % DAY) / HOUR);
            if h == 0 {
                format!("{d} d")
            } else {
                format!("{d} d {h} h")
            }
        }
    }
}

/// `a`, `a and b`, `a, b and c`.
pub fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let head: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", head.join(", "), last.as_ref())
        }
    }
}

/// `1 address`, `2 addresses`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let cases = [
            (0, "0 s"),
            (59, "59 s"),
            (60, "1 min"),
            (90, "1 min 30 s"),
            (300, "5 min"),
            (3599, "59 min"),
            (3600, "1 h"),
            (5400, "1 h 30 min"),
            (86400, "1 d"),
            (172800, "2 d"),
            (97200, "1 d 3 h"),
        ];
        for (secs, want) in cases {
            assert_eq!(duration(secs), want, "{secs}");
        }
    }

    #[test]
    fn lists() {
        assert_eq!(and_list::<&str>(&[]), "");
        assert_eq!(and_list(&["a"]), "a");
        assert_eq!(and_list(&["a", "b"]), "a and b");
        assert_eq!(and_list(&["a", "b", "c"]), "a, b and c");
        assert_eq!(count(1, "address", "addresses"), "1 address");
        assert_eq!(count(3, "address", "addresses"), "3 addresses");
    }
}

/// The choice closest to `typed` (`ngnix` → `nginx`): at most two letters
/// changed, added, removed or swapped, and closer than any other choice.
pub fn closest<'a>(typed: &str, choices: &[&'a str]) -> Option<&'a str> {
    let typed = typed.to_ascii_lowercase();
    let mut scored: Vec<(usize, &'a str)> = choices
        .iter()
        .map(|c| (edit_distance(&typed, &c.to_ascii_lowercase()), *c))
        .collect();
    scored.sort();
    match scored.as_slice() {
        [(d, best), rest @ ..] if *d <= 2 && rest.first().is_none_or(|(d2, _)| d2 > d) => {
            Some(best)
        }
        _ => None,
    }
}

/// Optimal string alignment distance: insertions, deletions,
/// substitutions and swaps of neighbours each cost one.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod closest_tests {
    use super::closest;

    #[test]
    fn a_slip_finds_its_choice_and_nonsense_finds_none() {
        let proxies = ["caddy", "nginx", "apache", "haproxy", "traefik", "static"];
        assert_eq!(closest("ngnix", &proxies), Some("nginx"));
        assert_eq!(closest("Caddy2", &proxies), Some("caddy"));
        assert_eq!(closest("haproy", &proxies), Some("haproxy"));
        assert_eq!(closest("lighttpd", &proxies), None);
    }
}
