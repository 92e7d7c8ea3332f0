//! How the process ends. One type for every command (`check`, `generate`,
//! `config`, `demo`) and the wizard, so a code means the same everywhere and
//! `--help` prints the numbers defined here. (Parse errors are clap's, which
//! exits with 2 as well: [`Exit::Usage`].)

use std::process::ExitCode;

/// The documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: done, nothing failed (a config already right and a dry run count).
    Ok,
    /// 1: the command did not get done: a check failed or could not run, a
    /// config write was refused or failed, the files were not written, an
    /// install is not finished (`apply` put only the port-80 part live for
    /// certbot and must run again), the wizard could not start.
    Failed,
    /// 2: a usage error: invalid input, an unusable option value or config
    /// file.
    Usage,
    /// 130 (128 + SIGINT, as shells report it): stopped by Ctrl-C after
    /// printing what had finished (`check` with several names).
    Interrupted,
}

impl Exit {
    /// The process exit status.
    pub const fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Failed => 1,
            Exit::Usage => 2,
            Exit::Interrupted => 130,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_documented_ones() {
        assert_eq!(
            [Exit::Ok, Exit::Failed, Exit::Usage, Exit::Interrupted].map(Exit::code),
            [0, 1, 2, 130]
        );
        assert_eq!(ExitCode::from(Exit::Ok), ExitCode::SUCCESS);
        assert_eq!(ExitCode::from(Exit::Failed), ExitCode::FAILURE);
    }
}
