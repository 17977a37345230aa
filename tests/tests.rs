//! All integration tests, in one test binary.

mod check_cases;
mod cli;
mod shipped;
mod support;
