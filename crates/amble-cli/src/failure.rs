//! Exit codes of the scripting contract: 2 for bad input (nothing stored changes), 1 otherwise.

use std::process::ExitCode;

#[derive(Debug)]
pub enum Failure {
    /// The user's input was wrong; the message names the file or flag, the key and what was expected.
    BadInput(String),
    /// Bad input already reported on stdout (e.g. an import summary with errors): exit 2.
    Reported,
    /// Anything else.
    Other(anyhow::Error),
}

impl Failure {
    pub fn report(self) -> ExitCode {
        match self {
            Failure::BadInput(msg) => {
                eprintln!("error: {}", crate::shown::message(&msg));
                ExitCode::from(2)
            }
            Failure::Reported => ExitCode::from(2),
            // The reader went away (`amble learn pacing | head`): stop quietly, as Unix tools do.
            Failure::Other(e)
                if e.chain().any(|c| {
                    c.downcast_ref::<std::io::Error>()
                        .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
                }) =>
            {
                ExitCode::SUCCESS
            }
            Failure::Other(e) => {
                eprintln!("error: {}", crate::shown::message(&format!("{e:#}")));
                ExitCode::from(1)
            }
        }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Other(e)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Other(e.into())
    }
}
