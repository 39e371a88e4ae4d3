//! scorecard.csv (one row per indicator), series.csv (every value of every
//! month, total and breakdown groups) and scorecard.json (everything).

use super::failure::RenderError;
use super::format::{number, show_quantity, Shown};
use super::printable::printable;
use crate::evaluate::{Computed, Loaded, Observation};
use crate::judge::{Comparison, IndicatorReport, Scorecard};

/// Text that a spreadsheet would run as a formula gets a leading apostrophe.
/// Numbers (a negative change, say) are left as they are: they cannot run.
pub(crate) fn neutralise_formula(text: &str) -> String {
    if text.parse::<f64>().is_ok_and(f64::is_finite) {
        return text.to_string();
    }
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

/// A value cell: `c` where suppressed, blank where not calculable.
fn value_cell(observation: &Observation, decimals: u32) -> String {
    match super::format::shown(observation) {
        Shown::Suppressed => "c".to_string(),
        _ => number(observation.value, decimals),
    }
}

fn direction(comparison: &Comparison) -> String {
    comparison.direction.map(|direction| direction.describe().to_string()).unwrap_or_default()
}

pub(super) fn write_rows(header: &[&str], rows: Vec<Vec<String>>) -> Result<Vec<u8>, RenderError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header)?;
    for row in rows {
        let cells = row.iter().map(|cell| neutralise_formula(&printable(cell)));
        writer.write_record(cells)?;
    }
    writer.into_inner().map_err(|error| RenderError::from(error.into_error()))
}

/// `scorecard.csv`: a row per indicator for the month, as the page shows it.
pub fn scorecard_csv(scorecard: &Scorecard) -> Result<Vec<u8>, RenderError> {
    let header = [
        "id",
        "title",
        "plan_ref",
        "owner",
        "theme",
        "unit",
        "period",
        "value",
        "numerator",
        "denominator",
        "target",
        "rag",
        "vs_previous_month",
        "vs_last_year",
        "not_calculable",
        "benchmark",
        "ci95_lower",
        "ci95_upper",
        "spc_variation",
        "spc_assurance",
        "spc_basis",
        "spc_signals",
        "revised",
    ];
    let rows = scorecard.indicators.iter().map(summary_row).collect();
    write_rows(&header, rows)
}

fn summary_row(indicator: &IndicatorReport) -> Vec<String> {
    let latest = &indicator.latest;
    vec![
        indicator.id.clone(),
        indicator.title.clone(),
        indicator.plan_ref.clone().unwrap_or_default(),
        indicator.owner.clone().unwrap_or_default(),
        indicator.theme.clone(),
        indicator.unit.to_string(),
        latest.period.to_string(),
        value_cell(latest, indicator.decimals),
        show_quantity(latest.numerator),
        show_quantity(latest.denominator),
        indicator.target.map(|target| target.to_string()).unwrap_or_default(),
        indicator.rag.map(|rag| rag.name().to_string()).unwrap_or_default(),
        direction(&indicator.vs_previous_month),
        direction(&indicator.vs_last_year),
        latest.reason().unwrap_or_default().to_string(),
        indicator.benchmark.as_ref().map(|benchmark| benchmark.value.to_string()).unwrap_or_default(),
        number(indicator.confidence.first().map(|ci| ci.lower), indicator.decimals + 1),
        number(indicator.confidence.first().map(|ci| ci.upper), indicator.decimals + 1),
        spc_words(indicator).0,
        spc_words(indicator).1,
        spc_basis(indicator),
        spc_signals(indicator),
        revised(indicator),
    ]
}

/// `monthly_series`, `reported_values`, or `not_applicable: <reason>`.
fn spc_basis(indicator: &IndicatorReport) -> String {
    match (&indicator.spc, &indicator.spc_not_applicable) {
        (Some(spc), _) => spc.basis.code().to_string(),
        (None, Some(reason)) => format!("not_applicable: {reason}"),
        (None, None) => String::new(),
    }
}

/// Each signal as `rule variation first..last`: `shift improving 2025-05..2025-11`.
fn spc_signals(indicator: &IndicatorReport) -> String {
    let Some(spc) = &indicator.spc else { return String::new() };
    let text = |signal: &crate::judge::SpcSignal| {
        let (first, last) = (signal.months.first(), signal.months.last());
        let span = match (first, last) {
            (Some(first), Some(last)) if first != last => format!("{first}..{last}"),
            (Some(first), _) => first.to_string(),
            _ => String::new(),
        };
        format!("{} {} {span}", signal.rule.code(), signal.variation.code())
    };
    spc.signals.iter().map(text).collect::<Vec<_>>().join("; ")
}

/// Months whose value moved since an earlier pack: `2026-01: 21.3 -> 21.9 (2026-02 pack)`.
fn revised(indicator: &IndicatorReport) -> String {
    let shown =
        |value: Option<f64>| value.map_or_else(|| "none".to_string(), |value| number(Some(value), indicator.decimals));
    let text = |revision: &crate::judge::Revision| {
        format!("{}: {} -> {} ({} pack)", revision.period, shown(revision.reported), shown(revision.now), revision.pack)
    };
    indicator.revisions.iter().map(text).collect::<Vec<_>>().join("; ")
}

/// The latest point's variation and the target assurance, in words
/// ("not applicable" when there is no SPC and the reason is known).
pub(crate) fn spc_words(indicator: &IndicatorReport) -> (String, String) {
    let Some(spc) = &indicator.spc else {
        let variation = if indicator.spc_not_applicable.is_some() { "not applicable" } else { "" };
        return (variation.to_string(), String::new());
    };
    (
        spc.latest.map(|v| v.describe().to_string()).unwrap_or_default(),
        spc.assurance.map(|a| a.describe().to_string()).unwrap_or_default(),
    )
}

/// `series.csv`: every value of every indicator and breakdown group, by period.
pub fn series_csv(scorecard: &Scorecard) -> Result<Vec<u8>, RenderError> {
    let header = ["id", "group", "period", "value", "numerator", "denominator", "not_calculable"];
    let mut rows = Vec::new();
    for indicator in &scorecard.indicators {
        let mut push = |group: &str, series: &[Observation]| {
            for observation in series {
                rows.push(vec![
                    indicator.id.clone(),
                    group.to_string(),
                    observation.period.to_string(),
                    value_cell(observation, indicator.decimals),
                    show_quantity(observation.numerator),
                    show_quantity(observation.denominator),
                    observation.reason().unwrap_or_default().to_string(),
                ]);
            }
        };
        push("", &indicator.series);
        for group in indicator.breakdown.iter().flat_map(|breakdown| &breakdown.groups) {
            push(&group.group, &group.series);
        }
    }
    write_rows(&header, rows)
}

/// `scorecard.json`: the whole judged month.
pub fn scorecard_json(scorecard: &Scorecard) -> Result<Vec<u8>, RenderError> {
    let mut bytes = serde_json::to_vec_pretty(scorecard)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// `scorecard values`: every member's unrounded value, numerator and
/// denominator of every indicator for every month, or why it is not
/// calculable. Not disclosure-controlled: local use only.
/// Every value unrounded and unsuppressed, for local use. With
/// `breakdowns`, each indicator's groups follow its totals, with the
/// breakdown column and the group named (blank for the totals).
pub fn values_csv(loaded: &Loaded, computed: &Computed, breakdowns: bool) -> Result<Vec<u8>, RenderError> {
    let quantity = |value: Option<f64>| value.map(|value| value.to_string()).unwrap_or_default();
    let mut rows = Vec::new();
    for (member, series) in loaded.members.iter().zip(computed) {
        for (definition, indicator) in loaded.definitions.iter().zip(series) {
            let column = definition.breakdown().unwrap_or("");
            let groups =
                indicator.groups.iter().filter(|_| breakdowns).map(|(group, series)| (column, group.as_str(), series));
            for (breakdown, group, series) in std::iter::once(("", "", &indicator.series)).chain(groups) {
                for observation in series {
                    let mut row =
                        vec![member.code.to_string(), definition.id().to_string(), observation.period.to_string()];
                    if breakdowns {
                        row.extend([breakdown.to_string(), group.to_string()]);
                    }
                    row.extend([
                        quantity(observation.value),
                        quantity(observation.numerator),
                        quantity(observation.denominator),
                        observation.reason().unwrap_or_default().to_string(),
                    ]);
                    rows.push(row);
                }
            }
        }
    }
    let header: &[&str] = match breakdowns {
        true => &[
            "authority_code",
            "indicator",
            "month",
            "breakdown",
            "group",
            "value",
            "numerator",
            "denominator",
            "not_calculable",
        ],
        false => &["authority_code", "indicator", "month", "value", "numerator", "denominator", "not_calculable"],
    };
    write_rows(header, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise_formula("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise_formula("-1+2"), "'-1+2");
        assert_eq!(neutralise_formula("Team A"), "Team A");
    }
}
