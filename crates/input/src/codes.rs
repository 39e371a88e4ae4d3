//! Code lists: the ways an extract writes an answer (`Female`, `b) Female`,
//! `2`) mapped to one code (`F`), per text column, as the project declares
//! (`[datasets.<name>.codes]`). Values that map to nothing are kept as
//! written and counted, with examples, so they are reported, never passed
//! on silently.

use std::collections::{BTreeMap, HashMap};

/// How many different unmapped values a report quotes.
const EXAMPLES: usize = 3;

/// A column's values that are in no code, in one extract.
#[derive(Debug, Clone, PartialEq)]
pub struct Unmapped {
    /// The coded column.
    pub column: String,
    /// Rows holding a value in no code.
    pub rows: usize,
    /// Up to three of the values, as written.
    pub examples: Vec<String>,
}

/// One column's code list, and what did not map.
pub(super) struct CodeList {
    /// Lower-case spelling (codes included) -> code.
    codes: HashMap<String, String>,
    pub unmapped_rows: usize,
    pub examples: Vec<String>,
}

impl CodeList {
    pub(crate) fn new(declared: &BTreeMap<String, Vec<String>>) -> CodeList {
        let mut codes = HashMap::new();
        for (code, spellings) in declared {
            for spelling in spellings.iter().chain(std::iter::once(code)) {
                codes.insert(spelling.trim().to_lowercase(), code.clone());
            }
        }
        CodeList { codes, unmapped_rows: 0, examples: Vec::new() }
    }

    /// The code `text` stands for; None (counted) when it stands for none.
    pub(crate) fn code(&mut self, text: &str) -> Option<&str> {
        match self.codes.get(&text.trim().to_lowercase()) {
            Some(code) => Some(code.as_str()),
            None => {
                self.unmapped_rows += 1;
                if self.examples.len() < EXAMPLES && !self.examples.iter().any(|seen| seen == text) {
                    self.examples.push(text.to_string());
                }
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_map_in_any_case_and_the_rest_are_counted() {
        let declared = BTreeMap::from([
            ("F".to_string(), vec!["Female".to_string(), "b) Female".to_string(), "2".to_string()]),
            ("M".to_string(), vec!["Male".to_string(), "a) Male".to_string(), "1".to_string()]),
        ]);
        let mut list = CodeList::new(&declared);
        for (written, code) in
            [("female", "F"), ("B) FEMALE", "F"), ("2", "F"), ("f", "F"), (" Male ", "M"), ("1", "M")]
        {
            assert_eq!(list.code(written), Some(code), "{written}");
        }
        for unknown in ["Unknown", "9", "Unknown", "U", "X"] {
            assert_eq!(list.code(unknown), None);
        }
        assert_eq!(list.unmapped_rows, 5);
        assert_eq!(list.examples, ["Unknown", "9", "U"]);
    }
}
