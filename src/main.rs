fn main() -> std::process::ExitCode {
    cadlens::cli::main()
}
