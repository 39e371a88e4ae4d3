//! Typed extract tables into polars frames, stacked over periods.

use super::columns::{days_since_epoch, period_index, AUTHORITY, PERIOD};
use super::failure::EvaluateError;
use crate::input::{Day, Table, Texts, Values};
use crate::language::window::PeriodWindow;
use crate::project::{ColumnType, DatasetConfig, Layout, Month};
use chrono::NaiveDate;
use polars::prelude::*;
use polars_arrow::array::{Utf8ViewArray, View};
use polars_arrow::bitmap::MutableBitmap;

/// One extract's typed rows with the member and period(s) they belong to,
/// kept as read until its dataset's frame is built: each column is then
/// written once, into a buffer of the whole frame's length, rather than
/// made a frame per extract, stacked and copied together again.
pub(crate) struct Piece {
    member: usize,
    periods: Periods,
    table: Table,
}

enum Periods {
    /// A monthly extract's month, or a history extract's placeholder.
    Every(Month),
    /// A periodic extract's period of each row.
    EachRow(Vec<Month>),
}

impl Piece {
    /// `periods` has one month for a monthly extract, or one per row.
    pub(crate) fn new(member: usize, periods: Vec<Month>, table: Table) -> Piece {
        let periods = match periods.as_slice() {
            [single] => Periods::Every(*single),
            _ => Periods::EachRow(periods),
        };
        Piece { member, periods, table }
    }
}

/// One frame holding every authority's and period's rows, in the order of
/// `pieces`, one chunk per column.
fn stack(config: &DatasetConfig, pieces: &[Piece]) -> PolarsResult<DataFrame> {
    let rows: usize = pieces.iter().map(|piece| piece.table.rows).sum();
    let mut columns = Vec::new();
    for (position, (name, kind)) in config.column_types().enumerate() {
        let cells = pieces.iter().map(|piece| match piece.table.columns.get(position) {
            Some((read, values)) if read == name => Ok(values),
            _ => Err(polars_err!(ColumnNotFound: "`{name}` was not read from every extract")),
        });
        columns.push(stacked_column(name.into(), kind, rows, cells.collect::<PolarsResult<Vec<_>>>()?)?.into());
    }
    let mut periods = Vec::with_capacity(rows);
    let mut authorities = Vec::with_capacity(rows);
    for piece in pieces {
        match &piece.periods {
            Periods::Every(month) => periods.extend(std::iter::repeat_n(period_index(*month), piece.table.rows)),
            Periods::EachRow(months) => periods.extend(months.iter().map(|month| period_index(*month))),
        }
        authorities.extend(std::iter::repeat_n(piece.member as i32, piece.table.rows));
    }
    columns.push(Int32Chunked::from_vec(PERIOD.into(), periods).into_column());
    columns.push(Int32Chunked::from_vec(AUTHORITY.into(), authorities).into_column());
    DataFrame::new(rows, columns)
}

/// One declared column of every extract of a dataset, in one buffer.
fn stacked_column(name: PlSmallStr, kind: ColumnType, rows: usize, parts: Vec<&Values>) -> PolarsResult<Series> {
    let mismatch = || polars_err!(SchemaMismatch: "`{name}` was not read as {kind:?} from every extract");
    Ok(match kind {
        ColumnType::Text => {
            let texts = parts.iter().map(|part| match part {
                Values::Text(texts) => Ok(texts),
                _ => Err(mismatch()),
            });
            text_column(name.clone(), rows, &texts.collect::<PolarsResult<Vec<_>>>()?)?.into_series()
        }
        ColumnType::Boolean => {
            let mut builder = BooleanChunkedBuilder::new(name.clone(), rows);
            for part in parts {
                let Values::Boolean(cells) = part else { return Err(mismatch()) };
                cells.iter().for_each(|cell| builder.append_option(*cell));
            }
            builder.finish().into_series()
        }
        ColumnType::Integer => numbers::<Int64Type, _>(&name, rows, &parts, |part| match part {
            Values::Integer(cells) => Some(cells.iter().copied()),
            _ => None,
        })
        .ok_or_else(mismatch)?
        .into_series(),
        ColumnType::Number => numbers::<Float64Type, _>(&name, rows, &parts, |part| match part {
            Values::Number(cells) => Some(cells.iter().copied()),
            _ => None,
        })
        .ok_or_else(mismatch)?
        .into_series(),
        ColumnType::Date => numbers::<Int32Type, _>(&name, rows, &parts, |part| match part {
            Values::Date(cells) => Some(cells.iter().map(|day| day.map(Day::days))),
            _ => None,
        })
        .ok_or_else(mismatch)?
        .into_date()
        .into_series(),
    })
}

/// A text column from every part's string views, copied as they are but
/// for a long cell's buffer number, which moves past the buffers of the
/// parts before it. Polars' checked constructor would look at every view
/// again for UTF-8 (4% of a consortium's run, BENCHMARKS.md): the views are
/// valid as `Texts` makes them, which debug builds (the tests) check in full.
fn text_column(name: PlSmallStr, rows: usize, parts: &[&Texts]) -> PolarsResult<StringChunked> {
    let mut views: Vec<View> = Vec::with_capacity(rows);
    let (mut first_buffer, mut blanks) = (0, Vec::new());
    for texts in parts {
        let first_row = views.len();
        views.extend(texts.arrow_views(first_buffer).map(View::from));
        let more = u32::try_from(texts.buffers().len()).ok();
        first_buffer = more
            .and_then(|more| first_buffer.checked_add(more))
            .ok_or_else(|| polars_err!(ComputeError: "a text column of over 4 billion buffers"))?;
        blanks.extend(texts.blanks().iter().map(|row| first_row + row));
    }
    let buffers: Vec<Vec<u8>> =
        parts.iter().flat_map(|texts| texts.buffers()).map(|text| text.as_bytes().into()).collect();
    let buffer_bytes = buffers.iter().map(Vec::len).sum();
    let validity = (!blanks.is_empty()).then(|| {
        let mut valid = MutableBitmap::from_len_set(views.len());
        blanks.into_iter().for_each(|row| valid.set(row, false));
        valid.into()
    });
    let (views, buffers) = (views.into(), buffers.into_iter().map(Into::into).collect());
    let array = match cfg!(debug_assertions) {
        // Debug builds (the tests) check every view, UTF-8 and place, as
        // polars' own unchecked constructor checks only places.
        true => Utf8ViewArray::try_new(ArrowDataType::Utf8View, views, buffers, validity)?,
        // SAFETY: `Texts::arrow_views` promises views of whole `&str` cells
        // (UTF-8), a long one's bytes within its buffer, buffers numbered
        // from the number given: here the count of the buffers before,
        // which are those of the parts before, in this order.
        false => unsafe {
            Utf8ViewArray::new_unchecked(ArrowDataType::Utf8View, views, buffers, validity, None, buffer_bytes)
        },
    };
    Ok(StringChunked::with_chunk(name, array))
}

/// A numeric column from every part's cells (None if a part holds another
/// type): the values copied in one pass, and a validity mask only when a
/// cell is blank, rather than each cell appended through a builder.
fn numbers<'a, T: PolarsNumericType, I: Iterator<Item = Option<T::Native>>>(
    name: &PlSmallStr,
    rows: usize,
    parts: &[&'a Values],
    cells: impl Fn(&'a Values) -> Option<I>,
) -> Option<ChunkedArray<T>> {
    let mut values: Vec<T::Native> = Vec::with_capacity(rows);
    let mut blanks = 0;
    for part in parts {
        values.extend(cells(part)?.map(|cell| {
            blanks += usize::from(cell.is_none());
            cell.unwrap_or_default()
        }));
    }
    let every_cell = || parts.iter().filter_map(|part| cells(part)).flatten();
    let validity = (blanks > 0).then(|| every_cell().map(|cell| cell.is_some()).collect());
    Some(ChunkedArray::from_vec_validity(name.clone(), values, validity))
}

/// The window columns (`period_start`, `period_end`, `window_start`,
/// `window_end`) of each row, looked up by its period's position among
/// `windows` (consecutive months, covering every row's period; a row of
/// any other period gets blank bounds): cheaper than joining a table of
/// windows, which copies every column of every row. Rows come a snapshot
/// at a time, so each run of one period is filled with its day at once;
/// polars' gather cast and bounds-checked every row's position first
/// (4.5% of a consortium's run, BENCHMARKS.md).
pub(crate) fn window_columns(windows: &[PeriodWindow]) -> Vec<Expr> {
    let first = windows.first().map_or(0, |window| period_index(window.period));
    let column = |name: &'static str, pick: fn(&PeriodWindow) -> NaiveDate| {
        let days: Vec<i32> = windows.iter().map(|window| days_since_epoch(pick(window))).collect();
        let fill = move |periods: Column| -> PolarsResult<Column> {
            let periods = periods.as_materialized_series().i32()?;
            Ok(days_of_periods(periods, first, &days).with_name(name.into()).into_date().into_column())
        };
        col(PERIOD).map(fill, move |_, _| Ok(Field::new(name.into(), DataType::Date))).alias(name)
    };
    vec![
        column("period_start", |w| w.period_start),
        column("period_end", |w| w.period_end),
        column("window_start", |w| w.window_start),
        column("window_end", |w| w.window_end),
    ]
}

/// Each period's day in `days` (the period `first` is day 0's), run by
/// run of equal periods; blank for a blank period or one outside `days`.
fn days_of_periods(periods: &Int32Chunked, first: i32, days: &[i32]) -> Int32Chunked {
    let day =
        |period: i32| usize::try_from(i64::from(period) - i64::from(first)).ok().and_then(|at| days.get(at)).copied();
    let by_runs = || -> Option<Vec<i32>> {
        if periods.null_count() > 0 {
            return None;
        }
        let mut filled = Vec::with_capacity(periods.len());
        for array in periods.downcast_iter() {
            for run in array.values().chunk_by(|a, b| a == b) {
                filled.extend(std::iter::repeat_n(day(run[0])?, run.len()));
            }
        }
        Some(filled)
    };
    match by_runs() {
        Some(filled) => Int32Chunked::from_vec(PlSmallStr::EMPTY, filled),
        // A blank or unknown period: row by row, with blanks.
        None => periods.iter().map(|period| day(period?)).collect_ca(PlSmallStr::EMPTY),
    }
}

/// A dataset's rows for every period, ready to evaluate. Opaque outside the
/// evaluation layer so that polars stays here.
pub(crate) struct Stacked {
    pub(crate) frame: DataFrame,
    /// A history extract's rows, to be seen as at each month end in turn
    /// (their period column holds only the extract's last month).
    pub(crate) history: bool,
}

impl Stacked {
    /// No rows: what is kept of a dataset once it has been evaluated.
    pub(crate) fn empty(history: bool) -> Stacked {
        Stacked { frame: DataFrame::empty(), history }
    }

    pub(crate) fn new(config: &DatasetConfig, pieces: &[Piece]) -> Result<Stacked, EvaluateError> {
        let history = config.layout == Layout::History;
        Ok(stack(config, pieces).map(|frame| Stacked { frame, history })?)
    }

    pub(crate) fn rows(&self) -> usize {
        self.frame.height()
    }

    /// Memory the frame holds, in bytes (polars' estimate).
    pub(crate) fn bytes(&self) -> usize {
        self.frame.estimated_size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(year: i32, month: u32) -> Month {
        Month::new(year, month).expect("a month")
    }

    /// A monthly extract of two rows (member 0) and a periodic one of one
    /// row (member 1) stack in that order; blanks stay blank; each row gets
    /// its member and period. Period numbers are year * 12 + month - 1:
    /// April 2024 is 24291, May 2024 24292; 2024-04-05 is day 19818 from
    /// 1970-01-01 (54 years with 13 leap days is 19723 days, then 95 days).
    #[test]
    fn pieces_stack_in_order_with_blanks_members_and_periods() {
        let config: DatasetConfig = toml::from_str(
            "layout = \"monthly\"\nfile = \"x.csv\"\ncolumns = { CHILD = \"text\", N = \"integer\", D = \"date\" }",
        )
        .expect("a dataset");
        let table = |children: &[Option<&str>], numbers: Vec<Option<i64>>, days| Table {
            // By name, the order the dataset lists its columns in and the reader gives them.
            columns: vec![
                ("CHILD".into(), Values::Text(children.iter().copied().collect::<Texts>())),
                ("D".into(), Values::Date(days)),
                ("N".into(), Values::Integer(numbers)),
            ],
            rows: children.len(),
            unmapped: Vec::new(),
            reference_date: None,
            absent: Vec::new(),
        };
        let april = Day::from_ymd(2024, 4, 5);
        // Ids of over 12 bytes are kept out of line, in each piece's own buffer.
        let (first_long, second_long) = ("Northbridge child 1", "Chloë, a long id");
        let pieces = [
            Piece::new(
                0,
                vec![month(2024, 4)],
                table(&[Some("C1"), None, Some(first_long)], vec![None, Some(7), Some(1)], vec![april, None, None]),
            ),
            Piece::new(
                1,
                vec![month(2024, 5)],
                table(&[Some("C2"), Some(second_long)], vec![Some(-3), Some(0)], vec![None, None]),
            ),
        ];
        let frame = stack(&config, &pieces).expect("stacked");
        let text = frame.column("CHILD").unwrap().str().unwrap().iter().collect::<Vec<_>>();
        assert_eq!(text, [Some("C1"), None, Some(first_long), Some("C2"), Some(second_long)]);
        let numbers = frame.column("N").unwrap().i64().unwrap().iter().collect::<Vec<_>>();
        assert_eq!(numbers, [None, Some(7), Some(1), Some(-3), Some(0)]);
        let dates = frame.column("D").unwrap();
        assert_eq!(dates.dtype(), &DataType::Date);
        let days = dates.cast(&DataType::Int32).unwrap().i32().unwrap().iter().collect::<Vec<_>>();
        assert_eq!(days, [Some(19818), None, None, None, None]);
        let periods = frame.column(PERIOD).unwrap().i32().unwrap().into_no_null_iter().collect::<Vec<_>>();
        assert_eq!(periods, [24291, 24291, 24291, 24292, 24292]);
        let members = frame.column(AUTHORITY).unwrap().i32().unwrap().into_no_null_iter().collect::<Vec<_>>();
        assert_eq!(members, [0, 0, 0, 1, 1]);
        assert_eq!(frame.column("CHILD").unwrap().n_chunks(), 1);
    }

    /// Rows of April and May 2024 (periods 24291 and 24292) get their
    /// month's bounds; March (before the first window) and July (past the
    /// last) get blanks. 2024-04-01 is day 19814 from 1970-01-01 (54 years
    /// with 13 leap days is 19723 days, then 91), 2024-04-30 day 19843,
    /// 2024-05-01 day 19844 and 2024-05-31 day 19874.
    #[test]
    fn window_columns_are_each_rows_months_bounds() {
        let day = |month: u32, day: u32| NaiveDate::from_ymd_opt(2024, month, day).expect("a date");
        let window = |number: u32, last: u32| PeriodWindow {
            period: month(2024, number),
            period_start: day(number, 1),
            period_end: day(number, last),
            window_start: day(number, 1),
            window_end: day(number, last),
        };
        let rows = df!(PERIOD => [24290i32, 24291, 24292, 24294]).expect("a frame");
        let with =
            rows.lazy().with_columns(window_columns(&[window(4, 30), window(5, 31)])).collect().expect("looked up");
        let days = |name: &str| {
            let column = with.column(name).unwrap();
            assert_eq!(column.dtype(), &DataType::Date);
            column.cast(&DataType::Int32).unwrap().i32().unwrap().iter().collect::<Vec<_>>()
        };
        assert_eq!(days("period_start"), [None, Some(19814), Some(19844), None]);
        assert_eq!(days("window_end"), [None, Some(19843), Some(19874), None]);
        // Every period known, in runs (filled run by run): April, April, May, April.
        let rows = df!(PERIOD => [24291i32, 24291, 24292, 24291]).expect("a frame");
        let with = rows.lazy().with_columns(window_columns(&[window(4, 30), window(5, 31)])).collect().expect("filled");
        let starts = with.column("period_start").unwrap().cast(&DataType::Int32).unwrap();
        let starts: Vec<Option<i32>> = starts.i32().unwrap().iter().collect();
        assert_eq!(starts, [Some(19814), Some(19814), Some(19844), Some(19814)]);
    }

    /// No extracts: no rows, but every declared column with its type.
    #[test]
    fn no_pieces_is_an_empty_frame_of_the_declared_types() {
        let config: DatasetConfig =
            toml::from_str("layout = \"monthly\"\nfile = \"x.csv\"\ncolumns = { D = \"date\", F = \"boolean\" }")
                .expect("a dataset");
        let frame = stack(&config, &[]).expect("stacked");
        let types: Vec<DataType> = frame.dtypes();
        assert_eq!(types, [DataType::Date, DataType::Boolean, DataType::Int32, DataType::Int32]);
        assert_eq!(frame.height(), 0);
    }
}
