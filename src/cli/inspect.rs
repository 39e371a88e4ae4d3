//! The commands that read and write nothing published: `check` (validate
//! everything, report data quality), `list` and `values`.

use crate::error::{Error, OutputError, Unfit};
use crate::evaluate::{self, Reading};
use crate::input::commentary;
use crate::judge::{self, PublishedBenchmarks, Rag};
use crate::project::Month;
use crate::render::values_csv;
use std::path::Path;

pub(super) fn check(root: &Path, out: &mut String) -> Result<(), Error> {
    let loaded = evaluate::load(root)?;
    // In groups of members, as a build reads them: a national check holds a
    // few members' rows at a time, not every authority's.
    let evaluate::Evaluated { data, computed, quality } =
        evaluate::evaluate_in_groups(&loaded, Reading::Everything, evaluate::group_size(), evaluate::Wanted::ALL)?;
    let benchmarks = PublishedBenchmarks::of(&loaded);
    benchmarks.check().map_err(Error::Data)?;
    let published = judge::suppress_all(&loaded.definitions, &computed, loaded.project.disclosure().suppress_below);
    let checked = Checked { loaded: &loaded, data: &data, quality: &quality, published: &published, benchmarks };
    let mut unfit = Vec::new();
    if let Some(last) = data.months.last() {
        for index in 0..loaded.members.len() {
            unfit.extend(checked.member(index, *last, out)?);
        }
    }
    let first = data.months.first().map(Month::to_string).unwrap_or_default();
    let last = data.months.last().map(Month::to_string).unwrap_or_default();
    say_project(&loaded, out);
    if !unfit.is_empty() {
        let extracts = format!("{first} to {last}");
        return Err(Unfit::WouldStopBuild { problems: unfit, indicators: loaded.definitions.len(), extracts }.into());
    }
    say!(out, "ok: {} indicators, extracts {first} to {last}", loaded.definitions.len());
    Ok(())
}

/// What `check` works out once for every member.
struct Checked<'a> {
    loaded: &'a evaluate::Loaded,
    data: &'a evaluate::Data,
    quality: &'a evaluate::DataQuality,
    published: &'a evaluate::Computed,
    benchmarks: PublishedBenchmarks,
}

impl Checked<'_> {
    /// Prints a member's warnings for its latest month `last`; returns what
    /// would stop a build.
    fn member(&self, index: usize, last: Month, out: &mut String) -> Result<Vec<String>, Error> {
        let (loaded, data) = (self.loaded, self.data);
        let member = &loaded.members[index];
        let who = if loaded.members.len() > 1 { format!(" {}", member.code) } else { String::new() };
        let mut unfit = Vec::new();
        let gaps = completeness(loaded, index, &data.months, &who, out);
        for unread in judge::unread_files(loaded, index, last) {
            say!(out, "warning{who}: {unread}");
        }
        let fail_on = loaded.project.fail_on();
        for warning in judge::warnings(loaded, data, index, last) {
            say!(out, "warning{who} {last}: {}", warning.message);
            if fail_on.contains(&warning.kind) {
                let fatal = format!("{who}{last}: {} (fatal by `[checks] fail_on`)", warning.message);
                unfit.push(fatal.trim_start().to_string());
            }
        }
        if gaps.contains(&last) {
            unfit.push(format!("{who}{last} is incomplete").trim_start().to_string());
        }
        self.indicator_warnings(index, last, &who, out)?;
        for finding in self.quality.findings(data, index, last) {
            say!(
                out,
                "data quality{who} {last}: {} `{}`: {} record{} failing",
                finding.dataset,
                finding.check,
                finding.records,
                if finding.records == 1 { "" } else { "s" }
            );
        }
        Ok(unfit)
    }

    /// Each indicator's missing SPC, process change and missing commentary.
    fn indicator_warnings(&self, index: usize, last: Month, who: &str, out: &mut String) -> Result<(), Error> {
        let loaded = self.loaded;
        let member = &loaded.members[index];
        let scorecard = judge::scorecard(loaded, index, &self.published[index], last, &self.benchmarks);
        let ids: Vec<&str> = loaded.definitions.iter().map(|definition| definition.id()).collect();
        let notes = commentary::load(&member.commentary_dir, last, &ids).map_err(Error::Invalid)?;
        for (indicator, definition) in scorecard.indicators.iter().zip(&loaded.definitions) {
            if let Some(reason) = indicator.spc_shortfall(definition) {
                say!(out, "warning{who} {last}: {} has no SPC: {reason}", indicator.id);
            }
            if let Some(change) = indicator.spc.as_ref().and_then(|spc| spc.changed.as_ref()) {
                say!(
                    out,
                    "process change{who} {last}: {}: {}; if the change is real and lasting, an event dated {} with `rebase = true` recalculates its limits",
                    indicator.id,
                    change.describe(crate::render::month_name),
                    crate::render::month_name(change.since)
                );
            }
            if let (Some(rag @ (Rag::Red | Rag::Amber)), false) = (indicator.rag, notes.contains_key(&indicator.id)) {
                let file = commentary::file(&member.commentary_dir, last);
                say!(
                    out,
                    "warning{who} {last}: {} is {} with no commentary ({})",
                    indicator.id,
                    rag.name(),
                    file.display()
                );
            }
        }
        Ok(())
    }
}

/// The consortium's members, the indicators left out and those with no owner.
fn say_project(loaded: &evaluate::Loaded, out: &mut String) {
    if loaded.members.len() > 1 {
        let members: Vec<String> = loaded.members.iter().map(|m| format!("{} {}", m.code, m.name)).collect();
        say!(out, "consortium of {} members: {}", loaded.members.len(), members.join("; "));
    }
    if !loaded.left_out.is_empty() {
        let ids: Vec<String> = loaded.left_out.iter().map(|left| format!("{} ({})", left.id, left.dataset)).collect();
        say!(
            out,
            "left out: {} indicator{} reading datasets marked `held = false`: {}",
            ids.len(),
            if ids.len() == 1 { "" } else { "s" },
            ids.join(", ")
        );
    }
    let project = &loaded.project;
    let unowned: Vec<&str> =
        loaded.definitions.iter().map(|definition| definition.id()).filter(|id| project.owner(id).is_none()).collect();
    if project.has_owners() && !unowned.is_empty() {
        say!(
            out,
            "no owner in `[owners]`: {} of {} indicators: {}",
            unowned.len(),
            loaded.definitions.len(),
            unowned.join(", ")
        );
    }
}

/// Prints a member's incomplete months, a run of months lacking the same
/// files as one line, then how many months would publish; returns the
/// incomplete months.
fn completeness(loaded: &evaluate::Loaded, member: usize, months: &[Month], who: &str, out: &mut String) -> Vec<Month> {
    let mut runs: Vec<(Month, Month, Vec<String>)> = Vec::new();
    let mut gaps = Vec::new();
    for month in months {
        let missing = judge::missing_extracts(loaded, member, *month);
        if missing.is_empty() {
            continue;
        }
        gaps.push(*month);
        match runs.last_mut() {
            Some((_, to, files)) if *files == missing && to.next() == *month => *to = *month,
            _ => runs.push((*month, *month, missing)),
        }
    }
    for (from, to, files) in &runs {
        let when = if from == to { from.to_string() } else { format!("{from} to {to}") };
        say!(out, "incomplete{who} {when}: no {}", files.join(", "));
    }
    let publishable = months.len() - gaps.len();
    let which = match gaps.as_slice() {
        [] => String::new(),
        [one] => format!(" ({one} incomplete)"),
        many => format!(" ({} months incomplete, the latest {})", many.len(), many[many.len() - 1]),
    };
    say!(out, "publishable{who}: {publishable} of {} months{which}", months.len());
    gaps
}

pub(super) fn values(root: &Path, file: Option<&Path>, breakdowns: bool, out: &mut String) -> Result<(), Error> {
    let loaded = evaluate::load(root)?;
    let (computed, months) =
        evaluate::compute_in_groups(&loaded, Reading::ValuesOnly, evaluate::group_size(), breakdowns)?;
    let csv = values_csv(&loaded, &computed, breakdowns)?;
    match file {
        Some(path) => {
            std::fs::write(path, &csv).map_err(OutputError::io("cannot write", path))?;
            let values = loaded.members.len() * loaded.definitions.len() * months.len();
            say!(out, "wrote {values} values to {}", path.display());
        }
        None => out.push_str(&String::from_utf8_lossy(&csv)),
    }
    Ok(())
}

pub(super) fn list(root: &Path, out: &mut String) -> Result<(), Error> {
    let loaded = evaluate::load(root)?;
    for definition in &loaded.definitions {
        let plan = definition.plan_ref().unwrap_or("-");
        say!(out, "{:<40} {:<12} {:<6} {}", definition.id(), definition.theme, plan, definition.title());
    }
    Ok(())
}
