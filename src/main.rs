use clap::Parser;

fn main() {
    let cli = scorecard::cli::Cli::parse();
    if let Err(error) = scorecard::cli::run(cli) {
        scorecard::cli::report(&error);
        std::process::exit(error.exit_code());
    }
}
