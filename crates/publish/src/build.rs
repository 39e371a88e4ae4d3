//! `scorecard build`: under the output lock, work out which month bundles
//! (of which members, in a consortium) are missing or out of date, read and
//! evaluate once, and write those bundles, a consortium's comparisons and
//! the archive pages.

use super::archive::write_archive_pages;
use super::bundle::{remove_leftovers, write_bundle, write_file_atomically, zip, zip_path};
use super::comparison::{rank_month, write_comparison};
use super::context::BuildContext;
use super::earlier::EarlierPack;
use super::inputs::input_files;
use super::lock::OutputLock;
use super::manifest::{definitions_hash, Manifest};
use super::progress::Progress;
use super::staleness::{comparison_up_to_date, up_to_date, Hashes};
use crate::error::{Error, Unfit, UsageError};
use crate::evaluate::{self, Data, Evaluated, Loaded, Reading, Snapshot};
use crate::input::{self, commentary};
use crate::judge::{self, Direction, Position, PublishedBenchmarks, Rag, RagCounts, Ranking, Warning};
use crate::parallel;
use crate::project::Month;
use crate::render::{self, BuildTime, RenderError};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What `scorecard build` was asked to do.
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
    /// Publish a month whose extracts are not all there, saying so at the top.
    pub allow_incomplete: bool,
}

/// What a build did, for each bundle or comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A member's month built.
    Built {
        /// The member's code, in a consortium.
        authority: Option<String>,
        /// The month built.
        month: Month,
        /// The bundle's folder.
        path: PathBuf,
        /// How many indicators are red, amber and green.
        counts: RagCounts,
        /// Each indicator as the terminal summary shows it.
        headlines: Vec<Headline>,
    },
    /// A member's month whose bundle was already up to date.
    UpToDate {
        /// The member's code, in a consortium.
        authority: Option<String>,
        /// The month.
        month: Month,
    },
    /// A consortium's comparison of one month.
    Compared {
        /// The month compared.
        month: Month,
        /// The comparison's folder.
        path: PathBuf,
    },
}

/// One indicator of a built month, as the terminal summary shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    /// The indicator's id.
    pub id: String,
    /// Its rating; None for an unrated (context) indicator.
    pub rag: Option<Rag>,
    /// The value as shown, `c`, or "not calculable: why".
    pub value: String,
    /// Its change since last month, when there is one.
    pub since_last_month: Option<Direction>,
}

/// Builds what `options` asks for under the output lock: every stale month's bundle (and a consortium's comparisons), written atomically.
pub fn run(root: &Path, options: &Options) -> Result<Vec<Outcome>, Error> {
    let loaded = evaluate::load(root)?;
    let _lock = OutputLock::acquire_for_build(&loaded.project.output_dir(), options.wait)?;
    let chosen: Vec<usize> = match &options.authority {
        Some(code) => vec![loaded.member(Some(code))?],
        None => (0..loaded.members.len()).collect(),
    };
    remove_leftovers(&loaded.project.output_dir());
    for member in &chosen {
        remove_leftovers(&loaded.members[*member].output_dir);
    }
    let (targets, evaluated) = targets(&loaded, &chosen, options)?;
    let work = Work::plan(&loaded, &targets, options);
    let mut outcomes: Vec<Outcome> = work
        .fresh
        .iter()
        .map(|(member, month)| Outcome::UpToDate { authority: consortium_code(&loaded, *member), month: *month })
        .collect();
    if !(work.stale.is_empty() && work.comparisons.is_empty()) {
        if !options.allow_incomplete {
            work.refuse_incomplete(&loaded)?;
        }
        outcomes.extend(work.carry_out(&loaded, evaluated, options.progress)?);
    }
    // Even when every bundle was up to date: a build killed after its swap
    // left the archive pages without the month, and they are made from the
    // manifests on disk.
    write_archive_pages(&loaded, &chosen)?;
    Ok(outcomes)
}

/// The member's code, in a consortium (a single authority's outputs say nothing of it).
fn consortium_code(loaded: &Loaded, member: usize) -> Option<String> {
    Some(loaded.members[member].code.to_string()).filter(|_| loaded.members.len() > 1)
}

/// Every (member, month) asked for. Month folders say which months exist
/// without reading anything; a project of periodic or history files only
/// must be evaluated to know, and that evaluation is kept.
fn targets(loaded: &Loaded, chosen: &[usize], options: &Options) -> Result<(Vec<Snapshot>, Option<Evaluated>), Error> {
    let mut evaluated: Option<Evaluated> = None;
    let mut targets = Vec::new();
    for member in chosen {
        let datasets = loaded.project.datasets().map(|(_, config)| config);
        let folders = input::extract_months(&loaded.members[*member].data_dir, datasets).map_err(Error::Data)?;
        let available = match (folders.is_empty(), &evaluated) {
            (false, _) => folders,
            (true, Some(done)) => done.data.months.clone(),
            (true, None) => {
                let done = evaluate::evaluate_in_groups(
                    loaded,
                    Reading::ForBundles,
                    evaluate::group_size(),
                    evaluate::Wanted::ALL,
                )?;
                evaluated.insert(done).data.months.clone()
            }
        };
        let months = match options.all {
            true => available,
            false => vec![Month::choose(&available, options.month).map_err(UsageError::from)?],
        };
        targets.extend(months.into_iter().map(|month| (*member, month)));
    }
    Ok((targets, evaluated))
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
        let definitions_hash = definitions_hash(loaded);
        let hashes = Hashes::default();
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

    /// Every (member, month) this build would publish from: the stale
    /// bundles, and every member of a stale comparison's month.
    fn sources(&self, loaded: &Loaded) -> BTreeSet<Snapshot> {
        let compared =
            self.comparisons.iter().flat_map(|month| (0..loaded.members.len()).map(|member| (member, *month)));
        self.stale.iter().copied().chain(compared).collect()
    }

    /// Nothing is written when a month to publish lacks an extract in use:
    /// the error lists every gap, member by member.
    fn refuse_incomplete(&self, loaded: &Loaded) -> Result<(), Error> {
        let gaps: Vec<String> = self
            .sources(loaded)
            .into_iter()
            .filter_map(|(member, month)| {
                let missing = judge::missing_extracts(loaded, member, month);
                let who = consortium_code(loaded, member).map(|code| format!("{code} ")).unwrap_or_default();
                (!missing.is_empty()).then(|| format!("  {who}{month}: no {}", missing.join(", ")))
            })
            .collect();
        if gaps.is_empty() {
            return Ok(());
        }
        Err(Unfit::Incomplete { gaps }.into())
    }

    /// Each month's plausibility warnings, logged; an error, before anything
    /// is written, when the project's `[checks] fail_on` names one.
    fn plausibility(&self, loaded: &Loaded, data: &Data) -> Result<BTreeMap<Snapshot, Vec<Warning>>, Error> {
        let fail_on = loaded.project.fail_on();
        let mut fatal = Vec::new();
        let mut by_snapshot = BTreeMap::new();
        for (member, month) in self.sources(loaded) {
            let found = judge::warnings(loaded, data, member, month);
            let code = &loaded.members[member].code;
            for warning in &found {
                tracing::warn!(authority = %code, %month, kind = ?warning.kind, "{}", warning.message);
                if fail_on.contains(&warning.kind) {
                    let who = consortium_code(loaded, member).map(|code| format!("{code} ")).unwrap_or_default();
                    fatal.push(format!("  {who}{month}: {}", warning.message));
                }
            }
            by_snapshot.insert((member, month), found);
        }
        if fatal.is_empty() {
            return Ok(by_snapshot);
        }
        Err(Unfit::FailedChecks { failed: fatal }.into())
    }

    /// Read and evaluate, a group of members at a time (unless that was done
    /// to find the months), then write every stale bundle (on every core)
    /// and every stale comparison.
    fn carry_out(&self, loaded: &Loaded, evaluated: Option<Evaluated>, progress: bool) -> Result<Vec<Outcome>, Error> {
        let started = std::time::Instant::now();
        let bar = Progress::new(progress, self.stale.len() as u64 + 1);
        bar.step("reading and evaluating");
        let Evaluated { data, computed, quality } = match evaluated {
            Some(evaluated) => evaluated,
            None => evaluate::evaluate_in_groups(
                loaded,
                Reading::ForBundles,
                evaluate::group_size(),
                evaluate::Wanted::ALL,
            )?,
        };
        let loaded: &Loaded = loaded;
        let benchmarks = PublishedBenchmarks::of(loaded);
        benchmarks.check().map_err(Error::Data)?;
        let warnings = self.plausibility(loaded, &data)?;
        bar.step("");
        let built = BuildTime::from_environment();
        let below = loaded.project.disclosure().suppress_below;
        let published = judge::suppress_all(&loaded.definitions, &computed, below);
        let months: BTreeSet<Month> =
            self.stale.iter().map(|(_, month)| *month).chain(self.comparisons.iter().copied()).collect();
        let rankings: BTreeMap<Month, Ranking> = match loaded.members.len() > 1 {
            true => months
                .into_iter()
                .filter_map(|month| Some((month, rank_month(loaded, &published, &benchmarks, month)?)))
                .collect(),
            false => BTreeMap::new(),
        };
        let earlier: BTreeMap<Snapshot, EarlierPack> = self
            .stale
            .iter()
            .filter_map(|(member, month)| {
                Some(((*member, *month), EarlierPack::before(&loaded.members[*member].output_dir, *month)?))
            })
            .collect();
        let context = BuildContext {
            loaded,
            data: &data,
            published: &published,
            benchmarks: &benchmarks,
            quality: &quality,
            warnings: &warnings,
            earlier: &earlier,
            rankings: &rankings,
            built: &built,
        };
        let results = parallel::map(&self.stale, |(member, month)| {
            let outcome = build_one(&context, *member, *month);
            bar.step("");
            outcome
        });
        let mut outcomes = results.into_iter().collect::<Result<Vec<_>, _>>()?;
        for month in &self.comparisons {
            let path = write_comparison(&context, *month)?;
            outcomes.push(Outcome::Compared { month: *month, path });
        }
        bar.finish();
        tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, "build finished");
        Ok(outcomes)
    }
}

fn build_one(context: &BuildContext, member: usize, month: Month) -> Result<Outcome, Error> {
    let loaded = context.loaded;
    let authority = &loaded.members[member];
    let mut scorecard = judge::scorecard(loaded, member, &context.published[member], month, context.benchmarks);
    let ids: Vec<&str> = loaded.definitions.iter().map(|d| d.id()).collect();
    let mut notes = commentary::load(&authority.commentary_dir, month, &ids).map_err(Error::Invalid)?;
    for (indicator, definition) in scorecard.indicators.iter_mut().zip(&loaded.definitions) {
        if let Some(reason) = indicator.spc_shortfall(definition) {
            tracing::warn!(authority = %authority.code, %month, indicator = %indicator.id, "no SPC: {reason}");
        }
        indicator.commentary = notes.remove(&indicator.id);
        if let (Some(rag @ (Rag::Red | Rag::Amber)), None) = (indicator.rag, &indicator.commentary) {
            tracing::warn!(authority = %authority.code, %month, indicator = %indicator.id, "{} with no commentary", rag.name());
        }
    }
    if let Some(earlier) = context.earlier.get(&(member, month)) {
        for indicator in &mut scorecard.indicators {
            let Some(published) = earlier.of(&indicator.id) else { continue };
            indicator.revisions = judge::revisions(&indicator.series, month, indicator.decimals, published);
        }
    }
    if let Some(ranking) = context.rankings.get(&month) {
        for (indicator, ranked) in scorecard.indicators.iter_mut().zip(&ranking.indicators) {
            let position = ranked.members.get(member).and_then(|value| value.rank);
            indicator.rank = position.map(|position| Position { position, of: ranked.ranked });
            indicator.consortium = Some(ranked.clone());
        }
    }
    scorecard.story = judge::story(&scorecard.indicators);
    scorecard.data_quality = context.quality.findings(context.data, member, month);
    scorecard.data_to = judge::data_to(loaded, context.data, member, month);
    scorecard.incomplete = judge::missing_extracts(loaded, member, month);
    scorecard.warnings = context.warnings.get(&(member, month)).cloned().unwrap_or_default();
    for finding in scorecard.data_quality.iter().filter(|finding| finding.records > 0) {
        tracing::warn!(authority = %authority.code, %month, dataset = %finding.dataset, check = %finding.check, records = finding.records, "data-quality finding");
    }
    if loaded.project.projection().is_some() && context.data.months.last() == Some(&month) {
        add_projection(&mut scorecard, loaded, member, month);
    }
    let mut files = render::month_files(&scorecard, context.built)?;
    let inputs = input_files(loaded, authority, month);
    let manifest = Manifest::for_month(loaded, context.data, &inputs, &scorecard, &files, context.built);
    files.push(("manifest.json".into(), manifest.to_json().map_err(RenderError::from)?));
    let output = &authority.output_dir;
    let path = write_bundle(output, month, &files)?;
    let zip = zip(&files)?;
    write_file_atomically(&zip_path(output, month), &zip)?;
    let counts = scorecard.counts();
    tracing::info!(authority = %authority.code, %month, path = %path.display(), red = counts.red, amber = counts.amber, green = counts.green, "wrote bundle");
    let headlines = headlines(&scorecard);
    Ok(Outcome::Built { authority: consortium_code(loaded, member), month, path, counts, headlines })
}

/// The demand projection, in the latest month's bundle only (each is a
/// simulation of a thousand runs; an older month's would only be history).
/// One that cannot be made is said on the page, with the reason logged
/// (it names files on the data team's disk, so it is not published).
fn add_projection(scorecard: &mut judge::Scorecard, loaded: &Loaded, member: usize, month: Month) {
    match judge::projection::from_extracts(loaded, member, Some(month)) {
        Ok(report) => scorecard.projection = Some(report.published()),
        Err(error) => {
            let reason = error.diagnostics().map_or_else(|| error.to_string(), |diagnostics| diagnostics.render());
            tracing::warn!(authority = %loaded.members[member].code, %month, "no demand projection: {reason}");
            scorecard.projection_declined = Some(
                "the demand projection could not be made from this month's extracts: `scorecard project` says why"
                    .into(),
            );
        }
    }
}

/// One headline per indicator: RAG, value as shown, direction since last month.
fn headlines(scorecard: &judge::Scorecard) -> Vec<Headline> {
    let headline = |indicator: &judge::IndicatorReport| Headline {
        id: indicator.id.clone(),
        rag: indicator.rag,
        value: render::value_text(&indicator.latest, indicator.decimals, indicator.unit),
        since_last_month: indicator.vs_previous_month.direction,
    };
    scorecard.indicators.iter().map(headline).collect()
}
