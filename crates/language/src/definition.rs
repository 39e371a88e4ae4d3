//! Indicator definitions: one TOML file per indicator under
//! `indicators/<theme>/<id>.toml`, read and checked; everything that can be
//! checked without the SQL is checked here (`evaluate` checks the SQL
//! against the dataset schemas).

use super::check::{check, Draft, Rules};
use super::expressions::Expressions;
use super::indicator::{
    known_keys, Benchmark, DirectionOver, Frequency, Indicator, MeasureKind, Polarity, SpcSettings, Unit, Window,
};
use super::published_benchmark::PublishedBenchmark;
use super::rules::{MeasureRule, RatingMethod, RatingRule, Tolerance};
use super::targets::Targets;
use crate::diagnostics::{parse_toml, Diagnostic, Diagnostics, SourceFile};
use crate::project::{Month, Project};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// A checked definition: the file as written (for its spans and its words)
/// and the typed rules the engine evaluates and judges by.
#[derive(Debug, Clone)]
pub struct Definition {
    /// The definition as read, with its spans: later stages read it through
    /// the plain accessors below and `expressions`.
    pub(crate) indicator: Indicator,
    /// The definition file's text.
    pub source: SourceFile,
    /// The theme (its folder, unless the file names one).
    pub theme: String,
    /// What is measured, as checked.
    pub measure: MeasureRule,
    /// How it is rated, as checked; None for an unrated (context) indicator.
    pub rating: Option<RatingMethod>,
    /// The target method's target for each month.
    pub targets: Option<Targets>,
    /// The target method's tolerance as given (with `[rag]`).
    pub tolerance: Option<Tolerance>,
    /// Every expression evaluation compiles, beyond the measure.
    pub expressions: Expressions,
}

impl Definition {
    /// The indicator's id.
    pub fn id(&self) -> &str {
        self.indicator.id.get_ref()
    }

    /// The target for `month`: the same every month, or by financial year, or on a trajectory.
    pub fn target_for(&self, month: Month) -> Option<f64> {
        self.targets.as_ref()?.at(month)
    }

    /// How `month` is rated: for the target method, against that month's
    /// target (a percentage tolerance taken of it); None for a month with no target.
    pub fn rating_for(&self, month: Month) -> Option<RatingRule> {
        self.rule_with(self.target_for(month))
    }

    /// The rule when every month has the same one (a single target, or a
    /// method without targets); None when the targets change over time.
    pub fn fixed_rule(&self) -> Option<RatingRule> {
        let target = match &self.targets {
            Some(Targets::Fixed(target)) => Some(*target),
            Some(_) => return None,
            None => None,
        };
        self.rule_with(target)
    }

    /// The rule against `target` (a target method has none without one).
    fn rule_with(&self, target: Option<f64>) -> Option<RatingRule> {
        Some(match self.rating? {
            RatingMethod::Target => {
                let target = target?;
                RatingRule::Target { target, tolerance: self.tolerance?.of(target) }
            }
            RatingMethod::CloseToTarget { amber_within } => {
                let target = target?;
                let green_within = self.tolerance?.of(target);
                RatingRule::CloseToTarget { target, green_within, amber_within: amber_within.unwrap_or(green_within) }
            }
            RatingMethod::Thresholds { green, amber } => RatingRule::Thresholds { green, amber },
            RatingMethod::Benchmark { tolerance } => RatingRule::Benchmark { tolerance },
            RatingMethod::Significance { level } => RatingRule::Significance { level },
        })
    }

    /// The dataset the indicator reads.
    pub fn dataset(&self) -> &str {
        self.indicator.dataset.get_ref()
    }

    /// The months each value covers.
    pub fn window(&self) -> &Window {
        self.indicator.window.get_ref()
    }

    /// The unit its values are in.
    pub fn unit(&self) -> Unit {
        *self.indicator.unit.get_ref()
    }

    /// The kind of measure (count, proportion, ...).
    pub fn measure_kind(&self) -> MeasureKind {
        *self.indicator.measure.kind.get_ref()
    }

    /// Decimal places shown (the unit's default unless the definition gives them).
    pub fn decimals(&self) -> u32 {
        self.indicator.decimals.unwrap_or_else(|| self.indicator.unit.get_ref().default_decimals())
    }

    /// Whether higher or lower is better, or close to a target.
    pub fn polarity(&self) -> Polarity {
        *self.indicator.polarity.get_ref()
    }

    /// Its title.
    pub fn title(&self) -> &str {
        &self.indicator.title
    }

    /// What it measures, in a sentence or two.
    pub fn description(&self) -> &str {
        &self.indicator.description
    }

    /// The plan or strategy reference it reports against, when given.
    pub fn plan_ref(&self) -> Option<&str> {
        self.indicator.plan_ref.as_deref()
    }

    /// The national definition it follows, cited (`national_definition`).
    pub fn national_definition(&self) -> Option<&str> {
        self.indicator.national_definition.as_deref()
    }

    /// How often it is reported.
    pub fn frequency(&self) -> Frequency {
        self.indicator.frequency
    }

    /// Its SPC settings: baseline, rebase months, or why SPC does not apply.
    pub fn spc(&self) -> &SpcSettings {
        &self.indicator.spc
    }

    /// Its fixed benchmark, when it has one.
    pub fn benchmark(&self) -> Option<&Benchmark> {
        self.indicator.benchmark.as_ref()
    }

    /// Where its published benchmarks are read from, when it compares with them.
    pub fn published_benchmark(&self) -> Option<&PublishedBenchmark> {
        self.indicator.published_benchmark.as_ref()
    }

    /// The column values are broken down by (a team, say), when there is one.
    pub fn breakdown(&self) -> Option<&str> {
        self.indicator.breakdown.as_ref().map(|column| column.get_ref().as_str())
    }

    /// How direction of travel is judged, when the definition says (`direction`).
    pub fn direction(&self) -> Option<&DirectionOver> {
        self.indicator.direction.as_ref().map(|direction| direction.get_ref())
    }
}

/// Every dataset the definitions read, as the indicator's own or as a lookup.
pub fn used_datasets(definitions: &[Definition]) -> BTreeSet<&str> {
    definitions.iter().flat_map(Definition::datasets).collect()
}

impl Definition {
    /// The datasets this definition reads: its own, then its lookups'.
    pub fn datasets(&self) -> impl Iterator<Item = &str> {
        let indicator = &self.indicator;
        std::iter::once(indicator.dataset.get_ref().as_str())
            .chain(indicator.lookup.iter().map(|lookup| lookup.dataset.get_ref().as_str()))
    }
}

/// An indicator left out of the pack because a dataset it reads is marked
/// `held = false`: the council does not hold that source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// The indicator's id.
    pub id: String,
    /// The dataset marked `held = false`.
    pub dataset: String,
}

/// Splits the definitions into those the project's data can serve and
/// those reading a dataset it does not hold.
pub fn leave_out_unheld(project: &Project, definitions: Vec<Definition>) -> (Vec<Definition>, Vec<LeftOut>) {
    let mut kept = Vec::new();
    let mut left_out = Vec::new();
    for definition in definitions {
        let unheld = definition.datasets().find(|name| project.dataset(name).is_some_and(|config| !config.held));
        match unheld {
            Some(dataset) => left_out.push(LeftOut { id: definition.id().to_string(), dataset: dataset.to_string() }),
            None => kept.push(definition),
        }
    }
    (kept, left_out)
}

/// Every `*.toml` under the project's indicator folders, sorted, with its theme folder.
pub(crate) fn definition_files(project: &Project) -> Result<Vec<(PathBuf, String)>, Diagnostics> {
    let mut files = Vec::new();
    let mut diagnostics = Diagnostics::default();
    for dir in project.indicator_dirs() {
        let themes = match sorted_entries(&dir) {
            Ok(themes) => themes,
            Err(error) => {
                diagnostics.push(Diagnostic::file(&dir, format!("cannot read indicator folder: {error}")));
                continue;
            }
        };
        for theme_dir in themes.into_iter().filter(|path| path.is_dir()) {
            let theme = theme_dir.file_name().unwrap_or_default().to_string_lossy().into_owned();
            let entries = sorted_entries(&theme_dir).unwrap_or_default();
            files.extend(
                entries
                    .into_iter()
                    .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
                    .map(|path| (path, theme.clone())),
            );
        }
    }
    diagnostics.into_result(files)
}

fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut entries =
        std::fs::read_dir(dir)?.map(|entry| entry.map(|entry| entry.path())).collect::<Result<Vec<_>, _>>()?;
    entries.sort();
    Ok(entries)
}

/// Load and check every definition. Returns the definitions that passed
/// (so their expressions can be checked too) and every problem found.
pub fn load_all(project: &Project) -> (Vec<Definition>, Diagnostics) {
    let files = match definition_files(project) {
        Ok(files) => files,
        Err(diagnostics) => return (Vec::new(), diagnostics),
    };
    let mut diagnostics = Diagnostics::default();
    let mut definitions: Vec<Definition> = Vec::new();
    let mut first_seen: HashMap<String, PathBuf> = HashMap::new();
    for (path, theme) in files {
        let source = match SourceFile::read(&path) {
            Ok(source) => source,
            Err(diagnostic) => {
                diagnostics.push(diagnostic);
                continue;
            }
        };
        let (indicator, found) = parse_toml::<Indicator>(&source, &known_keys());
        diagnostics.extend(found);
        let Some(indicator) = indicator else { continue };
        let theme = indicator.theme.clone().unwrap_or(theme);
        let draft = Draft { indicator, source };
        let rules = check(project, &draft).map_err(|problems| diagnostics.extend(problems)).ok();
        let id = draft.indicator.id.get_ref().clone();
        if let Some(first) = first_seen.get(&id) {
            let span = draft.indicator.id.span();
            diagnostics.push(
                draft
                    .error(span, format!("duplicate indicator id `{id}`"), "already used")
                    .with_help(format!("first defined in {}", first.display())),
            );
        } else {
            first_seen.insert(id, path);
        }
        if let Some(Rules { measure, rating, derive_order, targets, tolerance }) = rules {
            let Draft { indicator, source } = draft;
            let expressions = Expressions::of(&indicator, &derive_order);
            let definition = Definition { indicator, source, theme, measure, rating, targets, tolerance, expressions };
            definitions.push(definition);
        }
    }
    (definitions, diagnostics)
}
