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
