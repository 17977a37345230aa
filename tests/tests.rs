//! All integration tests, in one test binary.

mod builder;
mod check_cases;
mod cli;
mod exports;
mod formats;
mod ftm;
mod help_examples;
mod hostile;
mod hostile_run;
mod large_inputs;
mod match_oracle;
mod pictures;
mod properties;
mod queries;
mod readme;
mod repl;
mod run;
mod runaway;
mod shipped;
mod snapshot;
mod sources;
mod support;
mod terminal;
mod typeahead;
