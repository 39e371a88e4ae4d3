//! The commands that read and write nothing published: `check` (validate
//! everything, report data quality), `list` and `values`.

use crate::error::{Error, OutputError};
use crate::evaluate::{self, Reading};
use crate::input::commentary;
use crate::judge::{self, PublishedBenchmarks, Rag};
use crate::project::Month;
use crate::render::values_csv;
use std::path::Path;

pub fn check(root: &Path, out: &mut String) -> Result<(), Error> {
    let loaded = evaluate::load(root)?;
    let data = evaluate::read_data(&loaded)?;
    let computed = evaluate::compute(&loaded, &data)?;
    let benchmarks = PublishedBenchmarks::of(&loaded);
    benchmarks.check().map_err(Error::Data)?;
    let published = judge::suppress_all(&loaded.definitions, &computed, loaded.project.file.disclosure.suppress_below);
    let quality = evaluate::data_quality(&loaded, &data)?;
    if let Some(last) = data.months.last() {
        for (index, member) in loaded.members.iter().enumerate() {
            let who = if loaded.members.len() > 1 { format!(" {}", member.code) } else { String::new() };
            let mut complete = 0;
            for month in &data.months {
                match judge::missing_extracts(&loaded, index, *month) {
                    missing if missing.is_empty() => complete += 1,
                    missing => say!(out, "incomplete{who} {month}: no {}", missing.join(", ")),
                }
            }
            say!(out, "complete{who}: {complete} of {} months", data.months.len());
            for warning in judge::warnings(&loaded, &data, index, *last) {
                say!(out, "warning{who} {last}: {}", warning.message);
            }
            let scorecard = judge::scorecard(&loaded, index, &published[index], *last, &benchmarks);
            let ids: Vec<&str> = loaded.definitions.iter().map(|definition| definition.id()).collect();
            let notes = commentary::load(&member.commentary_dir, *last, &ids).map_err(Error::Invalid)?;
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
                if let (Some(rag @ (Rag::Red | Rag::Amber)), false) = (indicator.rag, notes.contains_key(&indicator.id))
                {
                    let file = commentary::file(&member.commentary_dir, *last);
                    say!(
                        out,
                        "warning{who} {last}: {} is {} with no commentary ({})",
                        indicator.id,
                        rag.name(),
                        file.display()
                    );
                }
            }
            for finding in quality.findings(&data, index, *last) {
                say!(
                    out,
                    "data quality{who} {last}: {} `{}`: {} record{} failing",
                    finding.dataset,
                    finding.check,
                    finding.records,
                    if finding.records == 1 { "" } else { "s" }
                );
            }
        }
    }
    let first = data.months.first().map(Month::to_string).unwrap_or_default();
    let last = data.months.last().map(Month::to_string).unwrap_or_default();
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
    say!(out, "ok: {} indicators, extracts {first} to {last}", loaded.definitions.len());
    Ok(())
}

pub fn values(root: &Path, file: Option<&Path>, out: &mut String) -> Result<(), Error> {
    let loaded = evaluate::load(root)?;
    let (computed, months) = evaluate::compute_in_groups(&loaded, Reading::ValuesOnly, evaluate::group_size())?;
    let csv = values_csv(&loaded, &computed).map_err(Error::render)?;
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

pub fn list(root: &Path, out: &mut String) -> Result<(), Error> {
    let loaded = evaluate::load(root)?;
    for definition in &loaded.definitions {
        let indicator = &definition.indicator;
        let plan = indicator.plan_ref.as_deref().unwrap_or("-");
        say!(out, "{:<40} {:<12} {:<6} {}", definition.id(), definition.theme, plan, indicator.title);
    }
    Ok(())
}
