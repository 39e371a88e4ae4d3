//! `scorecard build`: under the output lock, work out which month bundles
//! are missing or out of date, evaluate once, and write those bundles.
//!
//! A bundle is up to date when its manifest records this engine version, the
//! same project and definitions hash, and exactly the same input files
//! (every extract of that month and the months before it, and the month's
//! commentary) with the same SHA-256.

use crate::bundle::{self, Manifest};
use crate::datasets;
use crate::lock::{LockError, OutputLock};
use crate::period::Month;
use crate::pipeline::{self, Error, Loaded};
use crate::render_bundle::{self, BuildTime};
use crate::{commentary, disclosure, render_html};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The month to build (default: the latest with extracts).
    pub month: Option<Month>,
    /// Every month with extracts whose bundle is missing or out of date.
    pub all: bool,
    /// Rebuild even when up to date.
    pub force: bool,
    /// Wait this long for another build's lock.
    pub wait: Duration,
    /// Draw progress bars (only when stderr is a terminal).
    pub progress: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Built { month: Month, path: PathBuf, counts: (usize, usize, usize), summary: Vec<String> },
    UpToDate { month: Month },
}

pub fn run(root: &Path, options: &Options) -> Result<Vec<Outcome>, Error> {
    let loaded = pipeline::load(root)?;
    let output = loaded.project.output_dir();
    let _lock = OutputLock::acquire(&output, options.wait).map_err(|error| match error {
        LockError::Held { waited } => Error::Locked(format!(
            "another build holds {} (waited {:.1} s)",
            output.join(".lock").display(),
            waited.as_secs_f64()
        )),
        LockError::Io(message) => Error::Output(message),
    })?;
    bundle::remove_leftovers(&output);
    // Month folders say which months exist without reading anything; a
    // project of periodic files only must be read to know, and that read is kept.
    let folders = datasets::month_folders(&loaded.project.data_dir()).map_err(|error| Error::Data(error.into()))?;
    let mut data = None;
    let available = match folders.is_empty() {
        true => data.insert(pipeline::read_data(&loaded)?).months.clone(),
        false => folders,
    };
    let targets = targets(&available, options)?;
    let definitions_hash = render_bundle::definitions_hash(&loaded);
    let hashes = RefCell::new(HashMap::new());
    let (stale, fresh): (Vec<Month>, Vec<Month>) = targets
        .into_iter()
        .partition(|month| options.force || !up_to_date(&loaded, *month, &definitions_hash, &hashes));
    for month in &fresh {
        tracing::info!(%month, "bundle is up to date; nothing to do (use --force to rebuild)");
    }
    let mut outcomes: Vec<Outcome> = fresh.into_iter().map(|month| Outcome::UpToDate { month }).collect();
    if stale.is_empty() {
        return Ok(outcomes);
    }
    let started = std::time::Instant::now();
    let bar = progress_bar(options.progress, stale.len() as u64 + 2);
    bar.set_message("reading extracts");
    let data = match data {
        Some(data) => data,
        None => pipeline::read_data(&loaded)?,
    };
    bar.inc(1);
    bar.set_message("evaluating indicators");
    tracing::info!(files = data.inputs.len(), elapsed_ms = started.elapsed().as_millis() as u64, "read extracts");
    let computed = pipeline::compute(&loaded, &data)?;
    tracing::info!(
        indicators = computed.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "evaluated every indicator over every month"
    );
    pipeline::check_benchmarks(&loaded)?;
    bar.inc(1);
    let built = BuildTime::from_environment();
    for month in stale {
        bar.set_message(format!("writing {month}"));
        outcomes.push(build_one(&loaded, &data, &computed, month, &built)?);
        bar.inc(1);
    }
    bar.finish_and_clear();
    let authority = &loaded.project.file.authority.name;
    let archive = render_html::archive_page(authority, &bundle::archive_entries(&output)).map_err(Error::Output)?;
    bundle::write_file_atomically(&output.join("index.html"), archive.as_bytes()).map_err(Error::Output)?;
    Ok(outcomes)
}

/// A bar on stderr for people watching; hidden for cron and pipes.
fn progress_bar(show: bool, steps: u64) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(steps);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}") {
        bar.set_style(style);
    }
    bar
}

fn targets(available: &[Month], options: &Options) -> Result<Vec<Month>, Error> {
    let range = || {
        format!(
            "{} to {}",
            available.first().map(Month::to_string).unwrap_or_default(),
            available.last().map(Month::to_string).unwrap_or_default()
        )
    };
    match (options.all, options.month) {
        (true, _) => Ok(available.to_vec()),
        (false, Some(month)) if available.contains(&month) => Ok(vec![month]),
        (false, Some(month)) => Err(Error::Usage(format!("no extracts for {month}: months available are {}", range()))),
        (false, None) => {
            available.last().map(|month| vec![*month]).ok_or_else(|| Error::Usage("no months with extracts".into()))
        }
    }
}

/// `hashes` remembers each input's SHA-256 across months: with `--all`,
/// month M's inputs include every earlier month's extracts.
fn up_to_date(
    loaded: &Loaded,
    month: Month,
    definitions_hash: &str,
    hashes: &RefCell<HashMap<PathBuf, Option<String>>>,
) -> bool {
    let path = loaded.project.output_dir().join(month.to_string()).join("manifest.json");
    let Some(manifest) = std::fs::read(&path).ok().and_then(|bytes| serde_json::from_slice::<Manifest>(&bytes).ok())
    else {
        return false;
    };
    if manifest.engine_version != env!("CARGO_PKG_VERSION") || manifest.definitions_sha256 != definitions_hash {
        return false;
    }
    let current = pipeline::input_files(loaded, month);
    let root = &loaded.project.root;
    current.len() == manifest.inputs.len()
        && current.iter().zip(&manifest.inputs).all(|(path, recorded)| {
            let hash = hashes
                .borrow_mut()
                .entry(path.clone())
                .or_insert_with(|| std::fs::read(path).ok().map(|bytes| bundle::sha256(&bytes)))
                .clone();
            pipeline::relative(root, path) == recorded.path && hash.as_deref() == Some(recorded.sha256.as_str())
        })
}

fn build_one(
    loaded: &Loaded,
    data: &pipeline::Data,
    computed: &[crate::report::IndicatorSeries],
    month: Month,
    built: &BuildTime,
) -> Result<Outcome, Error> {
    let below = loaded.project.file.disclosure.suppress_below;
    let published: Vec<_> = loaded
        .definitions
        .iter()
        .zip(computed)
        .map(|(definition, series)| disclosure::suppress(definition, series, below))
        .collect();
    let mut scorecard = pipeline::scorecard(loaded, &published, month);
    let ids: Vec<&str> = loaded.definitions.iter().map(|d| d.id()).collect();
    let mut notes = commentary::load(&loaded.project.root, month, &ids).map_err(Error::Invalid)?;
    for indicator in &mut scorecard.indicators {
        indicator.commentary = notes.remove(&indicator.id);
    }
    scorecard.data_quality = pipeline::data_quality(loaded, data, month)?;
    for finding in scorecard.data_quality.iter().filter(|finding| finding.records > 0) {
        tracing::warn!(%month, dataset = %finding.dataset, check = %finding.check, records = finding.records, "data-quality finding");
    }
    let files = render_bundle::render(loaded, data, &scorecard, built).map_err(Error::Output)?;
    let output = loaded.project.output_dir();
    let path = bundle::write_bundle(&output, month, &files).map_err(Error::Output)?;
    let zip = bundle::zip(&files).map_err(Error::Output)?;
    bundle::write_file_atomically(&output.join(format!("{month}.zip")), &zip).map_err(Error::Output)?;
    let counts = scorecard.counts();
    tracing::info!(%month, path = %path.display(), red = counts.0, amber = counts.1, green = counts.2, "wrote bundle");
    Ok(Outcome::Built { month, path, counts, summary: summary(&scorecard) })
}

/// One line per indicator: RAG letter, id, value as shown, direction since last month.
fn summary(scorecard: &crate::report::Scorecard) -> Vec<String> {
    scorecard
        .indicators
        .iter()
        .map(|indicator| {
            let value = if crate::disclosure::is_suppressed(&indicator.latest) {
                "c".to_string()
            } else {
                match &indicator.latest.not_calculable {
                    Some(reason) => format!("not calculable: {reason}"),
                    None => crate::results::show_value(indicator.latest.value, indicator.decimals, indicator.unit),
                }
            };
            let rag = indicator.rag.map_or("-", |rag| rag.letter());
            let travel = indicator.vs_previous_month.direction.map_or("", |direction| direction.describe());
            format!("[{rag}] {:<38} {value:>16}  {travel}", indicator.id)
        })
        .collect()
}
