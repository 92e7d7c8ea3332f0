//! Shared helpers for the config-file tests: fixtures and plans.
#![allow(dead_code)]

use std::path::PathBuf;

use matrix_delegate::domain::{Answers, Plan, Strategy, plan};

pub fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/config")
}

pub fn fixture(name: &str) -> String {
    let path = fixture_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// Every fixture that is valid TOML, by name.
pub fn valid_fixtures() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(fixture_dir())
        .expect("fixture dir")
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_string_lossy().to_string();
            (name.ends_with(".toml") && name != "invalid.toml").then(|| {
                let text = fixture(&name);
                (name, text)
            })
        })
        .collect();
    out.sort();
    out
}

fn make(a: Answers) -> Plan {
    plan(&a).unwrap_or_else(|e| panic!("plan: {e:?}"))
}

/// The seed document's example: @user:example.com at matrix.example.com:443.
pub fn seed_plan() -> Plan {
    make(Answers::example())
}

pub fn plan_with(strategy: Strategy) -> Plan {
    make(Answers {
        strategy,
        ..Answers::example()
    })
}

/// The seed plan plus every support field.
pub fn support_plan() -> Plan {
    make(Answers {
        support_page: "https://example.com/support".into(),
        support_role: "m.role.security".into(),
        support_email: "security@example.com".into(),
        support_mxid: "@admin:example.com".into(),
        ..Answers::example()
    })
}
