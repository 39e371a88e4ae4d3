//! A table's column buffers: one typed vector per declared column, text
//! held in one buffer per column.

use crate::day::Day;
use crate::project::ColumnType;

/// One column's values, typed as the project declares it; None is a blank cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// Text, in one buffer.
    Text(Texts),
    /// Whole numbers.
    Integer(Vec<Option<i64>>),
    /// Numbers.
    Number(Vec<Option<f64>>),
    /// Dates.
    Date(Vec<Option<Day>>),
    /// True or false.
    Boolean(Vec<Option<bool>>),
}

/// A text column in one buffer: a string per cell would be millions of
/// small allocations for a consortium's extracts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Texts {
    buffer: String,
    /// Where each cell ends in `buffer`, with `BLANK` set for a blank
    /// (null) cell: 8 bytes a cell where an `Option<usize>` takes 16, and a
    /// group's extracts are held as read until their frames are built.
    ends: Vec<usize>,
}

/// The bit of an end marking a blank cell: no buffer comes near 2^63 bytes.
const BLANK: usize = 1 << (usize::BITS - 1);

impl Texts {
    /// Adds a cell; None for a blank.
    pub fn push(&mut self, text: Option<&str>) {
        self.buffer.push_str(text.unwrap_or_default());
        self.ends.push(if text.is_some() { self.buffer.len() } else { self.buffer.len() | BLANK });
    }

    /// The number of cells.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there are no cells.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Each cell, None for a blank.
    pub fn iter(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let text = &self.buffer[start..end & !BLANK];
            start = end & !BLANK;
            (end & BLANK == 0).then_some(text)
        })
    }
}

impl<'a> FromIterator<Option<&'a str>> for Texts {
    fn from_iter<I: IntoIterator<Item = Option<&'a str>>>(cells: I) -> Texts {
        let mut texts = Texts::default();
        cells.into_iter().for_each(|cell| texts.push(cell));
        texts
    }
}

impl Values {
    pub(super) fn new(kind: ColumnType) -> Values {
        match kind {
            ColumnType::Text => Values::Text(Texts::default()),
            ColumnType::Integer => Values::Integer(Vec::new()),
            ColumnType::Number => Values::Number(Vec::new()),
            ColumnType::Date => Values::Date(Vec::new()),
            ColumnType::Boolean => Values::Boolean(Vec::new()),
        }
    }

    /// The number of cells.
    pub fn len(&self) -> usize {
        match self {
            Values::Text(v) => v.len(),
            Values::Integer(v) => v.len(),
            Values::Number(v) => v.len(),
            Values::Date(v) => v.len(),
            Values::Boolean(v) => v.len(),
        }
    }

    /// True when there are no cells.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A blank cell (a null marker): nothing is parsed.
    pub(super) fn push_null(&mut self) {
        match self {
            Values::Text(v) => v.push(None),
            Values::Integer(v) => v.push(None),
            Values::Number(v) => v.push(None),
            Values::Date(v) => v.push(None),
            Values::Boolean(v) => v.push(None),
        }
    }
}
