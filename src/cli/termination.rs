//! How a command ends when it does not succeed, and the one place exit statuses are
//! chosen. Handlers return `Result<(), Termination>` carrying what is left to say on
//! standard error; [`super::main`] prints it and exits with [`Termination::code`]. The
//! shell and `kgq run` report in their own words (answers, failures and the summary line)
//! and hand back what happened, which `cli` turns into a `Termination` here too.
//!
//! 0 success; 1 problems found: graph-data with errors, a failed statement or assertion,
//! Graphviz failing to draw; 2 usage or IO: a bad argument, a missing or unreadable file
//! or folder, an unwritable output, a script that cannot be read or parsed, Graphviz not
//! installed.

/// Why a command did not succeed, with its report for standard error (it may be empty when
/// the command has reported already, as `kgq run` does on standard output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Termination {
    /// Exit 1.
    Problems(String),
    /// Exit 2.
    Usage(String),
}

impl Termination {
    /// A usage or IO problem, said as one `kgq: ...` line.
    pub fn usage(message: impl std::fmt::Display) -> Termination {
        Termination::Usage(format!("kgq: {message}\n"))
    }

    /// A problem found, said as one `kgq: ...` line.
    pub fn problem(message: impl std::fmt::Display) -> Termination {
        Termination::Problems(format!("kgq: {message}\n"))
    }

    /// The process's exit status.
    pub fn code(&self) -> u8 {
        match self {
            Termination::Problems(_) => 1,
            Termination::Usage(_) => 2,
        }
    }

    /// What is printed on standard error.
    pub fn report(&self) -> &str {
        match self {
            Termination::Problems(report) | Termination::Usage(report) => report,
        }
    }

    /// The same ending with more said before its report (a rendered diagnostic, what
    /// Graphviz printed).
    pub fn after(self, before: &str) -> Termination {
        match self {
            Termination::Problems(report) => Termination::Problems(format!("{before}{report}")),
            Termination::Usage(report) => Termination::Usage(format!("{before}{report}")),
        }
    }
}
