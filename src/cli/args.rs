//! The command line, as clap parses it. The handlers are beside it, one
//! file per command family.

use crate::project::Month;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Children's services performance scorecards from monthly extracts
#[derive(Debug, Parser)]
#[command(name = "scorecard", version)]
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
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
/// How log lines are written on stderr.
// The variants go undocumented: clap would show their docs in every
// command's help (the global `--log-format`'s help already names both), and
// switch `--help` to its long layout.
#[allow(missing_docs)]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
/// Which file's JSON Schema `scorecard schema` prints.
pub enum SchemaKind {
    /// An indicator definition (`indicators/<theme>/<id>.toml`).
    Indicator,
    /// The project file (`scorecard.toml`).
    Project,
    /// The improvement plan (`plan.toml`).
    Plan,
}

/// The commands.
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
        /// Publish a month even when some extracts in use are missing (the
        /// page says which); without it such a build exits 7 and writes nothing.
        #[arg(long)]
        allow_incomplete: bool,
    },
    /// Evaluate every indicator for every month (and member) and write the
    /// values as CSV, without judging or rendering: for analysts and
    /// benchmarks. Unsuppressed, so for local use, never published.
    Values {
        /// Write to this file instead of the screen.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Each indicator's breakdown groups (e.g. by team) after its totals,
        /// with `breakdown` and `group` columns; unsuppressed, for local checking.
        #[arg(long)]
        breakdowns: bool,
    },
    /// Check the project, definitions and extracts without writing anything.
    Check,
    /// List the indicators.
    List,
    /// Show how one indicator's figure was worked out, with the records
    /// behind it (child ids, workers): for local use, never published.
    Explain {
        /// The indicator's id (`scorecard list` shows them).
        indicator: String,
        /// Month (default: the latest with extracts; in a consortium, the
        /// member's latest).
        #[arg(long)]
        month: Option<Month>,
        /// In a consortium: the member (code); only its extracts are read.
        #[arg(long)]
        authority: Option<String>,
        /// Write the records to this CSV file instead of the screen.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Show every column of each record, not only those the definition uses.
        #[arg(long)]
        all_columns: bool,
    },
    /// Project how many children will be looked after, by age band and
    /// placement type, 1 to 36 months on, from the SSDA903 episodes
    /// (`[projection]` in scorecard.toml; docs/projection.md).
    Project {
        /// The last month observed (default: the latest with extracts).
        #[arg(long)]
        month: Option<Month>,
        /// In a consortium: the member (code).
        #[arg(long)]
        authority: Option<String>,
        /// Also write the projection as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// Copy a built month's bundle to a publication folder, atomically.
    Publish {
        /// The built month to copy.
        #[arg(long)]
        month: Month,
        /// The publication folder: the bundle goes to TO/YYYY-MM/, its zip beside it.
        #[arg(long)]
        to: PathBuf,
        /// Wait up to this many seconds for a build to finish (a bundle is
        /// copied only while no build holds the output lock).
        #[arg(long, default_value_t = 0.0)]
        wait: f64,
        /// In a consortium: the member (code).
        #[arg(long)]
        authority: Option<String>,
    },
    /// Print the JSON Schema of an indicator definition, the project file or the improvement plan, for editor completion.
    Schema {
        /// Which file's schema.
        #[arg(value_enum, default_value_t = SchemaKind::Indicator)]
        kind: SchemaKind,
    },
    /// Start a new project in DIR: a minimal one, or with --preset one
    /// written for a source of data, with its datasets and indicator pack.
    Init {
        /// The new project's folder (made if missing; never overwritten).
        dir: PathBuf,
        /// The source of data the project is written for.
        #[arg(long, value_enum)]
        preset: Option<super::init::Preset>,
    },
    /// Write the deterministic sample authority's extracts, or with
    /// --authorities N a consortium's (members.csv and a folder per member).
    Sample {
        /// The random seed: the same seed writes the same files.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The folder to write into.
        #[arg(long, default_value = "sample-data")]
        out: PathBuf,
        /// Generate a consortium of this many authorities (1 to 9999) of varied sizes.
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=9999))]
        authorities: Option<u16>,
        /// The files' shape: snapshots, or as `init --preset <shape>` reads them (each member's, in a consortium).
        #[arg(long, value_enum, default_value_t = crate::sample::Shape::Snapshots)]
        shape: crate::sample::Shape,
    },
}
