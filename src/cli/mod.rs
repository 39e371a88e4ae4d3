//! The `scorecard` command line.

pub mod init;

use crate::evaluate::{self, Error};
use crate::project::period::Month;
use crate::{publish, publish::bundle, sample};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "scorecard", version, about = "Children's services performance scorecards from monthly extracts")]
pub struct Cli {
    /// Project folder (holding scorecard.toml).
    #[arg(long, global = true, default_value = ".")]
    pub project: PathBuf,
    /// Log format on stderr: `human`, or `json` for log collectors.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Human)]
    pub log_format: LogFormat,
    /// Only errors on stderr.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// More detail on stderr (-v debug, -vv trace).
    #[arg(long, short, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Human,
    Json,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaKind {
    Indicator,
    Project,
}

/// JSON Schema of a user-written file, generated from the same types the
/// engine reads it into.
pub fn schema(kind: SchemaKind) -> String {
    let schema = match kind {
        SchemaKind::Indicator => schemars::schema_for!(crate::language::Indicator),
        SchemaKind::Project => schemars::schema_for!(crate::project::ProjectFile),
    };
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate every indicator and write reports/YYYY-MM/.
    Build {
        /// Month to report (default: the latest month with extracts).
        #[arg(long, conflicts_with = "all")]
        month: Option<Month>,
        /// Build every month whose bundle is missing or out of date.
        #[arg(long)]
        all: bool,
        /// Rebuild even when the bundle is up to date.
        #[arg(long)]
        force: bool,
        /// Wait up to this many seconds for another build to finish.
        #[arg(long, default_value_t = 0.0)]
        wait: f64,
        /// In a consortium: build only this member's bundles (code).
        #[arg(long)]
        authority: Option<String>,
    },
    /// Evaluate every indicator for every month (and member) and write the
    /// values as CSV, without judging or rendering: for analysts and
    /// benchmarks. Unsuppressed, so for local use, never published.
    Values {
        /// Write to this file instead of the screen.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Check the project, definitions and extracts without writing anything.
    Check,
    /// List the indicators.
    List,
    /// Show how one indicator's figure was worked out, with the records
    /// behind it (child ids, workers): for local use, never published.
    Explain {
        indicator: String,
        /// Month (default: the latest with extracts).
        #[arg(long)]
        month: Option<Month>,
        /// In a consortium: the member (code).
        #[arg(long)]
        authority: Option<String>,
        /// Write the records to this CSV file instead of the screen.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Copy a built month's bundle to a publication folder, atomically.
    Publish {
        #[arg(long)]
        month: Month,
        #[arg(long)]
        to: PathBuf,
        /// In a consortium: the member (code).
        #[arg(long)]
        authority: Option<String>,
    },
    /// Print the JSON Schema of the indicator or project file, for editor completion.
    Schema {
        #[arg(value_enum, default_value_t = SchemaKind::Indicator)]
        kind: SchemaKind,
    },
    /// Start a new project in DIR.
    Init { dir: PathBuf },
    /// Write the deterministic sample authority's extracts, or with
    /// --authorities N a consortium's (members.csv and a folder per member).
    Sample {
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value = "sample-data")]
        out: PathBuf,
        /// Generate a consortium of this many authorities of varied sizes.
        #[arg(long)]
        authorities: Option<usize>,
    },
}

/// Lines for stdout, written in one go at the end.
macro_rules! say {
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($out, $($arg)*);
    }};
}

pub fn run(cli: Cli) -> Result<(), Error> {
    init_logging(&cli);
    let mut out = String::new();
    let result = match cli.command {
        Command::Build { month, all, force, wait, authority } => {
            let progress = !cli.quiet
                && cli.log_format == LogFormat::Human
                && std::io::IsTerminal::is_terminal(&std::io::stderr());
            let options = publish::Options {
                month,
                all,
                force,
                wait: std::time::Duration::from_secs_f64(wait.max(0.0)),
                progress,
                authority,
            };
            build(&cli.project, &options, &mut out)
        }
        Command::Check => check(&cli.project, &mut out),
        Command::List => list(&cli.project, &mut out),
        Command::Schema { kind } => {
            out.push_str(&schema(kind));
            Ok(())
        }
        Command::Init { dir } => {
            let month = Month::containing(chrono::Utc::now().date_naive());
            crate::cli::init::scaffold(&dir, month)
                .map(|files| {
                    say!(
                        out,
                        "created {} (next: put this month's extracts in data/{month}/, then `scorecard check`)",
                        files.len()
                    )
                })
                .map_err(Error::Usage)
        }
        Command::Explain { indicator, month, authority, out: file } => {
            explain(&cli.project, &indicator, month, authority.as_deref(), file.as_deref(), &mut out)
        }
        Command::Values { out: file } => values(&cli.project, file.as_deref(), &mut out),
        Command::Publish { month, to, authority } => publish(&cli.project, month, &to, authority.as_deref(), &mut out),
        Command::Sample { seed, out: dir, authorities } => {
            let written = match authorities {
                Some(count) => sample::write_consortium(&dir, seed, count),
                None => sample::write(&dir, seed),
            };
            written.map(|summary| say!(out, "{summary}")).map_err(Error::Output)
        }
    };
    print(&out);
    result
}

/// A closed pipe (`scorecard list | head`) is not an error worth a panic.
fn print(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

fn build(root: &std::path::Path, options: &publish::Options, out: &mut String) -> Result<(), Error> {
    let mut latest_summary = Vec::new();
    for outcome in publish::run(root, options)? {
        match outcome {
            publish::Outcome::Built { authority, month, path, counts: (red, amber, green), summary } => {
                let who = authority.map(|code| format!(" {code}")).unwrap_or_default();
                say!(out, "built{who} {month}: {red} red, {amber} amber, {green} green -> {}", path.display());
                latest_summary = summary;
            }
            publish::Outcome::UpToDate { authority, month } => {
                let who = authority.map(|code| format!("{code} ")).unwrap_or_default();
                say!(out, "{who}{month} is up to date: nothing to do (--force rebuilds)")
            }
            publish::Outcome::Compared { month, path } => {
                say!(out, "compared {month}: {}", path.display())
            }
        }
    }
    // The newest month built, indicator by indicator (the page has the rest).
    for line in latest_summary {
        say!(out, "  {line}");
    }
    Ok(())
}

fn publish(
    root: &std::path::Path,
    month: Month,
    to: &std::path::Path,
    authority: Option<&str>,
    out: &mut String,
) -> Result<(), Error> {
    let loaded = evaluate::load(root)?;
    let member = &loaded.members[loaded.member(authority)?];
    let target = bundle::publish(&member.output_dir, month, to).map_err(Error::Output)?;
    say!(out, "published {}", target.display());
    Ok(())
}

fn explain(
    root: &std::path::Path,
    id: &str,
    month: Option<Month>,
    authority: Option<&str>,
    file: Option<&std::path::Path>,
    out: &mut String,
) -> Result<(), Error> {
    let loaded = evaluate::load(root)?;
    let member = loaded.member(authority)?;
    let data = evaluate::read_data_for(&loaded, evaluate::Reading::ValuesOnly)?;
    let month = evaluate::choose_month(&data, month)?;
    let explanation = evaluate::explain(&loaded, &data, member, id, month)?;
    say!(out, "{} ({id}), {month}", explanation.title);
    for (label, text) in &explanation.rule {
        say!(out, "  {label}: {text}");
    }
    let observation = &explanation.observation;
    match (&observation.not_calculable, observation.value) {
        (Some(reason), _) => say!(out, "  Value: not calculable: {reason}"),
        (None, _) => say!(
            out,
            "  Value: {}  numerator: {}  denominator: {}",
            explanation.value,
            crate::evaluate::observe::show_quantity(observation.numerator),
            crate::evaluate::observe::show_quantity(observation.denominator)
        ),
    }
    let (columns, rows) = (&explanation.columns, &explanation.rows);
    match file {
        Some(path) => {
            let mut writer =
                csv::Writer::from_path(path).map_err(|error| Error::Output(format!("{}: {error}", path.display())))?;
            for record in std::iter::once(columns).chain(rows) {
                writer.write_record(record).map_err(|error| Error::Output(error.to_string()))?;
            }
            writer.flush().map_err(|error| Error::Output(format!("{}: {error}", path.display())))?;
            say!(out, "wrote {} records to {}", rows.len(), path.display());
        }
        None => {
            say!(out, "  {} records taking part ({}):", rows.len(), explanation.window);
            let widths: Vec<usize> = (0..columns.len())
                .map(|i| rows.iter().map(|row| row[i].len()).chain([columns[i].len()]).max().unwrap_or(0))
                .collect();
            let line = |cells: &[String]| {
                cells.iter().zip(&widths).map(|(cell, width)| format!("{cell:<width$}")).collect::<Vec<_>>().join("  ")
            };
            say!(out, "  {}", line(columns));
            for row in rows {
                say!(out, "  {}", line(row));
            }
        }
    }
    Ok(())
}

fn check(root: &std::path::Path, out: &mut String) -> Result<(), Error> {
    let loaded = evaluate::load(root)?;
    let data = evaluate::read_data(&loaded)?;
    evaluate::compute(&loaded, &data)?;
    evaluate::check_benchmarks(&loaded)?;
    let quality = evaluate::data_quality(&loaded, &data)?;
    if let Some(last) = data.months.last() {
        for (index, member) in loaded.members.iter().enumerate() {
            let who = if loaded.members.len() > 1 { format!(" {}", member.code) } else { String::new() };
            for finding in quality.findings(&data, index, *last) {
                say!(
                    out,
                    "data quality{who} {last}: {} `{}`: {} records failing",
                    finding.dataset,
                    finding.check,
                    finding.records
                );
            }
        }
    }
    let first = data.months.first().map(Month::to_string).unwrap_or_default();
    let last = data.months.last().map(Month::to_string).unwrap_or_default();
    say!(out, "ok: {} indicators, extracts {first} to {last}", loaded.definitions.len());
    Ok(())
}

fn values(root: &std::path::Path, file: Option<&std::path::Path>, out: &mut String) -> Result<(), Error> {
    let loaded = evaluate::load(root)?;
    let data = evaluate::read_data_for(&loaded, evaluate::Reading::ValuesOnly)?;
    let computed = evaluate::compute(&loaded, &data)?;
    let csv = crate::render::tables::values_csv(&loaded, &computed).map_err(Error::Output)?;
    match file {
        Some(path) => {
            std::fs::write(path, &csv).map_err(|error| Error::Output(format!("{}: {error}", path.display())))?;
            let values = loaded.members.len() * loaded.definitions.len() * data.months.len();
            say!(out, "wrote {values} values to {}", path.display());
        }
        None => out.push_str(&String::from_utf8_lossy(&csv)),
    }
    Ok(())
}

fn list(root: &std::path::Path, out: &mut String) -> Result<(), Error> {
    let loaded = evaluate::load(root)?;
    for definition in &loaded.definitions {
        let indicator = &definition.indicator;
        let plan = indicator.plan_ref.as_deref().unwrap_or("-");
        say!(out, "{:<40} {:<12} {:<6} {}", definition.id(), definition.theme, plan, indicator.title);
    }
    Ok(())
}

/// Print an error with its diagnostics to stderr.
pub fn report(error: &Error) {
    match error.diagnostics() {
        Some(diagnostics) => eprintln!("{}\n\nerror: {error}", diagnostics.render()),
        None => eprintln!("error: {error}"),
    }
}
