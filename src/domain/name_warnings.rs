//! Things the server-name grammar allows but that usually mean a slip: upper
//! case (names are case-sensitive), very long names, a trailing dot, and DNS
//! label rules the Matrix grammar does not enforce.

use std::fmt;

/// Something the grammar allows but that is probably not what was meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameWarning {
    UpperCase,
    Long(usize),
    TrailingDot,
    EmptyLabel,
    HyphenAtLabelEdge(String),
    LabelTooLong(String),
}

impl fmt::Display for NameWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameWarning::UpperCase => f.write_str(
                "contains upper-case letters: server names are case-sensitive, so \
                 `Example.com` and `example.com` are different servers; use lower case",
            ),
            NameWarning::Long(n) => write!(
                f,
                "is {n} characters long: names over 230 characters are allowed but \
                 discouraged (room and event IDs that embed them get too long)"
            ),
            NameWarning::TrailingDot => f.write_str(
                "ends with a dot: `example.com.` and `example.com` are different server \
                 names; drop the dot",
            ),
            NameWarning::EmptyLabel => {
                f.write_str("has two dots in a row or starts with a dot: DNS cannot resolve it")
            }
            NameWarning::HyphenAtLabelEdge(label) => write!(
                f,
                "has the label `{label}` starting or ending with `-`: DNS names do not allow that"
            ),
            NameWarning::LabelTooLong(label) => write!(
                f,
                "has a label of {} characters (`{label}`): DNS allows at most 63",
                label.len()
            ),
        }
    }
}

/// Warnings for a DNS name (also used for the delegated host).
pub fn dns_name_warnings(name: &str) -> Vec<NameWarning> {
    let mut out = Vec::new();
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        out.push(NameWarning::UpperCase);
    }
    if name.len() > 230 {
        out.push(NameWarning::Long(name.len()));
    }
    let trimmed = match name.strip_suffix('.') {
        Some(rest) => {
            out.push(NameWarning::TrailingDot);
            rest
        }
        None => name,
    };
    let labels: Vec<&str> = trimmed.split('.').collect();
    if labels.iter().any(|l| l.is_empty()) {
        out.push(NameWarning::EmptyLabel);
    }
    if let Some(l) = labels
        .iter()
        .find(|l| l.starts_with('-') || l.ends_with('-'))
    {
        out.push(NameWarning::HyphenAtLabelEdge((*l).to_string()));
    }
    if let Some(l) = labels.iter().find(|l| l.len() > 63) {
        out.push(NameWarning::LabelTooLong((*l).to_string()));
    }
    out
}
