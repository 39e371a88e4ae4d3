//! Checking each expression of a definition against the dataset's
//! schema, and turning it into polars: every problem points at the
//! expression in the user's file.

use super::row_order::{partition_windows_by_snapshot, RowOrder, PARTITION};
use super::working_days_expr;
use crate::calendar_sql::parse_sql;
use crate::columns::{clean_polars_error, snapshot_and, DENOMINATOR, NON_NULL, NUMERATOR, ROWS, SNAPSHOT, VALUE};
use crate::diagnostics::string_contents;
use crate::diagnostics::{did_you_mean, Diagnostics, SourceFile};
use crate::in_lists::text_lists_as_comparisons;
use crate::language::{too_large, DerivedColumn, DerivedRule, MeasureRule, Sql, Summary};
use crate::month_offset::with_month_offsets;
use crate::project::HolidayCalendar;
use crate::widen::widen_integer_arithmetic;
use polars::prelude::*;
use std::ops::Range;

pub(super) struct Checker<'a> {
    source: &'a SourceFile,
    /// For `working_days()` and `is_working_day()` in expressions.
    holidays: &'a HolidayCalendar,
    /// Derived columns already reported as wrong.
    pub(super) failed: Vec<String>,
    /// The rows as the stages so far leave them (no data: the schema).
    pub(super) frame: LazyFrame,
    pub(super) diagnostics: Diagnostics,
    /// Row-level stages (derive, filter, checks) may choose a row order.
    pub(super) row_level: bool,
    pub(super) row_order: Option<RowOrder>,
}

impl<'a> Checker<'a> {
    /// A checker of the expressions run over `frame`'s rows, reporting into `source`.
    pub(super) fn new(source: &'a SourceFile, holidays: &'a HolidayCalendar, frame: LazyFrame) -> Checker<'a> {
        let diagnostics = Diagnostics::default();
        Checker { source, holidays, failed: Vec::new(), frame, diagnostics, row_level: true, row_order: None }
    }
}

impl Checker<'_> {
    fn error_at(&mut self, text: &Sql, message: String, label: &str, help: Option<String>) {
        let span = string_contents(&self.source.text, &text.span());
        self.diagnostics.push(self.source.error(span, message, label).with_help_opt(help));
    }

    fn columns(&self) -> Vec<String> {
        match self.frame.clone().collect_schema() {
            Ok(schema) => schema.iter_names().map(|name| name.to_string()).collect(),
            Err(_) => Vec::new(),
        }
    }

    /// Parse one SQL expression and check its columns exist here.
    fn parse(&mut self, text: &Sql, role: &str) -> Option<Expr> {
        let sql = text.text();
        if let Some(problem) = too_large(sql) {
            // Point at the start only: underlining all of it would print the whole line.
            let start = string_contents(&self.source.text, &text.span()).start;
            let span = start..start + sql.chars().next().map_or(0, char::len_utf8);
            let label = "too large to evaluate safely";
            self.diagnostics.push(self.source.error(span, format!("{role}: {problem}"), label));
            return None;
        }
        let expr = match parse_sql(sql, self.holidays) {
            Ok(expr) => expr,
            Err(error) => {
                let message = format!("{role}: cannot parse SQL expression: {error}");
                self.error_at(text, message, "not a valid SQL expression", None);
                return None;
            }
        };
        let expr = text_lists_as_comparisons(widen_integer_arithmetic(expr, &self.frame), &self.frame);
        // The user's own names: the rewrite below adds the engine's.
        let mut names = expr.clone().meta().root_names();
        let row_order = self.row_level.then_some(&mut self.row_order);
        let expr = with_month_offsets(partition_windows_by_snapshot(expr, row_order), &self.frame);
        let mut available = self.columns();
        available.retain(|name| name != PARTITION);
        let mut ok = true;
        names.sort();
        names.dedup();
        if names.iter().any(|name| self.failed.iter().any(|failed| failed == name.as_str())) {
            return None;
        }
        for name in names {
            if !available.iter().any(|column| column == name.as_str()) {
                let help = did_you_mean(&name, available.iter().map(String::as_str));
                let offset = identifier_offset(sql, &name).or_else(|| sql.find(name.as_str())).unwrap_or(0);
                let contents = string_contents(&self.source.text, &text.span());
                let span = contents.start + offset..contents.start + offset + name.len();
                let message = format!("{role}: unknown column `{name}`");
                self.diagnostics.push(self.source.error(span, message, "not a column here").with_help_opt(help));
                ok = false;
            }
        }
        ok.then_some(expr)
    }

    /// Run `expr` on the empty frame; return its type or report the failure.
    fn type_of(&mut self, text: &Sql, role: &str, plan: LazyFrame) -> Option<DataType> {
        match plan.collect() {
            Ok(frame) => frame.columns().last().map(|column| column.dtype().clone()),
            Err(error) => {
                let message = format!("{role}: {}", clean_polars_error(&error));
                self.error_at(text, message, "type error", None);
                None
            }
        }
    }

    fn expect_type(&mut self, text: &Sql, role: &str, dtype: &DataType, want_boolean: bool) -> bool {
        let fits = if want_boolean {
            dtype.is_bool() || dtype.is_null()
        } else {
            dtype.is_primitive_numeric() || dtype.is_bool() || dtype.is_null()
        };
        if !fits {
            let wanted = if want_boolean { "a true/false condition" } else { "a number" };
            self.error_at(
                text,
                format!("{role} must be {wanted}, but this expression gives {dtype}"),
                "wrong type",
                None,
            );
        }
        fits
    }

    fn row_expression(&mut self, text: &Sql, role: &str, want_boolean: Option<bool>) -> Option<Expr> {
        let expr = self.parse(text, role)?;
        let dtype = self.type_of(text, role, self.frame.clone().select([expr.clone()]))?;
        match want_boolean {
            Some(boolean) if !self.expect_type(text, role, &dtype, boolean) => None,
            _ => Some(expr),
        }
    }

    pub(super) fn condition(&mut self, text: &Sql, role: &str) -> Option<Expr> {
        self.row_expression(text, role, Some(true))
    }

    fn numeric(&mut self, text: &Sql, role: &str) -> Option<Expr> {
        self.row_expression(text, role, Some(false)).map(|expr| expr.cast(DataType::Float64))
    }

    pub(super) fn derived(&mut self, column: &DerivedColumn, holidays: &HolidayCalendar) -> Option<Expr> {
        let name = column.name.as_str();
        match &column.rule {
            DerivedRule::WorkingDays { from, to, count } => {
                // A derived start or end has a type only now.
                let schema = self.frame.clone().collect_schema().ok()?;
                for end in [from, to] {
                    let found = schema.get(end.text());
                    if found.is_some_and(|dtype| *dtype != DataType::Date) {
                        let message = format!("`{}` is not a date: working_days needs dates", end.text());
                        self.error_at(end, message, "not a date", None);
                    }
                }
                Some(working_days_expr(from, to, *count, holidays).alias(name))
            }
            DerivedRule::Sql(text) => {
                self.row_expression(text, &format!("derive.{name}"), None).map(|expr| expr.alias(name))
            }
        }
    }

    pub(super) fn aggregate(&mut self, key: &str, name: &str, text: &Sql) -> Option<Expr> {
        let role = format!("per_entity.aggregate.{name}");
        let expr = self.parse(text, &role)?.alias(name);
        let dtype =
            self.type_of(text, &role, self.frame.clone().group_by(snapshot_and(col(key))).agg([expr.clone()]))?;
        if dtype.is_list() {
            self.error_at(
                text,
                format!("{role} must give one value per entity (use SUM, MAX, COUNT...)"),
                "not an aggregate",
                None,
            );
            return None;
        }
        Some(expr)
    }

    /// The aggregations, the per-row columns behind them (for `explain`),
    /// and the condition selecting the rows that take part.
    pub(super) fn measure(&mut self, rule: &MeasureRule, kind_span: Range<usize>) -> Option<MeasureExprs> {
        let condition = match rule.condition() {
            Some(text) => self.condition(text, "measure.where")?,
            None => every_row(),
        };
        let (exprs, explain, taking_part) = match rule {
            MeasureRule::Count { .. } | MeasureRule::RatePer10000 { .. } => (
                vec![counted(condition.clone()).alias(ROWS), counted(condition.clone()).alias(NUMERATOR)],
                vec![condition.clone().alias("counted")],
                condition,
            ),
            MeasureRule::Summary { kind, of, .. } => self.summary_measure(*kind, of, condition)?,
            MeasureRule::Proportion { numerator, denominator, weight } => {
                self.proportion_measure(numerator, denominator.as_ref(), weight.as_ref())?
            }
            MeasureRule::Ratio { numerator, denominator, .. } => {
                self.ratio_measure(numerator, denominator, condition)?
            }
        };
        let exprs: Vec<Expr> = exprs.into_iter().map(|expr| expr.cast(DataType::Float64)).collect();
        let plan = self.frame.clone().select(exprs.clone());
        if let Err(error) = plan.collect() {
            let message = format!("measure: {}", clean_polars_error(&error));
            self.diagnostics.push(self.source.error(kind_span, message, "in this measure"));
            return None;
        }
        Some((exprs, explain, taking_part))
    }

    fn summary_measure(&mut self, kind: Summary, of: &Sql, condition: Expr) -> Option<MeasureExprs> {
        let value = if kind == Summary::DistinctCount {
            self.parse(of, "measure.of")?
        } else {
            self.numeric(of, "measure.of")?
        };
        let explain = vec![condition.clone().alias("counted"), value.clone().alias("value")];
        let selected = value.filter(condition.clone());
        let summary = match kind {
            Summary::DistinctCount => selected.clone().drop_nulls().n_unique().cast(DataType::Float64),
            Summary::Sum => selected.clone().sum(),
            Summary::Mean => selected.clone().mean(),
            Summary::Median => selected.clone().median(),
        };
        let non_null = selected.count().cast(DataType::Float64).alias(NON_NULL);
        Some((vec![counted(condition.clone()).alias(ROWS), summary.alias(VALUE), non_null], explain, condition))
    }

    /// Each of the three is checked, so that all their mistakes are told at once.
    fn proportion_measure(
        &mut self,
        numerator: &Sql,
        denominator: Option<&Sql>,
        weight: Option<&Sql>,
    ) -> Option<MeasureExprs> {
        let numerator = self.condition(numerator, "measure.numerator");
        let denominator = match denominator {
            Some(text) => self.condition(text, "measure.denominator"),
            None => Some(every_row()),
        };
        let weight = match weight {
            Some(text) => self.numeric(text, "measure.weight"),
            None => Some(every_row().cast(DataType::Float64)),
        };
        let (numerator, denominator, weight) = (numerator?, denominator?, weight?);
        let weighted = |condition: Expr| when(condition).then(weight.clone()).otherwise(lit(0.0)).sum();
        let known = numerator.clone().filter(denominator.clone()).count().cast(DataType::Float64);
        let explain = vec![
            numerator.clone().and(denominator.clone()).alias("in_numerator"),
            denominator.clone().alias("in_denominator"),
            weight.clone().alias("weight"),
        ];
        let exprs = vec![
            counted(denominator.clone()).alias(ROWS),
            weighted(numerator.and(denominator.clone())).alias(NUMERATOR),
            weighted(denominator.clone()).alias(DENOMINATOR),
            known.alias(NON_NULL),
        ];
        Some((exprs, explain, denominator))
    }

    fn ratio_measure(&mut self, numerator: &Sql, denominator: &Sql, condition: Expr) -> Option<MeasureExprs> {
        let numerator = self.numeric(numerator, "measure.numerator");
        let denominator = self.numeric(denominator, "measure.denominator");
        let (numerator, denominator) = (numerator?, denominator?);
        let explain = vec![
            condition.clone().alias("counted"),
            numerator.clone().alias("numerator"),
            denominator.clone().alias("denominator"),
        ];
        let exprs = vec![
            counted(condition.clone()).alias(ROWS),
            numerator.clone().filter(condition.clone()).sum().alias(NUMERATOR),
            denominator.clone().filter(condition.clone()).sum().alias(DENOMINATOR),
            numerator.filter(condition.clone()).count().cast(DataType::Float64).alias(NON_NULL),
        ];
        Some((exprs, explain, condition))
    }
}

/// A measure's aggregations, the per-row columns `explain` shows, and
/// which rows take part.
pub(super) type MeasureExprs = (Vec<Expr>, Vec<Expr>, Expr);

/// How many rows meet `condition`, as a float (every measure's columns are).
fn counted(condition: Expr) -> Expr {
    when(condition).then(lit(1.0)).otherwise(lit(0.0)).sum()
}

/// True on every row. A bare `lit(true)` would be a single scalar and sum to
/// 1 however many rows there are.
pub(super) fn every_row() -> Expr {
    col(SNAPSHOT).is_not_null()
}

/// Where `name` stands as a whole identifier in `sql`, outside quoted
/// literals: an unknown `age` in `stage = 1 AND age > 3` is the second
/// `age`, not the end of `stage`.
pub(super) fn identifier_offset(sql: &str, name: &str) -> Option<usize> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    sql.match_indices(name).map(|(at, _)| at).find(|&at| {
        let before = sql[..at].chars().next_back();
        let after = sql[at + name.len()..].chars().next();
        let in_literal = sql[..at].matches('\'').count() % 2 == 1;
        !before.is_some_and(is_word) && !after.is_some_and(is_word) && !in_literal
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_identifier_is_found_whole_and_outside_literals() {
        assert_eq!(identifier_offset("stage = 1 AND age > 3", "age"), Some(14));
        assert_eq!(identifier_offset("LS = 'age' OR age > 3", "age"), Some(14));
        assert_eq!(identifier_offset("\"Legal status\" = 'C2'", "Legal status"), Some(1));
        assert_eq!(identifier_offset("stage = 1", "age"), None);
    }
}
