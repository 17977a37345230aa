//! The `kgq` binary: parses arguments and dispatches; everything else is in the library.

fn main() -> std::process::ExitCode {
    kgq::cli::main()
}
