//! `date + INTERVAL 'n months'` on date columns, worked out by the
//! engine's own calendar arithmetic (`Day::add_months`) rather than
//! polars' `offset_by`, which goes through a date-time per value and was
//! the largest single cost of re-referrals' measure. The same results:
//! tested against `offset_by` itself.

use crate::input::Day;
use polars::prelude::*;

/// `expr` with each whole-month `offset_by` of a date column (as polars'
/// SQL writes `+ INTERVAL '12 months'`) replaced; anything else as it is.
/// `frame` gives the columns' types.
pub(super) fn with_month_offsets(expr: Expr, frame: &LazyFrame) -> Expr {
    expr.map_expr(|node| match &node {
        Expr::Function { input, function: FunctionExpr::TemporalExpr(TemporalFunction::OffsetBy) } => {
            match (input.as_slice(), whole_months(input.get(1))) {
                ([date, _], Some(months)) if is_date(date, frame) => add_months(date.clone(), months),
                _ => node,
            }
        }
        _ => node,
    })
}

/// A literal offset of whole months only (`12mo`, `-1mo`), up to 10,000
/// years either way (so that the arithmetic cannot overflow; longer ones
/// stay polars').
fn whole_months(offset: Option<&Expr>) -> Option<i32> {
    let Some(Expr::Literal(value)) = offset else { return None };
    let value = value.clone();
    let text = value.to_any_value()?;
    let months: i32 = text.get_str()?.strip_suffix("mo")?.parse().ok()?;
    (months.unsigned_abs() <= 12 * 10_000).then_some(months)
}

fn is_date(expr: &Expr, frame: &LazyFrame) -> bool {
    let schema = frame.clone().select([expr.clone().alias("date")]).collect_schema();
    schema.is_ok_and(|schema| schema.get("date") == Some(&DataType::Date))
}

fn add_months(date: Expr, months: i32) -> Expr {
    let shift = move |column: Column| -> PolarsResult<Column> {
        let days = column.date()?.physical();
        // A column's dates repeat (a few thousand days among millions of
        // rows): each is worked out once, then looked up.
        let mut known = vec![(i32::MIN, 0); 1 << 12];
        let mut shift_one = |days: i32| {
            let slot = &mut known[days as usize & ((1 << 12) - 1)];
            if slot.0 != days {
                *slot = (days, Day::from_days(days).add_months(months).days());
            }
            slot.1
        };
        let shifted =
            Int32Chunked::from_iter_options(days.name().clone(), days.iter().map(|days| days.map(&mut shift_one)));
        Ok(shifted.into_date().into_column())
    };
    date.map(shift, |_, field| Ok(field.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against polars' own `offset_by`, over month ends, leap days and a
    /// null, months on and back.
    #[test]
    fn month_offsets_agree_with_polars() {
        let days: Vec<Option<i32>> =
            (-800..20_000).step_by(7).map(Some).chain([None, Some(19_782), Some(19_752)]).collect();
        let frame = df!("d" => Int32Chunked::from_iter_options("d".into(), days.into_iter()).into_date().into_series())
            .unwrap()
            .lazy();
        for offset in ["12mo", "1mo", "-1mo", "-25mo", "0mo"] {
            let polars_way = col("d").dt().offset_by(lit(offset));
            let ours = with_month_offsets(polars_way.clone(), &frame);
            assert_ne!(format!("{ours:?}"), format!("{polars_way:?}"), "{offset} was not replaced");
            let both = frame.clone().select([polars_way.alias("polars"), ours.alias("ours")]).collect().unwrap();
            assert_eq!(
                both.column("polars").unwrap(),
                &both.column("ours").unwrap().clone().with_name("polars".into())
            );
        }
    }

    /// Offsets with days, of a text column, or too long to add safely stay polars'.
    #[test]
    fn other_offsets_are_left_alone() {
        let text = df!("d" => ["2024-01-01"]).unwrap().lazy();
        let dates = text.clone().select([col("d").cast(DataType::Date)]);
        let cases = [
            (&text, col("d").dt().offset_by(lit("12mo"))),
            (&dates, col("d").dt().offset_by(lit("1mo2d"))),
            (&dates, col("d").dt().offset_by(lit("2000000000mo"))),
        ];
        for (frame, expr) in cases {
            assert_eq!(format!("{:?}", with_month_offsets(expr.clone(), frame)), format!("{expr:?}"));
        }
    }
}
