//! The `scorecard` command line: clap types (`args`), and a handler per
//! command family that calls the library and writes what it found to
//! stdout in one go. Logs go to stderr. Depends on every stage; nothing
//! depends on it but `main.rs`.

/// Lines for stdout, written in one go at the end.
macro_rules! say {
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($out, $($arg)*);
    }};
}

mod args;
mod build;
mod explain;
mod init;
mod inspect;
pub mod project;
mod schema;

pub use crate::error::Error;
use crate::error::UsageError;
pub use args::{Cli, Command, LogFormat, SchemaKind};
pub use schema::schema;

use crate::project::Month;
use crate::publish;

/// Runs the command `cli` holds; what it prints goes to stdout, logs to stderr.
pub fn run(cli: Cli) -> Result<(), Error> {
    init_logging(&cli);
    check_source_date_epoch()?;
    let mut out = String::new();
    let root = &cli.project;
    let result = match cli.command {
        Command::Build { month, all, force, wait, authority, allow_incomplete } => {
            let progress = !cli.quiet
                && cli.log_format == LogFormat::Human
                && std::io::IsTerminal::is_terminal(&std::io::stderr());
            let options = publish::Options {
                month,
                all,
                force,
                wait: wait_duration(wait)?,
                progress,
                authority,
                allow_incomplete,
            };
            build::build(root, &options, &mut out)
        }
        Command::Check => inspect::check(root, &mut out),
        Command::List => inspect::list(root, &mut out),
        Command::Schema { kind } => {
            out.push_str(&schema(kind));
            Ok(())
        }
        Command::Init { dir, preset } => {
            let month = Month::containing(chrono::Utc::now().date_naive());
            init::scaffold(&dir, month, preset)
                .map(|files| {
                    let next = match preset {
                        Some(init::Preset::AnnexA) => format!(
                            "put this month's workbook in data/ as Annex_A_{}.xlsx",
                            month.first_day().format("%Y_%b")
                        ),
                        Some(init::Preset::Ssd) => {
                            "export the ssd_* tables scorecard.toml names to data/ as CSV".to_string()
                        }
                        Some(init::Preset::Returns) => format!(
                            "put this month's cin_census.xml, csww.xml and ssda903_header.csv, ssda903_episodes.csv, ssda903_missing.csv and ssda903_oc3.csv in data/{month}/"
                        ),
                        None => format!("put this month's extracts in data/{month}/"),
                    };
                    // The paths made include this month's (empty) data folder.
                    let made = files.iter().filter(|path| path.is_file()).count();
                    say!(out, "created {made} files in {} (next: {next}, then `scorecard check`)", dir.display())
                })
        }
        Command::Explain { indicator, month, authority, out: file, all_columns } => {
            let shown = if all_columns { crate::evaluate::Shown::All } else { crate::evaluate::Shown::Used };
            let target = explain::Target { id: &indicator, month, authority: authority.as_deref() };
            explain::explain(root, target, shown, file.as_deref(), &mut out)
        }
        Command::Project { month, authority, json } => {
            let request = project::Request { month, authority: authority.as_deref(), json: json.as_deref() };
            project::project(root, request, &mut out)
        }
        Command::Values { out: file, breakdowns } => inspect::values(root, file.as_deref(), breakdowns, &mut out),
        Command::Publish { month, to, wait, authority } => {
            build::publish(root, month, &to, wait_duration(wait)?, authority.as_deref(), &mut out)
        }
        Command::Sample { seed, out: dir, authorities, shape } => {
            let written = match authorities {
                Some(count) => crate::sample::write_consortium(&dir, seed, count.into(), shape),
                None => crate::sample::write_shaped(&dir, seed, shape),
            };
            written
                .map(|summary| say!(out, "{summary}"))
                .map_err(|error| Error::Output(crate::error::OutputError::Sample(Box::new(error))))
        }
    };
    print(&out);
    result
}

/// Logs go to stderr; stdout carries only results.
fn init_logging(cli: &Cli) {
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => tracing::Level::ERROR,
        (false, 0) => tracing::Level::INFO,
        (false, 1) => tracing::Level::DEBUG,
        (false, _) => tracing::Level::TRACE,
    };
    let builder = tracing_subscriber::fmt().with_writer(std::io::stderr).with_max_level(level).with_target(false);
    let _ = match cli.log_format {
        LogFormat::Human => builder.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr())).try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

/// A closed pipe (`scorecard list | head`) is not an error worth a panic.
fn print(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// Print an error with its diagnostics to stderr.
pub fn report(error: &Error) {
    match error.diagnostics() {
        Some(diagnostics) => eprintln!("{}\n\nerror: {error}", diagnostics.render()),
        None => eprintln!("error: {error}"),
    }
}

/// `--wait` in seconds: a week at most, so that `inf` or `1e300` is a
/// usage error rather than a panic converting it.
fn wait_duration(seconds: f64) -> Result<std::time::Duration, Error> {
    const WEEK: f64 = 7.0 * 24.0 * 3600.0;
    match (0.0..=WEEK).contains(&seconds) {
        true => Ok(std::time::Duration::from_secs_f64(seconds)),
        false => Err(UsageError::Wait { seconds, most: WEEK }.into()),
    }
}

/// `SOURCE_DATE_EPOCH` (seconds since 1970, for reproducible builds) was
/// silently ignored when it was not a number and failed the workbook when
/// out of range: now either is a usage error naming the value.
fn check_source_date_epoch() -> Result<(), Error> {
    let Ok(text) = std::env::var("SOURCE_DATE_EPOCH") else { return Ok(()) };
    // Up to the last second of 9999, as the bundle's dates are written.
    let usable = text.trim().parse::<i64>().is_ok_and(|seconds| (0..=253_402_300_799).contains(&seconds));
    match usable {
        true => Ok(()),
        false => Err(UsageError::SourceDateEpoch(crate::diagnostics::quoted(&text).to_string()).into()),
    }
}
