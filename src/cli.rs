//! The `scorecard` command line.

use crate::diagnostics::Diagnostics;
use crate::period::Month;
use crate::pipeline::{self, Error};
use crate::render_bundle::{self, BuildTime};
use crate::{bundle, commentary, render_html, sample};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "scorecard", version, about = "Children's services performance scorecards from monthly extracts")]
pub struct Cli {
    /// Project folder (holding scorecard.toml).
    #[arg(long, global = true, default_value = ".")]
    pub project: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate every indicator and write reports/YYYY-MM/.
    Build {
        /// Month to report (default: the latest month with extracts).
        #[arg(long)]
        month: Option<Month>,
    },
    /// Check the project, definitions and extracts without writing anything.
    Check,
    /// List the indicators.
    List,
    /// Copy a built month's bundle to a publication folder, atomically.
    Publish {
        #[arg(long)]
        month: Month,
        #[arg(long)]
        to: PathBuf,
    },
    /// Write the deterministic sample authority's extracts.
    Sample {
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value = "sample-data")]
        out: PathBuf,
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
    let mut out = String::new();
    let result = match cli.command {
        Command::Build { month } => build(&cli.project, month, &mut out),
        Command::Check => check(&cli.project, &mut out),
        Command::List => list(&cli.project, &mut out),
        Command::Publish { month, to } => publish(&cli.project, month, &to, &mut out),
        Command::Sample { seed, out: dir } => sample::write(&dir, seed).map(|summary| say!(out, "{summary}")).map_err(Error::Output),
    };
    print(&out);
    result
}

/// A closed pipe (`scorecard list | head`) is not an error worth a panic.
fn print(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

fn build(root: &std::path::Path, month: Option<Month>, out: &mut String) -> Result<(), Error> {
    let loaded = pipeline::load(root)?;
    let data = pipeline::read_data(&loaded)?;
    let month = pipeline::choose_month(&data, month)?;
    let computed = pipeline::compute(&loaded, &data)?;
    pipeline::check_benchmarks(&loaded, month)?;
    let mut scorecard = pipeline::scorecard(&loaded, &computed, month);
    let ids: Vec<&str> = loaded.definitions.iter().map(|d| d.id()).collect();
    let mut commentary = commentary::load(&loaded.project.root, month, &ids).map_err(Error::Invalid)?;
    for indicator in &mut scorecard.indicators {
        indicator.commentary = commentary.remove(&indicator.id);
    }
    let built = BuildTime::from_environment();
    let files = render_bundle::render(&loaded, &data, &scorecard, &built).map_err(Error::Output)?;
    let output = loaded.project.output_dir();
    let target = bundle::write_bundle(&output, month, &files).map_err(Error::Output)?;
    let zip = bundle::zip(&files).map_err(Error::Output)?;
    bundle::write_file_atomically(&output.join(format!("{month}.zip")), &zip).map_err(Error::Output)?;
    let archive = render_html::archive_page(&scorecard.authority, &bundle::archive_entries(&output)).map_err(Error::Output)?;
    bundle::write_file_atomically(&output.join("index.html"), archive.as_bytes()).map_err(Error::Output)?;
    let (red, amber, green) = scorecard.counts();
    say!(out, "{} scorecard for {month}: {} indicators ({red} red, {amber} amber, {green} green)", scorecard.authority, scorecard.indicators.len());
    for indicator in &scorecard.indicators {
        let value = match (indicator.latest.value, &indicator.latest.not_calculable) {
            (Some(value), _) => format!("{:.*}", indicator.decimals as usize, crate::results::round_to(value, indicator.decimals)),
            (None, reason) => format!("not calculable: {}", reason.clone().unwrap_or_default()),
        };
        let rag = indicator.rag.map(|rag| rag.letter()).unwrap_or("-");
        let travel = indicator.vs_previous_month.direction.map(|direction| direction.describe()).unwrap_or("-");
        say!(out, "  [{rag}] {:<40} {value:>10}  {travel}", indicator.id);
    }
    say!(out, "wrote {}", target.display());
    Ok(())
}

fn publish(root: &std::path::Path, month: Month, to: &std::path::Path, out: &mut String) -> Result<(), Error> {
    let project = crate::project::Project::load(root).map_err(Error::Invalid)?;
    let target = bundle::publish(&project.output_dir(), month, to).map_err(Error::Output)?;
    say!(out, "published {}", target.display());
    Ok(())
}

fn check(root: &std::path::Path, out: &mut String) -> Result<(), Error> {
    let loaded = pipeline::load(root)?;
    let data = pipeline::read_data(&loaded)?;
    pipeline::compute(&loaded, &data)?;
    if let Some(last) = data.months.last() {
        pipeline::check_benchmarks(&loaded, *last)?;
    }
    let first = data.months.first().map(Month::to_string).unwrap_or_default();
    let last = data.months.last().map(Month::to_string).unwrap_or_default();
    say!(out, "ok: {} indicators, extracts {first} to {last}", loaded.definitions.len());
    Ok(())
}

fn list(root: &std::path::Path, out: &mut String) -> Result<(), Error> {
    let loaded = pipeline::load(root)?;
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
        Some(diagnostics) => eprintln!("{}\n\nerror: {error}", render(diagnostics)),
        None => eprintln!("error: {error}"),
    }
}

fn render(diagnostics: &Diagnostics) -> String {
    diagnostics.render()
}
