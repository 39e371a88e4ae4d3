//! A funnel plot's files and words: in the comparison bundle every member's
//! dot numbered as in its rank table; on a member's own page the same plot
//! with that member's dot ringed and named, so it can find itself.

use super::charts::titled_svg;
use super::failure::RenderError;
use super::format::show_value;
use super::funnel_chart::{funnel_svg, FUNNEL_SIZE, NARROW_FUNNEL_SIZE};
use super::printable::printable;
use crate::judge::{Funnel, IndicatorRanking, MemberValue};
use minijinja::{context, Value};

/// Where a funnel's two SVGs go in a bundle, wide and for phones.
pub(crate) struct FunnelPaths {
    pub wide: String,
    pub narrow: String,
}

impl FunnelPaths {
    /// `charts/funnel-<id>.svg` in the comparison bundle.
    pub(crate) fn comparison(indicator: &IndicatorRanking) -> FunnelPaths {
        FunnelPaths {
            wide: format!("charts/funnel-{}.svg", indicator.id),
            narrow: format!("charts/narrow/funnel-{}.svg", indicator.id),
        }
    }

    /// `charts/consortium/<id>.svg` in a member's bundle: a folder of its
    /// own, so no indicator id can collide with it.
    pub(crate) fn member(indicator: &IndicatorRanking) -> FunnelPaths {
        FunnelPaths {
            wide: format!("charts/consortium/{}.svg", indicator.id),
            narrow: format!("charts/consortium/narrow/{}.svg", indicator.id),
        }
    }
}

/// The funnel's wide and narrow SVGs, each titled and described; `you`
/// is the member whose page it is on, if any.
pub(crate) fn funnel_files(
    indicator: &IndicatorRanking,
    funnel: &Funnel,
    you: Option<&str>,
    paths: &FunnelPaths,
) -> Result<Vec<(String, Vec<u8>)>, RenderError> {
    let mut files = Vec::new();
    for (path, size) in [(&paths.wide, FUNNEL_SIZE), (&paths.narrow, NARROW_FUNNEL_SIZE)] {
        let svg = funnel_svg(indicator, funnel, size, you)?;
        let svg =
            titled_svg(&svg, &format!("Funnel plot of {}", indicator.title), &funnel_words(indicator, funnel, you));
        files.push((path.clone(), printable(&svg).into_owned().into_bytes()));
    }
    Ok(files)
}

/// What the page needs to show the funnel and say what it shows.
pub(crate) fn funnel_view(
    indicator: &IndicatorRanking,
    funnel: &Funnel,
    you: Option<&str>,
    paths: &FunnelPaths,
) -> Value {
    let show = |value: f64| show_value(Some(value), indicator.decimals, indicator.unit);
    let alt = format!("Funnel plot of {}: {}", indicator.title, funnel_words(indicator, funnel, you));
    context! {
        chart => &paths.wide,
        narrow_chart => &paths.narrow,
        size => FUNNEL_SIZE,
        narrow_size => NARROW_FUNNEL_SIZE,
        centre => show(funnel.centre),
        method => funnel.kind.method(),
        verdict => funnel_verdict(funnel),
        you => you.and_then(|code| you_words(indicator, funnel, code)),
        alt,
    }
}

/// Who is outside the funnel's limits, in words.
pub(super) fn funnel_verdict(funnel: &Funnel) -> String {
    let outside: Vec<String> =
        funnel.outside().iter().map(|point| format!("{} ({})", point.name, point.band.describe())).collect();
    if outside.is_empty() {
        "Every member is inside the 95% limits: the differences between them are within what chance gives.".to_string()
    } else {
        format!("Outside the limits: {}.", outside.join("; "))
    }
}

/// "Northbridge is dot 2, ringed: 24.3%, inside the limits."
fn you_words(indicator: &IndicatorRanking, funnel: &Funnel, code: &str) -> Option<String> {
    let point = funnel.points.iter().find(|point| point.code == code)?;
    let member = indicator.members.iter().find(|member| member.code == code)?;
    let number = indicator.dot_number(code)?;
    Some(format!("{} is dot {number}, ringed: {}, {}.", member.name, shown(indicator, member), point.band.describe()))
}

/// The funnel in words for a reader who cannot see it: the overall value,
/// each numbered dot's member and value, who is outside the limits.
pub(super) fn funnel_words(indicator: &IndicatorRanking, funnel: &Funnel, you: Option<&str>) -> String {
    let show = |value: f64| show_value(Some(value), indicator.decimals, indicator.unit);
    let dots: Vec<String> = indicator
        .in_rank_order()
        .iter()
        .enumerate()
        .filter(|(_, member)| funnel.points.iter().any(|point| point.code == member.code))
        .map(|(index, member)| format!("{} {} {}", index + 1, member.name, shown(indicator, member)))
        .collect();
    let you =
        you.and_then(|code| you_words(indicator, funnel, code)).map(|words| format!("{words} ")).unwrap_or_default();
    format!(
        "{you}Members overall {}. Dots, numbered as in the table: {}. {}",
        show(funnel.centre),
        dots.join("; "),
        funnel_verdict(funnel)
    )
}

/// A member's value as published: `c` when suppressed.
pub(crate) fn shown(indicator: &IndicatorRanking, member: &MemberValue) -> String {
    match (member.suppressed, member.value) {
        (true, _) => "c".into(),
        (false, Some(value)) => show_value(Some(value), indicator.decimals, indicator.unit),
        (false, None) => "not calculable".into(),
    }
}
