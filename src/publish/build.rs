//! `scorecard build`: under the output lock, work out which month bundles
//! (of which members, in a consortium) are missing or out of date, evaluate
//! once, and write those bundles, and a consortium's comparison.
//!
//! A bundle is up to date when its manifest records this engine version, the
//! same project and definitions hash, and exactly the same input files
//! (every extract of that month and the months before it, and the month's
//! commentary) with the same SHA-256.

use crate::evaluate::run::Snapshot;
use crate::evaluate::{self, Data, Error, Loaded, Reading};
use crate::input;
use crate::judge::Scorecard;
use crate::project::period::Month;
use crate::publish::bundle::{self, Manifest};
use crate::publish::lock::{LockError, OutputLock};
use crate::render::{self, BuildTime};
use crate::{input::commentary, judge::disclosure, judge::rank, parallel, render::comparison, render::html};
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
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
    /// In a consortium, build only this member's bundles (and no comparison).
    pub authority: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// `authority`: the member's code, in a consortium.
    Built {
        authority: Option<String>,
        month: Month,
        path: PathBuf,
        counts: (usize, usize, usize),
        summary: Vec<String>,
    },
    UpToDate {
        authority: Option<String>,
        month: Month,
    },
    Compared {
        month: Month,
        path: PathBuf,
    },
}

/// Where a consortium's comparison bundles go, under the output folder.
pub const COMPARISON_FOLDER: &str = "comparison";

pub fn run(root: &Path, options: &Options) -> Result<Vec<Outcome>, Error> {
    let loaded = evaluate::load(root)?;
    let _lock = lock_output(&loaded, options)?;
    let chosen: Vec<usize> = match &options.authority {
        Some(code) => vec![loaded.member(Some(code))?],
        None => (0..loaded.members.len()).collect(),
    };
    bundle::remove_leftovers(&loaded.project.output_dir());
    for member in &chosen {
        bundle::remove_leftovers(&loaded.members[*member].output_dir);
    }
    let (targets, data) = targets(&loaded, &chosen, options)?;
    let work = Work::plan(&loaded, &targets, options);
    let mut outcomes: Vec<Outcome> = work
        .fresh
        .iter()
        .map(|(member, month)| Outcome::UpToDate { authority: consortium_code(&loaded, *member), month: *month })
        .collect();
    if work.stale.is_empty() && work.comparisons.is_empty() {
        return Ok(outcomes);
    }
    outcomes.extend(work.carry_out(&loaded, data, options.progress)?);
    write_archive_pages(&loaded, &chosen)?;
    Ok(outcomes)
}

fn lock_output(loaded: &Loaded, options: &Options) -> Result<OutputLock, Error> {
    let output = loaded.project.output_dir();
    OutputLock::acquire(&output, options.wait).map_err(|error| match error {
        LockError::Held { waited } => Error::Locked(format!(
            "another build holds {} (waited {:.1} s)",
            output.join(".lock").display(),
            waited.as_secs_f64()
        )),
        LockError::Io(message) => Error::Output(message),
    })
}

/// The member's code, in a consortium (a single authority's outputs say nothing of it).
fn consortium_code(loaded: &Loaded, member: usize) -> Option<String> {
    Some(loaded.members[member].code.clone()).filter(|_| loaded.members.len() > 1)
}

/// Every (member, month) asked for. Month folders say which months exist
/// without reading anything; a project of periodic files only must be read
/// to know, and that read is kept.
fn targets(loaded: &Loaded, chosen: &[usize], options: &Options) -> Result<(Vec<Snapshot>, Option<Data>), Error> {
    let mut data = None;
    let mut targets = Vec::new();
    for member in chosen {
        let folders =
            input::month_folders(&loaded.members[*member].data_dir).map_err(|error| Error::Data(error.into()))?;
        let available = match folders.is_empty() {
            true => data.get_or_insert(evaluate::read_data_for(loaded, Reading::ForBundles)?).months.clone(),
            false => folders,
        };
        targets.extend(months_to_build(&available, options)?.into_iter().map(|month| (*member, month)));
    }
    Ok((targets, data))
}

/// What a build has to do: the bundles out of date, those up to date, and
/// the consortium comparisons out of date.
struct Work {
    stale: Vec<Snapshot>,
    fresh: Vec<Snapshot>,
    comparisons: BTreeSet<Month>,
}

impl Work {
    fn plan(loaded: &Loaded, targets: &[Snapshot], options: &Options) -> Work {
        let definitions_hash = render::definitions_hash(loaded);
        let hashes = RefCell::new(HashMap::new());
        let (stale, fresh): (Vec<Snapshot>, Vec<Snapshot>) = targets.iter().partition(|(member, month)| {
            options.force || !up_to_date(loaded, *member, *month, &definitions_hash, &hashes)
        });
        for (member, month) in &fresh {
            let authority = &loaded.members[*member].code;
            tracing::info!(%authority, %month, "bundle is up to date; nothing to do (use --force to rebuild)");
        }
        // A comparison is out of date when any member's inputs for its month
        // changed, including by a build of one member alone.
        let comparing = options.authority.is_none() && loaded.members.len() > 1;
        let months: BTreeSet<Month> = targets.iter().map(|(_, month)| *month).collect();
        let comparisons = months
            .into_iter()
            .filter(|month| {
                comparing && (options.force || !comparison_up_to_date(loaded, *month, &definitions_hash, &hashes))
            })
            .collect();
        Work { stale, fresh, comparisons }
    }

    /// Read once, evaluate once, then write every stale bundle (on every
    /// core) and every stale comparison.
    fn carry_out(&self, loaded: &Loaded, data: Option<Data>, progress: bool) -> Result<Vec<Outcome>, Error> {
        let started = std::time::Instant::now();
        let bar = progress_bar(progress, self.stale.len() as u64 + 2);
        bar.set_message("reading extracts");
        let data = match data {
            Some(data) => data,
            None => evaluate::read_data_for(loaded, Reading::ForBundles)?,
        };
        bar.inc(1);
        bar.set_message("evaluating indicators");
        let computed = evaluate::compute(loaded, &data)?;
        evaluate::check_benchmarks(loaded)?;
        let quality = evaluate::data_quality(loaded, &data)?;
        bar.inc(1);
        let built = BuildTime::from_environment();
        let published = published_series(loaded, &computed);
        let context = BuildContext { loaded, data: &data, published: &published, quality: &quality, built: &built };
        let results = parallel::map(&self.stale, |(member, month)| {
            let outcome = build_one(&context, *member, *month);
            bar.inc(1);
            outcome
        });
        let mut outcomes = results.into_iter().collect::<Result<Vec<_>, _>>()?;
        for month in &self.comparisons {
            outcomes.push(compare(&context, *month)?);
        }
        bar.finish_and_clear();
        tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, "build finished");
        Ok(outcomes)
    }
}

/// Each built member's archive page; in a consortium, also the front page
/// linking every member and every comparison.
fn write_archive_pages(loaded: &Loaded, built: &[usize]) -> Result<(), Error> {
    for member in built {
        let member = &loaded.members[*member];
        let entries = bundle::archive_entries(&member.output_dir);
        let archive = html::archive_page(&member.name, &entries).map_err(Error::Output)?;
        bundle::write_file_atomically(&member.output_dir.join("index.html"), archive.as_bytes())
            .map_err(Error::Output)?;
    }
    if loaded.members.len() < 2 {
        return Ok(());
    }
    let output = loaded.project.output_dir();
    let months = |folder: &Path| -> Vec<Month> {
        bundle::archive_entries(folder).iter().filter_map(|entry| entry.month.parse().ok()).collect()
    };
    let members: Vec<(String, String, Option<Month>)> = loaded
        .members
        .iter()
        .map(|member| (member.name.clone(), member.code.clone(), months(&member.output_dir).last().copied()))
        .collect();
    let comparisons = months(&output.join(COMPARISON_FOLDER));
    let page =
        html::consortium_page(&loaded.project.file.authority.name, &comparisons, &members).map_err(Error::Output)?;
    bundle::write_file_atomically(&output.join("index.html"), page.as_bytes()).map_err(Error::Output)
}

/// Everything a bundle is made from, shared by the bundles of one build.
struct BuildContext<'a> {
    loaded: &'a Loaded,
    data: &'a Data,
    /// Each member's series after disclosure control: `[member][indicator]`.
    published: &'a evaluate::Computed,
    quality: &'a evaluate::DataQuality,
    built: &'a BuildTime,
}

/// Every member's series as they may be published: small numbers hidden
/// before anything is judged, so RAG, SPC and ranks never use them.
fn published_series(loaded: &Loaded, computed: &evaluate::Computed) -> evaluate::Computed {
    let below = loaded.project.file.disclosure.suppress_below;
    computed
        .iter()
        .map(|series| {
            loaded
                .definitions
                .iter()
                .zip(series)
                .map(|(definition, one)| disclosure::suppress(definition, one, below))
                .collect()
        })
        .collect()
}

/// The consortium's comparison for `month`, written as a bundle of its own.
fn compare(context: &BuildContext, month: Month) -> Result<Outcome, Error> {
    let loaded = context.loaded;
    let scorecards: Vec<Scorecard> = (0..loaded.members.len())
        .map(|member| evaluate::scorecard(loaded, member, &context.published[member], month))
        .collect();
    let ranking = rank::rank(&scorecards).ok_or_else(|| Error::Usage("no members to compare".into()))?;
    let mut files = comparison::render(&ranking, &loaded.project.file.authority.name, &context.built.text)
        .map_err(Error::Output)?;
    let manifest =
        render::comparison_manifest(loaded, context.data, &files, month, context.built).map_err(Error::Output)?;
    files.push(("manifest.json".into(), manifest));
    let path = bundle::write_bundle(&loaded.project.output_dir().join(COMPARISON_FOLDER), month, &files)
        .map_err(Error::Output)?;
    tracing::info!(%month, path = %path.display(), "wrote comparison");
    Ok(Outcome::Compared { month, path })
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

fn months_to_build(available: &[Month], options: &Options) -> Result<Vec<Month>, Error> {
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

/// Each input's SHA-256, remembered across months: with `--all`, month M's
/// inputs include every earlier month's extracts.
type Hashes = RefCell<HashMap<PathBuf, Option<String>>>;

fn up_to_date(loaded: &Loaded, member: usize, month: Month, definitions_hash: &str, hashes: &Hashes) -> bool {
    let member = &loaded.members[member];
    let manifest = member.output_dir.join(month.to_string()).join("manifest.json");
    let inputs = evaluate::input_files(loaded, member, month);
    manifest_is_current(loaded, &manifest, &inputs, definitions_hash, hashes)
}

fn comparison_up_to_date(loaded: &Loaded, month: Month, definitions_hash: &str, hashes: &Hashes) -> bool {
    let manifest = loaded.project.output_dir().join(COMPARISON_FOLDER).join(month.to_string()).join("manifest.json");
    let inputs = evaluate::comparison_inputs(loaded, month);
    manifest_is_current(loaded, &manifest, &inputs, definitions_hash, hashes)
}

/// The manifest was written by this engine from these definitions, and
/// records exactly `current` as inputs, with the same hashes.
fn manifest_is_current(
    loaded: &Loaded,
    manifest: &Path,
    current: &[PathBuf],
    definitions_hash: &str,
    hashes: &Hashes,
) -> bool {
    let Some(manifest) = std::fs::read(manifest).ok().and_then(|bytes| serde_json::from_slice::<Manifest>(&bytes).ok())
    else {
        return false;
    };
    if manifest.engine_version != env!("CARGO_PKG_VERSION") || manifest.definitions_sha256 != definitions_hash {
        return false;
    }
    let root = &loaded.project.root;
    current.len() == manifest.inputs.len()
        && current.iter().zip(&manifest.inputs).all(|(path, recorded)| {
            let hash = hashes
                .borrow_mut()
                .entry(path.clone())
                .or_insert_with(|| std::fs::read(path).ok().map(|bytes| bundle::sha256(&bytes)))
                .clone();
            evaluate::relative(root, path) == recorded.path && hash.as_deref() == Some(recorded.sha256.as_str())
        })
}

fn build_one(context: &BuildContext, member: usize, month: Month) -> Result<Outcome, Error> {
    let loaded = context.loaded;
    let authority = &loaded.members[member];
    let mut scorecard = evaluate::scorecard(loaded, member, &context.published[member], month);
    let ids: Vec<&str> = loaded.definitions.iter().map(|d| d.id()).collect();
    let mut notes = commentary::load(&authority.commentary_dir, month, &ids).map_err(Error::Invalid)?;
    for indicator in &mut scorecard.indicators {
        indicator.commentary = notes.remove(&indicator.id);
    }
    scorecard.data_quality = context.quality.findings(context.data, member, month);
    for finding in scorecard.data_quality.iter().filter(|finding| finding.records > 0) {
        tracing::warn!(authority = %authority.code, %month, dataset = %finding.dataset, check = %finding.check, records = finding.records, "data-quality finding");
    }
    let files = render::render(loaded, authority, context.data, &scorecard, context.built).map_err(Error::Output)?;
    let output = &authority.output_dir;
    let path = bundle::write_bundle(output, month, &files).map_err(Error::Output)?;
    let zip = bundle::zip(&files).map_err(Error::Output)?;
    bundle::write_file_atomically(&output.join(format!("{month}.zip")), &zip).map_err(Error::Output)?;
    let counts = scorecard.counts();
    tracing::info!(authority = %authority.code, %month, path = %path.display(), red = counts.0, amber = counts.1, green = counts.2, "wrote bundle");
    Ok(Outcome::Built { authority: consortium_code(loaded, member), month, path, counts, summary: summary(&scorecard) })
}

/// One line per indicator: RAG letter, id, value as shown, direction since last month.
fn summary(scorecard: &crate::judge::Scorecard) -> Vec<String> {
    scorecard
        .indicators
        .iter()
        .map(|indicator| {
            let value = if crate::judge::disclosure::is_suppressed(&indicator.latest) {
                "c".to_string()
            } else {
                match &indicator.latest.not_calculable {
                    Some(reason) => format!("not calculable: {reason}"),
                    None => {
                        crate::evaluate::observe::show_value(indicator.latest.value, indicator.decimals, indicator.unit)
                    }
                }
            };
            let rag = indicator.rag.map_or("-", |rag| rag.letter());
            let travel = indicator.vs_previous_month.direction.map_or("", |direction| direction.describe());
            format!("[{rag}] {:<38} {value:>16}  {travel}", indicator.id)
        })
        .collect()
}
