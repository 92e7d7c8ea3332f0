//! Where things are in a text, computed without the crate under test: the
//! bytes of a range of 1-based lines, and a reference `*`/`?` matcher that
//! the proxy scanner's wildcard matching is compared with.

/// The number of lines as `str::lines` counts them (a final line end
/// starts no new line).
pub fn line_count(text: &str) -> usize {
    text.lines().count()
}

/// The bytes of lines `first..=last` (1-based), line ends included.
/// `None` when a line is out of range or `first > last`.
pub fn lines(text: &str, first: usize, last: usize) -> Option<&str> {
    if first == 0 || first > last {
        return None;
    }
    let mut starts = vec![0];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    let start = *starts.get(first - 1)?;
    let end = starts.get(last).copied().unwrap_or(text.len());
    (start < text.len() || first == 1).then(|| &text[start..end.max(start)])
}

/// `text` with each backslash escape replaced by the character it escapes
/// (how a quoted Caddyfile token reads), left to right; a backslash
/// at the end stays.
pub fn unescaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            // A backslash at the very end escapes nothing and stays.
            out.push(chars.next().unwrap_or('\\'));
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `needle` stands in `haystack`, as written or unescaped, ASCII
/// case ignored (the scanners lower-case names).
pub fn stands_in(haystack: &str, needle: &str) -> bool {
    let needle = needle.to_ascii_lowercase();
    haystack.to_ascii_lowercase().contains(&needle)
        || unescaped(haystack).to_ascii_lowercase().contains(&needle)
}

/// `glob(3)`'s matching of one file name by a pattern of `*` and `?`
/// (no brackets), a leading dot matched only by a dot: the classic
/// table over (pattern prefix, name prefix), quadratic at worst.
pub fn reference_match(pattern: &str, name: &str) -> bool {
    if name.starts_with('.') && !pattern.starts_with('.') {
        return false;
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // row[j]: pattern[..i] matches name[..j].
    let mut row = vec![false; n.len() + 1];
    row[0] = true;
    for &pc in &p {
        let mut next = vec![false; n.len() + 1];
        if pc == '*' {
            let mut any = false;
            for j in 0..=n.len() {
                any |= row[j];
                next[j] = any;
            }
        } else {
            for j in 1..=n.len() {
                next[j] = row[j - 1] && (pc == '?' || pc == n[j - 1]);
            }
        }
        row = next;
    }
    row[n.len()]
}
