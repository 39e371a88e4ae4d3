//! Typed extract tables into polars frames, stacked over periods.

use super::columns::{days_since_epoch, period_index, polars_type, AUTHORITY, PERIOD};
use super::failure::EvaluateError;
use crate::input::{Day, Table, Values};
use crate::language::window::PeriodWindow;
use crate::project::{DatasetConfig, Layout, Month};
use chrono::NaiveDate;
use polars::prelude::*;

fn column(name: &str, values: &Values) -> PolarsResult<Column> {
    let name: PlSmallStr = name.into();
    let series = match values {
        Values::Text(texts) => StringChunked::from_iter_options(name, texts.iter()).into_series(),
        Values::Integer(v) => Series::new(name, v),
        Values::Number(v) => Series::new(name, v),
        Values::Boolean(v) => Series::new(name, v),
        Values::Date(v) => {
            let days = Int32Chunked::from_iter_options(name, v.iter().map(|day| day.map(Day::days)));
            days.into_date().into_series()
        }
    };
    Ok(series.into())
}

/// One extract's rows as a frame, tagged with its authority and period(s).
/// Made as soon as a file is read, so that the text cells' strings are
/// freed file by file rather than all held until the end.
pub(crate) struct Piece(DataFrame);

impl Piece {
    /// `periods` has one month for a monthly extract, or one per row.
    pub(crate) fn new(member: usize, periods: &[Month], table: Table) -> Result<Piece, EvaluateError> {
        let frame = || -> PolarsResult<DataFrame> {
            let mut columns =
                table.columns.iter().map(|(name, values)| column(name, values)).collect::<PolarsResult<Vec<_>>>()?;
            let periods = match periods {
                [single] => Column::new_scalar(PERIOD.into(), Scalar::from(period_index(*single)), table.rows),
                many => Series::new(PERIOD.into(), many.iter().map(|p| period_index(*p)).collect::<Vec<_>>()).into(),
            };
            columns.push(periods);
            columns.push(Column::new_scalar(AUTHORITY.into(), Scalar::from(member as i32), table.rows));
            DataFrame::new(table.rows, columns)
        };
        Ok(frame().map(Piece)?)
    }
}

/// One frame holding every authority's and period's rows.
fn stack(config: &DatasetConfig, pieces: Vec<Piece>) -> PolarsResult<DataFrame> {
    if pieces.is_empty() {
        let mut schema = Schema::default();
        for (name, kind) in config.column_types() {
            schema.insert(name.into(), polars_type(kind));
        }
        schema.insert(PERIOD.into(), DataType::Int32);
        schema.insert(AUTHORITY.into(), DataType::Int32);
        return Ok(DataFrame::empty_with_schema(&schema));
    }
    let frames: Vec<LazyFrame> = pieces.into_iter().map(|piece| piece.0.lazy()).collect();
    let mut frame = concat(frames, UnionArgs::default())?.collect()?;
    // One chunk per column, once, as the frame is read: every indicator
    // over it would otherwise walk (or copy together again) the chunks of
    // hundreds of extracts in its sorts, lookups and groupings.
    frame.rechunk_mut_par();
    Ok(frame)
}

/// The window columns (`period_start`, `period_end`, `window_start`,
/// `window_end`) of each row, looked up by its period's position among
/// `windows` (consecutive months, covering every row's period; a row of
/// any other period would get blank bounds): cheaper than joining a table
/// of windows, which copies every column of every row.
pub(crate) fn window_columns(windows: &[PeriodWindow]) -> Vec<Expr> {
    let first = windows.first().map_or(0, |window| period_index(window.period));
    let position = (col(PERIOD) - lit(first)).cast(IDX_DTYPE);
    let column = |name: &str, pick: fn(&PeriodWindow) -> NaiveDate| {
        let dates: Vec<i32> = windows.iter().map(|window| days_since_epoch(pick(window))).collect();
        lit(Series::new(name.into(), dates)).gather(position.clone(), true).cast(DataType::Date).alias(name)
    };
    vec![
        column("period_start", |w| w.period_start),
        column("period_end", |w| w.period_end),
        column("window_start", |w| w.window_start),
        column("window_end", |w| w.window_end),
    ]
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

    pub(crate) fn new(config: &DatasetConfig, pieces: Vec<Piece>) -> Result<Stacked, EvaluateError> {
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
