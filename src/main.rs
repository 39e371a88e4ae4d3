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
    // Transparent huge pages make the kernel zero 2 MB at each first touch
    // of the short-lived buffers an evaluation allocates and frees; on this
    // project's 2-core VMs that was 40% of a consortium run's time, and the
    // source of its run-to-run spread (BENCHMARKS.md, "Transparent huge
    // pages"). Ordinary pages cost less here; failure changes nothing else.
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE takes plain integers and only sets a flag on this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    let cli = scorecard::cli::Cli::parse();
    // Planning a definition recurses once per operator of its expressions.
    if let Err(error) = scorecard::parallel::with_deep_stack(|| scorecard::cli::run(cli)) {
        scorecard::cli::report(&error);
        std::process::exit(error.exit_code());
    }
}
