//! `working_days(from, to)` and `is_working_day(date)` inside any SQL
//! expression, on the project's calendar, with `age(date_of_birth, at)`
//! and `days_between(from, to)`. polars' SQL has no such functions, so each call is swapped for a placeholder column before
//! parsing, its arguments are parsed on their own, and the placeholder is
//! then replaced by the calendar expression over them.

use super::columns::{clean_polars_error, days_since_epoch};
use crate::language::WorkingDayCount;
use crate::project::HolidayCalendar;
use polars::prelude::*;

const PLACEHOLDER: &str = "__calendar_call_";

/// Parse `sql`, calendar functions included.
pub(super) fn parse_sql(sql: &str, holidays: &HolidayCalendar) -> Result<Expr, String> {
    let (text, calls) = take_calls(sql)?;
    let expr = polars::sql::sql_expr(&text).map_err(|error| clean_polars_error(&error))?;
    if calls.is_empty() {
        return Ok(expr);
    }
    let built: Vec<Expr> = calls.iter().map(|call| call.build(holidays)).collect::<Result<_, _>>()?;
    Ok(expr.map_expr(|node| match &node {
        Expr::Column(name) => match name.strip_prefix(PLACEHOLDER).and_then(|i| i.parse::<usize>().ok()) {
            Some(index) => built[index].clone(),
            None => node,
        },
        _ => node,
    }))
}

/// One call found in the text: the function and its arguments as written.
struct Call {
    function: Function,
    arguments: Vec<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Function {
    WorkingDays,
    IsWorkingDay,
    Age,
    DaysBetween,
}

impl Call {
    fn build(&self, holidays: &HolidayCalendar) -> Result<Expr, String> {
        let count = |wanted: &[usize]| {
            if wanted.contains(&self.arguments.len()) {
                Ok(())
            } else {
                Err(format!("{} takes {} arguments", self.function.name(), self.function.arguments()))
            }
        };
        let argument = |index: usize| parse_sql(&self.arguments[index], holidays);
        match self.function {
            Function::IsWorkingDay => {
                count(&[1])?;
                Ok(argument(0)?.cast(DataType::Date).dt().is_business_day(WEEKDAYS, holiday_list(holidays)))
            }
            Function::Age => {
                count(&[2])?;
                Ok(age(argument(0)?, argument(1)?))
            }
            Function::DaysBetween => {
                count(&[2])?;
                let day = |expr: Expr| expr.cast(DataType::Date).cast(DataType::Int32).cast(DataType::Int64);
                Ok(day(argument(1)?) - day(argument(0)?))
            }
            Function::WorkingDays => {
                count(&[2, 3])?;
                let convention = match self.arguments.get(2).map(|text| text.trim().trim_matches('\'')) {
                    None | Some("after_start_to_end") => WorkingDayCount::AfterStartToEnd,
                    Some("start_to_before_end") => WorkingDayCount::StartToBeforeEnd,
                    Some("start_to_end") => WorkingDayCount::StartToEnd,
                    Some(other) => {
                        return Err(format!(
                            "working_days counts `after_start_to_end`, `start_to_before_end` or `start_to_end`, not `{other}`"
                        ))
                    }
                };
                Ok(working_days(argument(0)?, argument(1)?, convention, holidays))
            }
        }
    }
}

/// Whole years from a date of birth to `at`: the birthday not yet reached
/// in `at`'s year takes one off. Someone born on 29 February is a year older
/// on 1 March in other years, as the law of England and Wales has it.
fn age(born: Expr, at: Expr) -> Expr {
    let (born, at) = (born.cast(DataType::Date), at.cast(DataType::Date));
    let day_of_year = |date: &Expr| {
        date.clone().dt().month().cast(DataType::Int64) * lit(100i64) + date.clone().dt().day().cast(DataType::Int64)
    };
    let years = at.clone().dt().year().cast(DataType::Int64) - born.clone().dt().year().cast(DataType::Int64);
    let before_birthday = day_of_year(&at).lt(day_of_year(&born));
    years - when(before_birthday).then(lit(1i64)).otherwise(lit(0i64))
}

/// Monday to Friday.
const WEEKDAYS: [bool; 7] = [true, true, true, true, true, false, false];

fn holiday_list(holidays: &HolidayCalendar) -> Expr {
    let dates: Vec<i32> = holidays.holidays().map(days_since_epoch).collect();
    lit(Series::new("holidays".into(), dates).cast(&DataType::Date).expect("days cast to dates")).implode(true)
}

/// Working days between two dates, counting the ends as `count` says.
/// polars counts [start, end), so an end not counted at the start, or
/// counted at the end, moves a day later. Dates the wrong way round count as
/// the right way round, made negative (as Excel's NETWORKDAYS does): the
/// same days, whichever is written first.
pub(super) fn working_days(from: Expr, to: Expr, count: WorkingDayCount, holidays: &HolidayCalendar) -> Expr {
    let next_day = |expr: Expr| (expr.cast(DataType::Int32) + lit(1)).cast(DataType::Date);
    let (from, to) = (from.cast(DataType::Date), to.cast(DataType::Date));
    let reversed = to.clone().lt(from.clone());
    let first = when(reversed.clone()).then(to.clone()).otherwise(from.clone());
    let last = when(reversed.clone()).then(from).otherwise(to);
    let (start, end) = match count {
        WorkingDayCount::AfterStartToEnd => (next_day(first), next_day(last)),
        WorkingDayCount::StartToBeforeEnd => (first, last),
        WorkingDayCount::StartToEnd => (first, next_day(last)),
    };
    let days =
        polars::lazy::dsl::business_day_count(start, end, WEEKDAYS, holiday_list(holidays)).cast(DataType::Int64);
    when(reversed).then(lit(0i64) - days.clone()).otherwise(days)
}

impl Function {
    fn name(self) -> &'static str {
        match self {
            Function::WorkingDays => "working_days",
            Function::IsWorkingDay => "is_working_day",
            Function::Age => "age",
            Function::DaysBetween => "days_between",
        }
    }

    fn arguments(self) -> &'static str {
        match self {
            Function::WorkingDays => "2 (from, to) or 3 (from, to, 'start_to_end')",
            Function::IsWorkingDay => "1 (a date)",
            Function::Age => "2 (date of birth, at)",
            Function::DaysBetween => "2 (from, to)",
        }
    }
}

/// The text with each calendar call replaced by a placeholder column, and
/// the calls, outermost first (their arguments keep any nested calls).
fn take_calls(sql: &str) -> Result<(String, Vec<Call>), String> {
    let mut text = String::with_capacity(sql.len());
    let mut calls = Vec::new();
    let bytes = sql.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            quote @ (b'\'' | b'"') => {
                let end = sql[at + 1..].find(quote as char).map_or(sql.len(), |offset| at + 1 + offset + 1);
                text.push_str(&sql[at..end]);
                at = end;
            }
            byte if byte.is_ascii_alphabetic() || byte == b'_' => {
                let end =
                    sql[at..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map_or(sql.len(), |n| at + n);
                let word = &sql[at..end];
                let open = end + sql[end..].len() - sql[end..].trim_start().len();
                let function = match word.to_ascii_lowercase().as_str() {
                    "working_days" => Some(Function::WorkingDays),
                    "is_working_day" => Some(Function::IsWorkingDay),
                    "age" => Some(Function::Age),
                    "days_between" => Some(Function::DaysBetween),
                    _ => None,
                };
                match function.filter(|_| sql[open..].starts_with('(')) {
                    Some(function) => {
                        let (arguments, close) = arguments(sql, open)?;
                        text.push_str(&format!("\"{PLACEHOLDER}{}\"", calls.len()));
                        calls.push(Call { function, arguments });
                        at = close + 1;
                    }
                    None => {
                        text.push_str(word);
                        at = end;
                    }
                }
            }
            _ => {
                let next = sql[at..].chars().next().map_or(1, char::len_utf8);
                text.push_str(&sql[at..at + next]);
                at += next;
            }
        }
    }
    Ok((text, calls))
}

/// The arguments of the call whose `(` is at `open`, split at top-level
/// commas, and where its `)` is.
fn arguments(sql: &str, open: usize) -> Result<(Vec<String>, usize), String> {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    let mut start = open + 1;
    let mut found = Vec::new();
    for (offset, c) in sql[open..].char_indices() {
        let at = open + offset;
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth == 0 {
                    found.push(sql[start..at].trim().to_string());
                    return Ok((found, at));
                }
            }
            (None, ',') if depth == 1 => {
                found.push(sql[start..at].trim().to_string());
                start = at + 1;
            }
            _ => {}
        }
    }
    Err("a calendar function's `(` is never closed".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_become_placeholders_and_literals_are_left_alone() {
        let (text, calls) =
            take_calls("WORKING_DAYS(a, b + INTERVAL '1 day') > 3 AND x = 'is_working_day(y)'").unwrap();
        assert_eq!(text, "\"__calendar_call_0\" > 3 AND x = 'is_working_day(y)'");
        assert_eq!(calls[0].arguments, ["a", "b + INTERVAL '1 day'"]);
        let (text, calls) = take_calls("is_working_day(COALESCE(d, DATE '2024-01-01'))").unwrap();
        assert_eq!(text, "\"__calendar_call_0\"");
        assert_eq!(calls[0].arguments, ["COALESCE(d, DATE '2024-01-01')"]);
        assert!(take_calls("working_days(a, b").is_err());
        // A column that merely starts with the name is a column.
        assert_eq!(take_calls("working_days_taken > 5").unwrap().0, "working_days_taken > 5");
    }
}
