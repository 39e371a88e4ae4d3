//! The typeface of every rendered file: DejaVu Sans compiled into the
//! binary, so charts and the PDF look the same on a server with no fonts.
//! Text is measured with the shaper the PDF writer uses (rustybuzz), so a
//! line that is measured to fit does fit.

use super::memo::Memo;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

pub(super) const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
pub(super) const BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Weight {
    Regular,
    Bold,
}

impl Weight {
    pub(super) fn bytes(self) -> &'static [u8] {
        match self {
            Weight::Regular => REGULAR,
            Weight::Bold => BOLD,
        }
    }
}

struct Face {
    face: rustybuzz::Face<'static>,
    units_per_em: f32,
}

fn face(weight: Weight) -> &'static Face {
    static REGULAR_FACE: OnceLock<Face> = OnceLock::new();
    static BOLD_FACE: OnceLock<Face> = OnceLock::new();
    let cell = match weight {
        Weight::Regular => &REGULAR_FACE,
        Weight::Bold => &BOLD_FACE,
    };
    cell.get_or_init(|| {
        // A known-good font compiled into the binary: parsing it cannot fail.
        let face = rustybuzz::Face::from_slice(weight.bytes(), 0).expect("the bundled DejaVu font parses");
        Face { units_per_em: face.units_per_em() as f32, face }
    })
}

/// The characters of `text` that DejaVu Sans has no glyph for (CJK,
/// emoji...), in order, each once: the PDF draws them as empty boxes.
pub(super) fn without_glyph(text: &str) -> Vec<char> {
    let face = &face(Weight::Regular).face;
    let mut missing: Vec<char> = text.chars().filter(|c| !c.is_control() && face.glyph_index(*c).is_none()).collect();
    missing.sort_unstable();
    missing.dedup();
    missing
}

/// Stands in for a character the embedded font lacks: a tagged PDF/UA-1
/// file may not show the font's empty ".notdef" glyph.
const STAND_IN: char = '\u{25A1}';

/// `text` as the PDF sets it: control characters left out, and each
/// character DejaVu Sans lacks (CJK, later emoji) shown as a white square,
/// which the build's warning names (`without_glyph`).
pub(super) fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let face = &face(Weight::Regular).face;
    if text.chars().all(|c| !c.is_control() && face.glyph_index(c).is_some()) {
        return std::borrow::Cow::Borrowed(text);
    }
    let shown = text.chars().filter(|c| !c.is_control());
    std::borrow::Cow::Owned(shown.map(|c| if face.glyph_index(c).is_some() { c } else { STAND_IN }).collect())
}

/// Width in points of `text` set in `weight` at `size` points: the sum of
/// its words' advances and the spaces between them (DejaVu does not kern
/// across a space). Each word is shaped once and remembered for every thread, in
/// font units, since a pack sets the same words many times.
pub(super) fn width(text: &str, weight: Weight, size: f32) -> f32 {
    in_points(advance(text, weight), weight, size)
}

/// `text`'s advance in font units: its words' and its spaces'.
fn advance(text: &str, weight: Weight) -> i64 {
    let words: i64 = text.split(' ').map(|word| word_advance(word, weight)).sum();
    words + text.matches(' ').count() as i64 * word_advance(" ", weight)
}

/// An advance in font units, in points at `size`.
fn in_points(advance: i64, weight: Weight, size: f32) -> f32 {
    advance as f32 / face(weight).units_per_em * size
}

fn word_advance(word: &str, weight: Weight) -> i64 {
    static REGULAR: Memo<String, i64> = Memo::new(1 << 16);
    static BOLD: Memo<String, i64> = Memo::new(1 << 16);
    if word.is_empty() {
        return 0;
    }
    let advances = match weight {
        Weight::Regular => &REGULAR,
        Weight::Bold => &BOLD,
    };
    advances.get_or_make_borrowed(word, || shaped_advance(word, weight))
}

fn shaped_advance(text: &str, weight: Weight) -> i64 {
    shaped(text, weight).glyph_positions().iter().map(|position| position.x_advance as i64).sum()
}

/// `text` shaped left to right with the shaping plan (the font's features
/// for the script) made once per thread, not once per string: a plan per
/// string was about a sixth of the 66-page full pack's time.
fn shaped(text: &str, weight: Weight) -> rustybuzz::GlyphBuffer {
    type Plans = HashMap<(Weight, String), Rc<rustybuzz::ShapePlan>>;
    thread_local! {
        static PLANS: RefCell<Plans> = Default::default();
    }
    let face = &face(weight).face;
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.set_direction(rustybuzz::Direction::LeftToRight);
    buffer.guess_segment_properties();
    let key = (weight, format!("{:?}", buffer.script()));
    let plan = PLANS.with(|plans| {
        let make = || rustybuzz::ShapePlan::new(face, buffer.direction(), Some(buffer.script()), None, &[]);
        plans.borrow_mut().entry(key).or_insert_with(|| Rc::new(make())).clone()
    });
    rustybuzz::shape_with_plan(face, &plan, buffer)
}

/// `text` shaped for the PDF writer, each glyph with its advance and
/// offsets in ems and the bytes of `text` it stands for: what krilla's
/// `draw_text` works out, but kept (month names, ratings and headings
/// repeat on every page: the 66-page full pack took a sixth less).
pub(super) fn glyphs(text: &str, weight: Weight) -> Arc<[krilla::text::KrillaGlyph]> {
    static SHAPED: Memo<(Weight, String), Arc<[krilla::text::KrillaGlyph]>> = Memo::new(8192);
    SHAPED.get_or_make((weight, text.to_string()), || shaped_glyphs(text, weight).into())
}

fn shaped_glyphs(text: &str, weight: Weight) -> Vec<krilla::text::KrillaGlyph> {
    let units_per_em = face(weight).units_per_em;
    let shaped = shaped(text, weight);
    let (infos, positions) = (shaped.glyph_infos(), shaped.glyph_positions());
    let ems = |units: i32| units as f32 / units_per_em;
    (0..infos.len())
        .map(|index| {
            let start = infos[index].cluster as usize;
            // A cluster runs to the next glyph of another cluster.
            let end = infos[index..]
                .iter()
                .find(|info| info.cluster as usize != start)
                .map_or(text.len(), |info| info.cluster as usize);
            let position = positions[index];
            krilla::text::KrillaGlyph::new(
                krilla::text::GlyphId::new(infos[index].glyph_id),
                ems(position.x_advance),
                ems(position.x_offset),
                ems(position.y_offset),
                ems(position.y_advance),
                start..end,
                None,
            )
        })
        .collect()
}

/// Distance from the baseline up to the top of the tallest letters, and
/// down to the lowest descender (positive), at `size` points.
pub(super) fn ascent_descent(weight: Weight, size: f32) -> (f32, f32) {
    let Face { face, units_per_em } = face(weight);
    (face.ascender() as f32 / units_per_em * size, -(face.descender() as f32) / units_per_em * size)
}

/// `text` broken into lines no wider than `max_width` points, at spaces
/// where possible; a word wider than a line is broken between letters.
/// Explicit newlines start new lines.
pub(super) fn wrap(text: &str, weight: Weight, size: f32, max_width: f32) -> Vec<String> {
    let space = word_advance(" ", weight);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        // The line's advance so far, added to word by word (in whole font
        // units, so exactly `advance(line)`): measuring the line again for
        // every word made wrapping quadratic in the line's words.
        let mut line_advance = 0;
        for word in paragraph.split_whitespace() {
            let with_word = match line.is_empty() {
                true => word_advance(word, weight),
                false => line_advance + space + word_advance(word, weight),
            };
            if in_points(with_word, weight, size) <= max_width {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
                line_advance = with_word;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            line = break_word(word, weight, size, max_width, &mut lines);
            line_advance = advance(&line, weight);
        }
        lines.push(line);
    }
    lines
}

/// Pushes the full-width pieces of a word too long for a line; returns the rest.
fn break_word(word: &str, weight: Weight, size: f32, max_width: f32, lines: &mut Vec<String>) -> String {
    let mut piece = String::new();
    for letter in word.chars() {
        piece.push(letter);
        if width(&piece, weight, size) > max_width && piece.chars().count() > 1 {
            piece.pop();
            lines.push(std::mem::take(&mut piece));
            piece.push(letter);
        }
    }
    piece
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_dejavu_lacks_are_found_once_each() {
        // DejaVu Sans covers Latin, Greek, Cyrillic and the pound sign; not
        // CJK ideographs or emoji.
        assert_eq!(without_glyph("Équipe Nord: £5, Ωμέγα, Ёж"), Vec::<char>::new());
        // It has the emoticons (U+1F600), not the later emoji such as 🦀 (U+1F980).
        assert_eq!(without_glyph("团队 A 😀 🦀 团"), vec!['团', '队', '🦀']);
    }

    /// Control characters are left out; a character DejaVu lacks is a white
    /// square, which both weights have; text it can set is untouched.
    #[test]
    fn the_pdf_sets_only_characters_the_font_has() {
        assert_eq!(printable("北区 team\u{7}: two\u{1b} leavers"), "\u{25A1}\u{25A1} team: two leavers");
        assert!(matches!(printable("Team A: 62.2%"), std::borrow::Cow::Borrowed(_)));
        for weight in [Weight::Regular, Weight::Bold] {
            assert!(face(weight).face.glyph_index(STAND_IN).is_some());
        }
    }

    #[test]
    fn widths_follow_the_font_metrics() {
        // DejaVu Sans: 2048 units per em; "0" advances 1303 units, space 651.
        // At 10 pt, "00" is 2 * 1303 / 2048 * 10 = 12.72 pt.
        approx::assert_relative_eq!(width("00", Weight::Regular, 10.0), 2.0 * 1303.0 / 2048.0 * 10.0, epsilon = 1e-4);
        approx::assert_relative_eq!(
            width("0 0", Weight::Regular, 10.0),
            (2.0 * 1303.0 + 651.0) / 2048.0 * 10.0,
            epsilon = 1e-4
        );
        assert!(width("Bold", Weight::Bold, 10.0) > width("Bold", Weight::Regular, 10.0));
    }

    #[test]
    fn wrapping_keeps_lines_within_the_width_and_every_word() {
        let text = "Re-referrals within 12 months of a previous referral, as a share of all referrals";
        let lines = wrap(text, Weight::Regular, 9.0, 120.0);
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|line| width(line, Weight::Regular, 9.0) <= 120.0));
        assert_eq!(lines.join(" "), text);
        // A word longer than the line is split between letters, losing none.
        let long = "a".repeat(80);
        let pieces = wrap(&long, Weight::Regular, 9.0, 50.0);
        assert!(pieces.len() > 1 && pieces.concat() == long);
        assert_eq!(wrap("first\nsecond", Weight::Regular, 9.0, 500.0), ["first", "second"]);
    }
}
