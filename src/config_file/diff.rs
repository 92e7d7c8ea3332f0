//! The unified diff shown before anything is written.

use similar::TextDiff;

use crate::safe_text::printable;

/// A unified diff of `before` → `after` (3 lines of context), labelled with
/// `label`, safe to print: CRs of CRLF lines are not shown, and control,
/// bidi and invisible characters are escaped like every other outside text.
pub fn unified_diff(before: &str, after: &str, label: &str) -> String {
    let diff = TextDiff::from_lines(before, after);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("{label} (now)"), &format!("{label} (after)"))
        .to_string();
    text.lines()
        .map(|l| printable(l.strip_suffix('\r').unwrap_or(l)))
        .map(|l| l + "\n")
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_only_the_changed_region() {
        let before: String = (1..=20).map(|i| format!("line {i}\r\n")).collect();
        let after = before.replace("line 10\r\n", "line ten\r\n");
        let d = unified_diff(&before, &after, "x.toml");
        assert!(
            d.starts_with("--- x.toml (now)\n+++ x.toml (after)\n@@ -7,7 +7,7 @@\n"),
            "{d}"
        );
        assert!(d.contains("\n-line 10\n+line ten\n"), "{d}");
        assert!(!d.contains('\r'));
        assert!(!d.contains("line 3\n"));
    }
}
