//! `matrix-delegate completions SHELL`, and the bash script at work in a
//! real bash.

use std::process::Command;

use crate::support::local_paths::{run, stderr, stdout};

fn script(shell: &str) -> String {
    let o = run(&["completions", shell], &[]);
    assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
    stdout(&o)
}

/// Sources the bash script in a real bash and asks what completes
/// `words` (the cursor after the last word), as bash does on Tab.
fn bash_complete(words: &[&str]) -> Vec<String> {
    let script = script("bash");
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "{script}\n\
         spec=$(complete -p matrix-delegate) || exit 3\n\
         func=${{spec#*-F }}; func=${{func%% *}}\n\
         COMP_WORDS=({words}); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))\n\
         COMP_LINE=\"${{COMP_WORDS[*]}}\"; COMP_POINT=${{#COMP_LINE}}\n\
         \"$func\" matrix-delegate \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        words = quoted.join(" ")
    );
    let o = Command::new("bash")
        .arg("-c")
        .arg(program)
        .output()
        .expect("bash runs");
    assert!(
        o.status.success(),
        "bash: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_commands_and_options() {
    let commands = bash_complete(&["matrix-delegate", ""]);
    for c in ["check", "generate", "config", "demo", "completions"] {
        assert!(commands.contains(&c.to_string()), "{c}: {commands:?}");
    }
    assert!(
        !commands.iter().any(|c| c == "man"),
        "the packaging aid stays hidden: {commands:?}"
    );
    assert_eq!(bash_complete(&["matrix-delegate", "ch"]), ["check"]);
    let options = bash_complete(&["matrix-delegate", "check", "--ca"]);
    assert_eq!(options, ["--ca-file", "--ca-only"], "{options:?}");
    let shells = bash_complete(&["matrix-delegate", "completions", ""]);
    for s in ["bash", "zsh", "fish"] {
        assert!(shells.contains(&s.to_string()), "{s}: {shells:?}");
    }
}

#[test]
fn zsh_and_fish_scripts_name_the_program_and_its_commands() {
    let zsh = script("zsh");
    assert!(zsh.starts_with("#compdef matrix-delegate"), "{zsh}");
    let fish = script("fish");
    assert!(
        fish.contains("complete -c matrix-delegate") && fish.contains("-a \"check\""),
        "{fish}"
    );
    // Each shell spells an option its own way: zsh `--name=[help]`,
    // fish `-l name`.
    for option in ["write-config", "ca-file", "out"] {
        assert!(zsh.contains(&format!("--{option}=[")), "zsh: {option}");
        assert!(fish.contains(&format!(" -l {option} ")), "fish: {option}");
    }
    assert!(!zsh.contains("--sim="), "zsh: the testing aid stays hidden");
    assert!(
        !fish.contains(" -l sim "),
        "fish: the testing aid stays hidden"
    );
    assert!(!zsh.contains("'man:") && !fish.contains("-a \"man\""));
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let o = run(&["completions", "tcsh"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("tcsh"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}

/// A reader that is gone (`| head` after its lines) is not an error: exit 0
/// and nothing on standard error. The pipe's read end is closed before the
/// program starts, so its first write fails.
#[test]
fn a_reader_that_is_gone_is_not_a_failure() {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let o = Command::new(env!("CARGO_BIN_EXE_matrix-delegate"))
        .args(["completions", "bash"])
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts")
        .wait_with_output()
        .expect("ends");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&o.stderr), "");
}
