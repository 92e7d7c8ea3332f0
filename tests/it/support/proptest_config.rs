//! proptest settings that keep each test's saved failing cases beside the
//! test file, in `<file>.proptest-regressions` (proptest reads them back and
//! runs them first). proptest's default looks for the nearest `main.rs` above
//! the test file, finds `tests/it/main.rs` and would keep them under
//! `tests/proptest-regressions/` instead, away from the test.

use proptest::test_runner::{Config, FileFailurePersistence};

/// `cases` cases per run, failures kept beside the test file.
pub fn with_cases(cases: u32) -> Config {
    Config {
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..Config::with_cases(cases)
    }
}
