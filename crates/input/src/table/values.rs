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

/// A text column as Arrow's string views, the layout the evaluation holds
/// text in: 16 bytes a cell, its length and then the text itself when it is
/// 12 bytes or fewer (an id, a code, a date), else its first 4 bytes and
/// where the rest is in `buffers`. Stacking a dataset's extracts then copies
/// views rather than handing every cell over again (BENCHMARKS.md); a short
/// id takes the 16 bytes its end and text took before.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Texts {
    /// Each cell's view, its bytes in Arrow's little-endian order: length;
    /// then the text, or its prefix, buffer and offset. A blank's is empty.
    views: Vec<[u8; 16]>,
    /// The text of cells longer than `INLINE`; a new buffer starts before
    /// one would pass `u32::MAX` bytes, a view's offset being 32 bits.
    buffers: Vec<String>,
    /// The blank (null) cells, by index, in order.
    blanks: Vec<usize>,
}

/// The longest text a view holds itself.
const INLINE: usize = 12;

/// The view of a cell of at most `INLINE` bytes, which it holds itself,
/// made in registers from two fixed-size reads that may overlap: bytes
/// stored one by one and read back as 16 stalled each push (a quarter of
/// the typer's samples fell on that store), and a call to copy a few bytes
/// cost more than the copy.
#[inline]
fn inline_view(bytes: &[u8]) -> u128 {
    let length = bytes.len();
    let word = |at: usize| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    let long = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or_default());
    // The text as a little-endian number: its first bytes, then the rest
    // taken from the top of the last ones.
    let text: u128 = match length {
        8..=INLINE => u128::from(long(0)) | (u128::from(long(length - 8)) >> (8 * (16 - length)) << 64),
        4..=7 => u128::from(u64::from(word(0)) | (u64::from(word(length - 4)) >> (8 * (8 - length)) << 32)),
        _ => bytes.iter().rev().fold(0, |text, byte| text << 8 | u128::from(*byte)),
    };
    length as u128 | text << 32
}

/// The length of `text`'s longest start of at most `most` bytes that ends
/// between characters.
fn whole_characters(text: &str, most: usize) -> usize {
    match text.len() <= most {
        true => text.len(),
        false => (0..=most).rev().find(|end| text.is_char_boundary(*end)).unwrap_or(0),
    }
}

impl Texts {
    /// Adds a cell; None for a blank.
    #[inline]
    pub fn push(&mut self, text: Option<&str>) {
        // A push in each arm: one shared push kept the view on the stack,
        // stored in halves and read back whole, which stalls.
        match text {
            Some(text) if text.len() <= INLINE => self.views.push(inline_view(text.as_bytes()).to_le_bytes()),
            Some(text) => {
                let view = self.long_view(text);
                self.views.push(view.to_le_bytes());
            }
            None => {
                self.blanks.push(self.views.len());
                self.views.push([0; 16]);
            }
        }
    }

    /// The view of a cell longer than `INLINE`, its text added to the
    /// buffers. No cell comes near 4 GiB (files are at most 2 GiB): a
    /// longer one would keep its first 4 GiB.
    fn long_view(&mut self, text: &str) -> u128 {
        let text = &text[..whole_characters(text, u32::MAX as usize)];
        let (buffer, offset) = self.stored(text);
        let mut view = [0; 16];
        view[..4].copy_from_slice(&(text.len() as u32).to_le_bytes());
        view[4..8].copy_from_slice(&text.as_bytes()[..4]);
        view[8..12].copy_from_slice(&buffer.to_le_bytes());
        view[12..].copy_from_slice(&offset.to_le_bytes());
        u128::from_le_bytes(view)
    }

    /// `text` added to the last buffer, or to a new one when it would pass
    /// 4 GiB: the buffer's index and the offset there.
    fn stored(&mut self, text: &str) -> (u32, u32) {
        let fits = |buffer: &String| buffer.len() + text.len() <= u32::MAX as usize;
        if !self.buffers.last().is_some_and(fits) {
            self.buffers.push(String::new());
        }
        let index = self.buffers.len() - 1;
        let buffer = &mut self.buffers[index];
        let offset = buffer.len() as u32;
        buffer.push_str(text);
        (index as u32, offset)
    }

    /// The number of cells.
    pub fn len(&self) -> usize {
        self.views.len()
    }

    /// True when there are no cells.
    pub fn is_empty(&self) -> bool {
        self.views.is_empty()
    }

    /// Each cell, None for a blank.
    pub fn iter(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        let mut blanks = self.blanks.iter().peekable();
        self.views.iter().enumerate().map(move |(index, view)| match blanks.next_if_eq(&&index) {
            Some(_) => None,
            None => Some(self.text(view)),
        })
    }

    fn text<'a>(&'a self, view: &'a [u8; 16]) -> &'a str {
        let word = |at: usize| u32::from_le_bytes([view[at], view[at + 1], view[at + 2], view[at + 3]]) as usize;
        let length = word(0);
        let bytes = match length <= INLINE {
            true => &view[4..4 + length],
            false => &self.buffers[word(8)].as_bytes()[word(12)..word(12) + length],
        };
        // Whole characters of a `&str`, as `push` copied them.
        std::str::from_utf8(bytes).unwrap_or_default()
    }

    /// The cells as Arrow string views, the buffers counted from
    /// `first_buffer` (those of the columns stacked before this one).
    /// Promised, as the evaluation hands them over unchecked: each view is
    /// of whole characters of a pushed `&str` (so UTF-8), and a long cell's
    /// bytes lie within buffer `first_buffer + i` of `buffers()[i]`.
    pub fn arrow_views(&self, first_buffer: u32) -> impl Iterator<Item = u128> + '_ {
        let moved = u128::from(first_buffer) << 64;
        self.views.iter().map(move |view| {
            let view = u128::from_le_bytes(*view);
            match view as u32 as usize <= INLINE {
                true => view,
                false => view + moved,
            }
        })
    }

    /// The text of the cells longer than 12 bytes, that views point into.
    pub fn buffers(&self) -> &[String] {
        &self.buffers
    }

    /// The blank cells, by index, in order.
    pub fn blanks(&self) -> &[usize] {
        &self.blanks
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Cells of up to 12 bytes are held in their view, longer ones in the
    /// buffer (the second at offset 13, after the first's 13 bytes), blanks
    /// as empty views listed by index; every cell reads back as pushed.
    #[test]
    fn texts_are_arrow_string_views() {
        let cells = [Some("C1"), None, Some("twelve bytes"), Some("thirteen byte"), Some("Chloë, a long id"), Some("")];
        let texts: Texts = cells.into_iter().collect();
        assert_eq!(texts.iter().collect::<Vec<_>>(), cells);
        assert_eq!(texts.len(), 6);
        assert_eq!(texts.blanks(), [1]);
        assert_eq!(texts.buffers(), ["thirteen byteChloë, a long id"]);
        let view = |length: u32, rest: &[u8]| {
            let mut bytes = [0; 16];
            bytes[..4].copy_from_slice(&length.to_le_bytes());
            bytes[4..4 + rest.len()].copy_from_slice(rest);
            u128::from_le_bytes(bytes)
        };
        // A long cell: its first 4 bytes, then buffer and offset as 32-bit little-endian words.
        let long = |length: u32, prefix: &[u8], buffer: u8, offset: u8| {
            view(length, &[prefix, &[buffer, 0, 0, 0], &[offset, 0, 0, 0]].concat())
        };
        let expected =
            [view(2, b"C1"), 0, view(12, b"twelve bytes"), long(13, b"thir", 0, 0), long(17, b"Chlo", 0, 13), 0];
        assert_eq!(texts.arrow_views(0).collect::<Vec<_>>(), expected);
        // Stacked after 2 buffers, the long cells point 2 buffers further; short ones are as they were.
        let moved = [expected[0], 0, expected[2], long(13, b"thir", 2, 0), long(17, b"Chlo", 2, 13), 0];
        assert_eq!(texts.arrow_views(2).collect::<Vec<_>>(), moved);
    }

    /// Every length a view holds itself, and just past it: each cell reads
    /// back, and its view is its length then its bytes, zero-padded.
    #[test]
    fn short_cells_of_every_length_are_held_in_their_view() {
        let alphabet = "abcdefghijklmnopq";
        for length in 0..=16 {
            let text = &alphabet[..length];
            let texts: Texts = [Some(text)].into_iter().collect();
            assert_eq!(texts.iter().collect::<Vec<_>>(), [Some(text)], "{length}");
            let view = texts.arrow_views(0).next().unwrap().to_le_bytes();
            assert_eq!(view[..4], (length as u32).to_le_bytes(), "{length}");
            if length <= 12 {
                let mut padded = [0; 12];
                padded[..length].copy_from_slice(text.as_bytes());
                assert_eq!(view[4..], padded, "{length}");
            }
        }
    }

    /// "£" is 2 bytes: a cut at 1 or 2 bytes keeps nothing or all of it.
    #[test]
    fn cuts_fall_between_characters() {
        assert_eq!(whole_characters("£1", 1), 0);
        assert_eq!(whole_characters("£1", 2), 2);
        assert_eq!(whole_characters("£1", 10), 3);
        assert_eq!(whole_characters("", 10), 0);
    }
}
