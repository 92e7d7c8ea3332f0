//! The config editor (`config_file::edit`, what `--write-config` and the
//! wizard change a homeserver config with) on any text, any section values,
//! any server-name guard, environment and `--normalise`: either a refusal
//! that is justified, or an edit that parses, holds the wanted values,
//! changes nothing outside the section (the parsed values; and without
//! `--normalise`, every byte outside the section's lines), and that a second
//! run leaves as it is. An `EditError::Internal` (the editor's own last
//! check failing) is a crash: it means the editor produced a wrong edit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use matrix_delegate::config_file::{EditError, EditOptions, EditTarget, edit, inspect};
use matrix_delegate_fuzz::input::{self, EditChoices};
use matrix_delegate_fuzz::view::{self, REMOVED_RTC_KEY, SectionSpan};
use matrix_delegate_fuzz::{BOM, body};

fuzz_target!(|data: &[u8]| {
    let (text, mut u) = input::split(data);
    let choices: EditChoices = input::choices(&mut u);
    let target = choices.target();
    let options = EditOptions {
        normalise: choices.normalise,
    };
    let env = input::env(&choices.env);
    let before = body(&text);
    match edit(&text, &target, options, &env) {
        Err(EditError::Internal { message }) => {
            panic!("the editor's own check failed: {message}")
        }
        Err(EditError::Config(_)) => {
            assert!(
                view::values(before).is_none(),
                "refused as invalid TOML, but the text parses"
            );
        }
        Err(EditError::ServerNameMismatch { wanted, line, .. }) => {
            assert_eq!(Some(&wanted), target.server_name.as_ref());
            let doc = view::values(before).expect("parses");
            let found = view::global(&doc).and_then(|g| g.get("server_name"));
            assert!(found.is_some(), "mismatch reported without a server_name");
            assert_ne!(found.and_then(|v| v.as_str()), Some(wanted.as_str()));
            assert!((1..=view::line_count(before)).contains(&line));
        }
        Err(EditError::ServerNameMismatchEnv { wanted, var, .. }) => {
            assert_eq!(Some(&wanted), target.server_name.as_ref());
            assert!(env.iter().any(|(name, _)| *name == var));
        }
        Err(EditError::Unsupported { line, .. }) => {
            assert!((1..=view::line_count(before)).contains(&line));
        }
        Ok(e) => {
            assert_eq!(e.before, text);
            check_edit(&text, &e.after, &target, options);
            let again = edit(&e.after, &target, options, &env)
                .unwrap_or_else(|err| panic!("the second run refused: {err}"));
            assert!(again.is_noop(), "a second run changed:\n{}", again.after);
            assert!(again.changes.is_empty(), "{:?}", again.changes);
        }
    }
});

fn check_edit(text: &str, after_text: &str, target: &EditTarget, options: EditOptions) {
    assert_eq!(after_text.starts_with(BOM), text.starts_with(BOM), "BOM");
    let (before, after) = (body(text), body(after_text));
    let old = view::values(before).expect("an edit of a text that does not parse");
    let Some(new) = view::values(after) else {
        panic!("the edit does not parse as TOML:\n{after}")
    };
    if let Err(err) = after.parse::<toml_edit::DocumentMut>() {
        panic!("toml_edit refuses the edit: {err}\n{after}");
    }

    // The section: wanted values set, unset keys gone, every other key kept.
    let section = |doc: &toml::Table| {
        view::section(doc)
            .and_then(|s| s.as_table())
            .cloned()
            .unwrap_or_default()
    };
    let (old_section, new_section) = (section(&old), section(&new));
    for (key, value) in target.section.entries() {
        assert_eq!(
            new_section.get(key).and_then(|v| v.as_str()),
            Some(value),
            "{key} afterwards"
        );
    }
    for key in &target.unset {
        if target.section.entries().iter().all(|(k, _)| k != key) {
            assert!(new_section.get(*key).is_none(), "{key} still set");
        }
    }
    let touched = |k: &str| {
        target.section.entries().iter().any(|(key, _)| *key == k)
            || target.unset.contains(&k)
            || (options.normalise && k == REMOVED_RTC_KEY)
    };
    let others = |t: &toml::Table| {
        let mut t = t.clone();
        t.retain(|k, _| !touched(k));
        t
    };
    let (old_others, new_others) = (others(&old_section), others(&new_section));
    assert!(
        view::same_values(&old_others, &new_others),
        "a key the edit does not set changed: {old_others:?} → {new_others:?}"
    );

    // Outside the section: the same values.
    let old_outside = view::values_outside(old, options.normalise);
    let new_outside = view::values_outside(new, options.normalise);
    assert!(
        view::same_values(&old_outside, &new_outside),
        "a value outside [global.well_known] changed: {old_outside:?} → {new_outside:?}"
    );

    // The crate's reader sees what the editor wrote.
    let report = inspect(after_text, &[]).expect("the inspector reads the edit");
    for (key, value) in target.section.entries() {
        let seen = report.key(key).and_then(|k| k.in_file.as_ref());
        assert_eq!(seen.map(|s| s.value.as_str()), Some(value), "{key} as read");
    }

    // Without --normalise only the section's lines change (a missing
    // section is inserted: nothing of the old text is replaced).
    if !options.normalise {
        let changed = view::changed_range(before, after);
        match view::section_span(before).expect("parses") {
            SectionSpan::Missing => assert!(
                changed.is_empty(),
                "bytes {changed:?} replaced while adding a section:\n{before:?}\n{after:?}"
            ),
            SectionSpan::Lines(span) if changed.is_empty() => {
                let points = view::insertion_points(before, after);
                assert!(
                    points.start <= span.end && span.start <= points.end,
                    "text inserted at {points:?}, outside the section's lines {span:?}:\n\
                     {before:?}\n{after:?}"
                );
            }
            SectionSpan::Lines(span) => assert!(
                span.start <= changed.start && changed.end <= span.end,
                "bytes {changed:?} outside the section's lines {span:?}:\n{before:?}\n{after:?}"
            ),
            SectionSpan::NotATable => panic!("a section that is not a table was edited"),
        }
    }
}
