//! The fast CSV splitter: a file's records found by the positions of its
//! commas, line feeds and quotes, 64 bytes at a time.

use crate::diagnostics::Diagnostics;

/// Whether the fast splitter read every record of a file.
#[derive(Debug, PartialEq)]
pub(super) enum Split {
    Done,
    /// It met a quote it does not read as the csv crate would.
    Irregular,
}

/// One record as the splitter gives it: the line it starts on (as a byte
/// offset), its leading fields (all of them, or as many as the reader
/// asked for), and how many fields it has in all.
pub(super) struct Record<'r, 'a> {
    pub line_start: usize,
    pub fields: &'r [&'a str],
    pub count: usize,
}

/// Each record of a file with simple line ends. Empty lines are skipped,
/// as the csv crate skips them; a line's `\r\n` ends it like a `\n`. A
/// field may be quoted if it has no quote inside and its closing quote
/// ends it. `each` says how many leading fields it wants of the records
/// after the one it is given (the header's columns in use): past them,
/// the rest of a line is passed over to its line feed, its commas only
/// counted. While a quote is in the rest, or the fields so far are all
/// blank (a blank line of commas), the splitting goes on field by field.
/// Referrals use 3 of their 8 fields: most of their commas are then never visited.
pub(super) fn for_each_simple_record<'a>(
    text: &'a str,
    mut each: impl FnMut(Record<'_, 'a>) -> Result<usize, Diagnostics>,
) -> Result<Split, Diagnostics> {
    let bytes = text.as_bytes();
    let mut fields: Vec<&str> = Vec::new();
    let (mut line_start, mut field_start) = (0, 0);
    let mut wanted = usize::MAX;
    // The text inside the quotes of the field being read, if it is quoted.
    let mut quoted: Option<&str> = None;
    let mut specials = Specials::new(bytes);
    // A last line without a line feed ends at the end of the file.
    let mut unterminated = !text.ends_with('\n');
    let blank = |field: &&str| field.trim_ascii().is_empty();
    loop {
        let at = match specials.next() {
            // Most specials are commas ending an unquoted field.
            Some((at, true)) if quoted.is_none() => {
                // SAFETY: `field_start` is 0 or just after an ASCII byte, and
                // `at` is at an ASCII comma: both are character boundaries.
                fields.push(unsafe { text.get_unchecked(field_start..at) });
                field_start = at + 1;
                if fields.len() < wanted || fields.iter().all(blank) {
                    continue;
                }
                let Some((end, commas)) = specials.rest_of_line() else { continue };
                // The fields passed over: one more than the commas between them.
                wanted = each(Record { line_start, fields: &fields, count: fields.len() + commas + 1 })?;
                fields.clear();
                (line_start, field_start) = (end + 1, end + 1);
                unterminated &= end < bytes.len();
                continue;
            }
            Some((at, _)) => at,
            None if std::mem::take(&mut unterminated) => bytes.len(),
            None => break,
        };
        if bytes.get(at) == Some(&b'"') {
            if at != field_start || quoted.is_some() {
                return Ok(Split::Irregular);
            }
            let Some(close) = memchr::memchr(b'"', &bytes[at + 1..]).map(|length| at + 1 + length) else {
                return Ok(Split::Irregular);
            };
            if !matches!(&bytes[close + 1..], [] | [b',' | b'\n', ..] | [b'\r', b'\n', ..]) {
                return Ok(Split::Irregular);
            }
            quoted = Some(&text[at + 1..close]);
            specials.skip_to(close + 1);
            continue;
        }
        let line_ends = bytes.get(at).is_none_or(|byte| *byte == b'\n');
        let end = if line_ends && at > field_start && bytes[at - 1] == b'\r' { at - 1 } else { at };
        let empty_line = line_ends && fields.is_empty() && quoted.is_none() && end == line_start;
        fields.push(quoted.take().unwrap_or_else(|| &text[field_start..end]));
        field_start = at + 1;
        if line_ends {
            if !empty_line {
                wanted = each(Record { line_start, fields: &fields, count: fields.len() })?;
            }
            fields.clear();
            line_start = at + 1;
        }
    }
    Ok(Split::Done)
}

/// The positions of the bytes that split a CSV file (comma, line feed,
/// quote) in order, found 64 bytes at a time as a mask of bits: three
/// times quicker than memchr's search, which restarts at every field of
/// a few bytes (BENCHMARKS.md).
struct Specials<'a> {
    bytes: &'a [u8],
    /// Where the current block of 64 starts.
    block: usize,
    /// The block's special bytes not yet returned, one bit each.
    mask: u64,
    /// The block's commas, one bit each.
    commas: u64,
}

impl<'a> Specials<'a> {
    fn new(bytes: &'a [u8]) -> Specials<'a> {
        let (mask, commas) = masks_at(bytes, 0);
        Specials { bytes, block: 0, mask, commas }
    }

    /// The next special's position, and whether it is a comma.
    fn next(&mut self) -> Option<(usize, bool)> {
        while self.mask == 0 {
            self.block += 64;
            if self.block >= self.bytes.len() {
                return None;
            }
            (self.mask, self.commas) = masks_at(self.bytes, self.block);
        }
        let bit = self.mask & self.mask.wrapping_neg();
        self.mask ^= bit;
        Some((self.block + bit.trailing_zeros() as usize, self.commas & bit != 0))
    }

    /// Passes over the rest of the current line: where its line feed is
    /// (or the end of the file), and how many commas come before it. None,
    /// and nothing passed over, when a quote comes first.
    fn rest_of_line(&mut self) -> Option<(usize, usize)> {
        let (mut block, mut mask, mut commas) = (self.block, self.mask, self.commas);
        let mut counted = 0;
        loop {
            let others = mask & !commas;
            if others != 0 {
                let bit = others & others.wrapping_neg();
                let at = block + bit.trailing_zeros() as usize;
                if self.bytes[at] == b'"' {
                    return None;
                }
                counted += (mask & commas & (bit - 1)).count_ones() as usize;
                // Past the line feed: the specials after it are still to come.
                (self.block, self.mask, self.commas) = (block, mask & !(bit | (bit - 1)), commas);
                return Some((at, counted));
            }
            counted += (mask & commas).count_ones() as usize;
            block += 64;
            if block >= self.bytes.len() {
                (self.block, self.mask) = (block, 0);
                return Some((self.bytes.len(), counted));
            }
            (mask, commas) = masks_at(self.bytes, block);
        }
    }

    /// Go on from `at`: the specials before it are passed over.
    fn skip_to(&mut self, at: usize) {
        let block = at - at % 64;
        if block != self.block {
            self.block = block;
            (self.mask, self.commas) = masks_at(self.bytes, block);
        }
        self.mask &= u64::MAX << (at % 64);
    }
}

/// The masks (specials, commas) of the 64 bytes from `start`; past the end
/// counts as no special.
fn masks_at(bytes: &[u8], start: usize) -> (u64, u64) {
    match bytes.get(start..start + 64) {
        Some(block) => block_masks(block.try_into().expect("64 bytes")),
        None => {
            let mut block = [0; 64];
            let rest = bytes.get(start..).unwrap_or_default();
            block[..rest.len()].copy_from_slice(rest);
            block_masks(&block)
        }
    }
}

/// One bit for each comma, line feed or quote among 64 bytes, and one for
/// each comma, compared 16 at a time (SSE2, which every x86-64 processor has).
#[cfg(target_arch = "x86_64")]
fn block_masks(block: &[u8; 64]) -> (u64, u64) {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};
    let (mut mask, mut commas) = (0, 0);
    for (part, sixteen) in block.chunks_exact(16).enumerate() {
        // SAFETY: SSE2 is part of the x86-64 baseline, so these instructions
        // exist; the load reads the 16 bytes of `sixteen` (unaligned is allowed).
        let (found, comma) = unsafe {
            let bytes = _mm_loadu_si128(sixteen.as_ptr().cast());
            let comma = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b',' as i8));
            let line_feed = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'\n' as i8));
            let quote = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'"' as i8));
            let found = _mm_or_si128(_mm_or_si128(comma, line_feed), quote);
            (_mm_movemask_epi8(found), _mm_movemask_epi8(comma))
        };
        mask |= u64::from(found as u16) << (16 * part);
        commas |= u64::from(comma as u16) << (16 * part);
    }
    (mask, commas)
}

#[cfg(not(target_arch = "x86_64"))]
fn block_masks(block: &[u8; 64]) -> (u64, u64) {
    scalar_block_masks(block)
}

/// The same masks a byte at a time: the splitter on other processors, and
/// compiled in tests everywhere, so x86 CI checks the SSE2 one against it.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn scalar_block_masks(block: &[u8; 64]) -> (u64, u64) {
    let bits = |wanted: &dyn Fn(u8) -> bool| {
        block.iter().enumerate().fold(0, |mask, (index, byte)| mask | u64::from(wanted(*byte)) << index)
    };
    (bits(&|byte| matches!(byte, b',' | b'\n' | b'"')), bits(&|byte| byte == b','))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte value at every place of a block, and blocks of random
    /// bytes salted with the specials: SSE2's masks (on x86) are the
    /// byte-at-a-time ones.
    #[test]
    fn the_block_masks_are_the_scalar_ones() {
        let mut blocks = Vec::new();
        for value in 0..=255u8 {
            for at in [0, 15, 16, 31, 47, 63] {
                let mut block = [b'a'; 64];
                block[at] = value;
                blocks.push(block);
            }
        }
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..500 {
            let mut block = [0u8; 64];
            for byte in &mut block {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                *byte = [b',', b'\n', b'"', (seed >> 24) as u8][(seed % 4) as usize];
            }
            blocks.push(block);
        }
        for block in &blocks {
            assert_eq!(block_masks(block), scalar_block_masks(block), "{block:?}");
        }
        // A comma at 1 and a quote at 63: the bits are where the bytes are.
        let mut block = [b'x'; 64];
        (block[1], block[63]) = (b',', b'"');
        assert_eq!(scalar_block_masks(&block), (1 << 1 | 1 << 63, 1 << 1));
    }

    /// Every comma, line feed and quote, in order, over several blocks and
    /// a part block, and from where a skip lands; no other byte; commas told apart.
    #[test]
    fn specials_are_every_comma_line_feed_and_quote() {
        let bytes: Vec<u8> = (0..300u32).map(|n| b"ab,\n\"x\r,,z"[(n * 7 + n / 5) as usize % 10]).collect();
        let wanted = |from: usize| -> Vec<usize> {
            (from..bytes.len()).filter(|at| matches!(bytes[*at], b',' | b'\n' | b'"')).collect()
        };
        let found = |specials: &mut Specials| -> Vec<usize> {
            std::iter::from_fn(|| specials.next())
                .map(|(at, comma)| {
                    assert_eq!(comma, bytes[at] == b',', "at {at}");
                    at
                })
                .collect()
        };
        assert_eq!(found(&mut Specials::new(&bytes)), wanted(0));
        for from in [1, 63, 64, 65, 128, 200, 299, 300] {
            let mut specials = Specials::new(&bytes);
            specials.skip_to(from);
            assert_eq!(found(&mut specials), wanted(from), "{from}");
        }
    }

    /// Every record the splitter gives, wanting `wanted` fields of each
    /// after the header: line start, fields given, fields in all.
    fn records(text: &str, wanted: usize) -> (Split, Vec<(usize, Vec<String>, usize)>) {
        let mut records = Vec::new();
        let split = for_each_simple_record(text, |record| {
            records.push((
                record.line_start,
                record.fields.iter().map(|field| field.to_string()).collect(),
                record.count,
            ));
            Ok(wanted)
        });
        (split.expect("no record refused"), records)
    }

    /// With one field wanted, the rest of each line is passed over and its
    /// fields counted: "a,<100 x>,b,c" has 4 fields over two blocks. A
    /// quote after the wanted field, or a blank wanted field, keeps the
    /// splitting going field by field until a later field's comma: after
    /// the quoted "r,s" and `t`, after the blank and the 100 x's. The last
    /// line has no line feed. Lines start at 0, 12, 12 + 107, + 12, + 104.
    #[test]
    fn fields_after_those_wanted_are_counted_not_split() {
        let long = "x".repeat(100);
        let text = format!("H1,H2,H3,H4\na,{long},b,c\nq,\"r,s\",t,u\n,{long},,\nz,1,2,3");
        let (split, records) = records(&text, 1);
        assert_eq!(split, Split::Done);
        let lengths = |fields: &Vec<String>| fields.iter().map(String::len).collect::<Vec<_>>();
        let records: Vec<_> = records.iter().map(|(start, fields, count)| (*start, lengths(fields), *count)).collect();
        let (second, third) = (12, 12 + 107);
        let (fourth, fifth) = (third + 12, third + 12 + 104);
        assert_eq!(
            records,
            [
                (0, vec![2, 2, 2, 2], 4),
                (second, vec![1], 4),
                (third, vec![1, 3, 1], 4),
                (fourth, vec![0, 100], 4),
                (fifth, vec![1], 4),
            ]
        );
    }

    /// Quoted fields over the 64-byte blocks the splitter works in.
    #[test]
    fn quoted_fields_across_blocks_are_read_whole() {
        let long = "x".repeat(150);
        let text = format!("CHILD,N\n\"{long},a\",1\nC2,\"2\"\n");
        let (split, records) = records(&text, usize::MAX);
        assert_eq!(split, Split::Done);
        let fields: Vec<&Vec<String>> = records.iter().map(|(_, fields, _)| fields).collect();
        assert_eq!(fields, [&vec!["CHILD", "N"], &vec![&format!("{long},a"), "1"], &vec!["C2", "2"]]);
    }
}
