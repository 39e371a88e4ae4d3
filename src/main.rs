use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // Past a file-size limit (`ulimit -f`) the default is to die mid-write;
    // ignored, the write fails and the build exits with the output code,
    // leaving the previous bundle in place.
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to "ignore" before any threads start.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    let cli = scorecard::cli::Cli::parse();
    // Planning a definition recurses once per operator of its expressions.
    if let Err(error) = scorecard::parallel::with_deep_stack(|| scorecard::cli::run(cli)) {
        scorecard::cli::report(&error);
        std::process::exit(error.exit_code());
    }
}
