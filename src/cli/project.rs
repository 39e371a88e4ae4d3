//! `scorecard project`: the demand projection for children looked after
//! (docs/projection.md), on screen and as JSON. The model and its inputs
//! are `judge::projection`.

use crate::error::{Error, OutputError};
use crate::evaluate;
use crate::judge::projection::{self, Projected, Report};
use crate::project::Month;
use crate::render::month_name;
use std::path::Path;

/// What `scorecard project` was asked for.
pub struct Request<'a> {
    /// The last month observed (default: the latest with extracts).
    pub month: Option<Month>,
    /// In a consortium, the member's code.
    pub authority: Option<&'a str>,
    /// Where to write the projection as JSON too.
    pub json: Option<&'a Path>,
}

/// `scorecard project`: the projection of children looked after, as text in `out` (and JSON when asked).
pub fn project(root: &Path, request: Request, out: &mut String) -> Result<(), Error> {
    let loaded = evaluate::load(root)?;
    let member = loaded.member(request.authority)?;
    let report = projection::from_extracts(&loaded, member, request.month)?;
    write_text(&report, out);
    if let Some(path) = request.json {
        let json = serde_json::to_vec_pretty(&report).map_err(crate::render::RenderError::from)?;
        std::fs::write(path, json).map_err(OutputError::io("cannot write", path))?;
        say!(out, "Wrote {}", path.display());
    }
    Ok(())
}

fn write_text(report: &Report, out: &mut String) {
    let reference = &report.reference;
    say!(
        out,
        "Children looked after, {}: projected from {} ({} runs; rates from {} to {})",
        report.authority,
        month_name(report.month),
        report.runs,
        reference.from.format("%-d %B %Y"),
        reference.to_before.pred_opt().unwrap_or(reference.to_before).format("%-d %B %Y"),
    );
    say!(
        out,
        "In care on {}: {}. In the reference months: {} entries, {} exits before 18, {} moves between placement types.",
        report.month.last_day().format("%-d %B %Y"),
        report.in_care_by_age.iter().sum::<usize>(),
        reference.entries,
        reference.exits_before_18,
        reference.moves
    );
    if reference.short_break_episodes_left_out > 0 {
        say!(
            out,
            "Left out: {} short-break episodes (legal status V3 or V4), as DfE's counts of children looked after leave them out.",
            reference.short_break_episodes_left_out
        );
    }
    if reference.episodes_left_out > 0 {
        say!(
            out,
            "Left out: {} episodes with no start date or no date of birth in the header.",
            reference.episodes_left_out
        );
    }
    for scenario in &report.scenarios {
        write_scenario(report, scenario, out);
    }
}

/// A scenario's table: each age band now and at every 12 months (and the
/// last month), mean and 80% range.
fn write_scenario(report: &Report, projected: &Projected, out: &mut String) {
    let s = &projected.scenario;
    say!(out, "\n{} (entries x{}, exits x{}): mean, 80% range", s.name, s.entries, s.exits);
    let shown: Vec<&projection::ProjectedMonth> = projected
        .months
        .iter()
        .enumerate()
        .filter(|(k, _)| (k + 1) % 12 == 0 || k + 1 == projected.months.len())
        .map(|(_, month)| month)
        .collect();
    let mut header = format!("  {:<12}{:>8}", "", month_name(report.month));
    shown.iter().for_each(|month| header.push_str(&format!("{:>22}", month_name(month.month))));
    say!(out, "{header}");
    let range =
        |spread: &projection::Spread| format!("{:.0} ({:.0}-{:.0})", spread.mean, spread.lower80, spread.upper80);
    for (band, label) in report.age_bands.iter().enumerate() {
        let mut line = format!("  {label:<12}{:>8}", report.in_care_by_age[band]);
        shown.iter().for_each(|month| line.push_str(&format!("{:>22}", range(&month.by_age[band]))));
        say!(out, "{line}");
    }
    let mut line = format!("  {:<12}{:>8}", "Total", report.in_care_by_age.iter().sum::<usize>());
    shown.iter().for_each(|month| line.push_str(&format!("{:>22}", range(&month.total))));
    say!(out, "{line}");
    let cost: Vec<String> = shown
        .iter()
        .filter_map(|month| {
            month.cost.map(|cost| {
                format!(
                    "{}: £{:.0}k ({:.0}k-{:.0}k)",
                    month_name(month.month),
                    cost.mean / 1e3,
                    cost.lower80 / 1e3,
                    cost.upper80 / 1e3
                )
            })
        })
        .collect();
    if !cost.is_empty() {
        say!(out, "  Placement cost in the month: {}", cost.join("; "));
    }
}
