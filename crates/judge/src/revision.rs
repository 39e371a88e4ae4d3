//! Changes since the last bundle: a month's value now differs from the one
//! published for it in an earlier pack (late recording, corrected records).
//! Boards are confused by history that moves silently; this says so.

use super::rounding::round_to;
use crate::evaluate::Observation;
use crate::project::Month;
use serde::Serialize;

/// One month whose value moved since it was published.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Revision {
    /// The month whose value moved.
    pub period: Month,
    /// The value as the earlier pack published it; none when it had none (`c` or not calculable).
    pub reported: Option<f64>,
    /// The value now.
    pub now: Option<f64>,
    /// The pack that published `reported`.
    pub pack: Month,
}

/// What an earlier pack published: the pack's month, and each month's value in it.
pub struct Published<'a> {
    /// The pack's month.
    pub pack: Month,
    /// Each month's value as that pack published it.
    pub values: &'a [(Month, Option<f64>)],
}

/// Every month before `month` whose value in `series`, as shown (rounded to
/// `decimals`), differs from what the earlier pack published for it.
pub fn revisions(series: &[Observation], month: Month, decimals: u32, published: Published) -> Vec<Revision> {
    let shown = |value: Option<f64>| value.map(|value| round_to(value, decimals));
    let pack = published.pack;
    published
        .values
        .iter()
        .filter(|(period, _)| *period < month)
        .filter_map(|(period, reported)| {
            let now = series.iter().find(|observation| observation.period == *period)?.value;
            (shown(now) != shown(*reported)).then_some(Revision { period: *period, reported: *reported, now, pack })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_that_moved_as_shown_is_a_revision() {
        let month = |text: &str| text.parse::<Month>().unwrap();
        let observation = |period: &str, value: Option<f64>| match value {
            Some(value) => Observation {
                period: month(period),
                value: Some(value),
                numerator: None,
                denominator: None,
                missing: None,
            },
            None => Observation::suppressed(month(period)),
        };
        // January 21.34 now shows 21.3 as it did; February 21.3 -> 21.9 moved; March is this month.
        let series = [
            observation("2026-01", Some(21.34)),
            observation("2026-02", Some(21.9)),
            observation("2026-03", Some(22.0)),
        ];
        let published = [(month("2026-01"), Some(21.3)), (month("2026-02"), Some(21.3)), (month("2026-03"), Some(1.0))];
        let found = revisions(&series, month("2026-03"), 1, Published { pack: month("2026-02"), values: &published });
        assert_eq!(
            found,
            [Revision { period: month("2026-02"), reported: Some(21.3), now: Some(21.9), pack: month("2026-02") }]
        );
        // Published as c and still c: no revision; published, now hidden: one.
        let hidden = [observation("2026-01", None)];
        let none = revisions(
            &hidden,
            month("2026-03"),
            1,
            Published { pack: month("2026-02"), values: &[(month("2026-01"), None)] },
        );
        assert!(none.is_empty());
        let was = [(month("2026-01"), Some(4.0))];
        assert_eq!(
            revisions(&hidden, month("2026-03"), 1, Published { pack: month("2026-02"), values: &was }).len(),
            1
        );
    }
}
