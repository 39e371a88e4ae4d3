//! Text as published holds no control characters. A NUL or a bell in a
//! team name, a title or a commentary line (pasted from another system, or
//! hostile) is invisible on the page, makes an SVG chart invalid XML, and
//! can confuse whatever reads the CSV next. Tabs and line breaks stay.

use std::borrow::Cow;

/// C0 controls but tab, line feed and carriage return; DEL; C1 controls.
fn is_unprintable(character: char) -> bool {
    character.is_control() && !matches!(character, '\t' | '\n' | '\r')
}

/// `text` with every control character but tab and line breaks removed.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    match text.chars().any(is_unprintable) {
        true => Cow::Owned(text.chars().filter(|character| !is_unprintable(*character)).collect()),
        false => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn controls_go_and_tabs_and_line_breaks_stay() {
        assert_eq!(printable("Team\u{0}A\u{7}\u{1b}[31m"), "TeamA[31m");
        assert_eq!(printable("a\u{7f}b\u{85}c\u{9f}"), "abc");
        assert_eq!(printable("line one\r\nline\ttwo"), "line one\r\nline\ttwo");
        assert!(matches!(printable("Team A"), std::borrow::Cow::Borrowed(_)));
    }
}
