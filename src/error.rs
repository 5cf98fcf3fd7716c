//! Everything that stops a command, each with its exit code (DESIGN.md section 4, "Exit
//! codes"), and the live failure that a credential's result can carry.

use std::path::{Path, PathBuf};

use miette::Diagnostic;

use crate::input::sanitize::clean;
use crate::input::source::SourceError;

/// Exit code for "the run found failing findings".
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code for a usage or input error.
pub const EXIT_INPUT: u8 = 2;
/// Exit code for a live API, authentication or network failure.
pub const EXIT_LIVE: u8 = 3;

/// Everything that stops a command. Each variant has one exit code.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum Error {
    /// A problem in an input file.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Input(Box<SourceError>),
    /// Several problems in one file; all are shown at once.
    #[error("{} problems in {}", .0.len(), .0.first().map(|e| e.source_name()).unwrap_or("the input"))]
    Inputs(#[related] Vec<SourceError>),
    /// A wrong command line or a name that does not resolve.
    #[error("{0}")]
    Usage(String),
    /// The operating system's reason is in the message, and not also a source: a
    /// diagnostic would print it twice.
    #[error("cannot read {path}: {cause}")]
    Io { path: PathBuf, cause: std::io::Error },
    #[error("cannot write {path}: {cause}")]
    Write { path: PathBuf, cause: std::io::Error },
    /// Writing results failed (a closed pipe, a full disk).
    #[error("cannot write the output: {0}")]
    Output(std::io::Error),
    /// Greenhouse, the network or authentication failed.
    #[error("{}", .0.message)]
    #[diagnostic(help("{}", .0.help))]
    Live(LiveError),
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            cause: source,
        }
    }

    /// The problems in input files this error holds, to be reported with others; any other
    /// error as it is.
    pub fn into_source_errors(self) -> Result<Vec<SourceError>, Error> {
        match self {
            Error::Input(e) => Ok(vec![*e]),
            Error::Inputs(v) => Ok(v),
            other => Err(other),
        }
    }

    /// One problem or several, as the caller collected them.
    pub fn inputs(mut errors: Vec<SourceError>) -> Self {
        if errors.len() == 1 {
            Error::Input(Box::new(errors.remove(0)))
        } else {
            Error::Inputs(errors)
        }
    }

    /// A failed write to stdout (a closed pipe, a full disk) is an error, never a silent pass.
    pub fn output(e: std::io::Error) -> Self {
        Error::Output(e)
    }

    /// 2 for anything the user can fix in their input or command line, 3 for live failures.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Live(_) => EXIT_LIVE,
            _ => EXIT_INPUT,
        }
    }
}

impl From<SourceError> for Error {
    fn from(e: SourceError) -> Self {
        Error::Input(Box::new(e))
    }
}

/// A live failure, with what to check. Never holds secret material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveError {
    pub message: String,
    pub help: String,
}

impl LiveError {
    /// A live failure; what a server said reaches it, so it is cleaned of control characters.
    pub fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        LiveError {
            message: clean(&message.into()).into_owned(),
            help: clean(&help.into()).into_owned(),
        }
    }
}

impl From<LiveError> for Error {
    fn from(e: LiveError) -> Self {
        Error::Live(e)
    }
}
