//! All integration tests, in one test binary.

mod check_cases;
mod cli;
mod pictures;
mod queries;
mod readme;
mod repl;
mod runaway;
mod shipped;
mod support;
