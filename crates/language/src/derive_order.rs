//! The order derived columns are computed in: each after the derived
//! columns its expression names (in file order otherwise), so a `derive`
//! may use another; derived columns that name each other are an error at
//! the first of them, naming the whole cycle.

use super::indicator::{Derived, Indicator};
use crate::diagnostics::{Diagnostic, SourceFile};
use std::collections::BTreeSet;
use toml::Spanned;

/// The derived columns' names in the order to compute them.
pub(super) fn derive_order(indicator: &Indicator, source: &SourceFile) -> Result<Vec<String>, Diagnostic> {
    let mut pending: Vec<(&String, &Spanned<Derived>)> = indicator.derive.iter().collect();
    pending.sort_by_key(|(_, derived)| derived.span().start);
    let derived_names: BTreeSet<&str> = pending.iter().map(|(name, _)| name.as_str()).collect();
    let needs = |derived: &Derived| -> BTreeSet<String> {
        names_used(derived).into_iter().filter(|name| derived_names.contains(name.as_str())).collect()
    };
    let mut order: Vec<String> = Vec::new();
    while !pending.is_empty() {
        let ready =
            pending.iter().position(|(_, derived)| needs(derived.get_ref()).iter().all(|name| order.contains(name)));
        match ready {
            Some(index) => order.push(pending.remove(index).0.clone()),
            None => return Err(cycle_error(source, &pending, &needs)),
        }
    }
    Ok(order)
}

/// The error for derived columns none of which can come first: the cycle
/// followed from the first in the file.
fn cycle_error(
    source: &SourceFile,
    pending: &[(&String, &Spanned<Derived>)],
    needs: &dyn Fn(&Derived) -> BTreeSet<String>,
) -> Diagnostic {
    let find = |name: &str| pending.iter().find(|(found, _)| found.as_str() == name);
    let (first, derived) = pending[0];
    let mut path = vec![first.clone()];
    let mut current = derived.get_ref();
    while let Some(next) = needs(current).into_iter().find(|name| find(name).is_some()) {
        let closes = path.contains(&next);
        path.push(next.clone());
        if closes {
            break;
        }
        current = find(&next).expect("pending").1.get_ref();
    }
    let start = path.iter().position(|name| Some(name) == path.last()).unwrap_or(0);
    let cycle = path[start..].join(" -> ");
    let span = derived.span();
    source
        .error(span, format!("derived columns refer to each other in a circle: {cycle}"), "in this circle")
        .with_help("a derived column may use columns derived before it, never one that needs it")
}

/// Every name a derived column's expression uses: identifiers outside
/// string literals (quoted identifiers too), or working_days' two columns.
fn names_used(derived: &Derived) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    if let Some(sql) = &derived.sql {
        names.extend(identifiers(sql.get_ref()));
    }
    if let Some(days) = &derived.working_days {
        names.extend([days.from.get_ref().clone(), days.to.get_ref().clone()]);
    }
    names
}

/// The names an expression uses: identifiers outside string literals,
/// quoted identifiers as written (keywords and function names too).
pub fn identifiers(sql: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut chars = sql.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        match c {
            '\'' => {
                // A literal; '' inside it closes and reopens, which skips the same.
                for (_, c) in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                }
            }
            '"' => {
                let name: String = chars.by_ref().map(|(_, c)| c).take_while(|c| *c != '"').collect();
                found.push(name);
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut end = start + c.len_utf8();
                while let Some((at, c)) = chars.peek().copied() {
                    if !(c.is_alphanumeric() || c == '_') {
                        break;
                    }
                    end = at + c.len_utf8();
                    chars.next();
                }
                found.push(sql[start..end].to_string());
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_skip_literals_and_read_quoted_names() {
        let names = identifiers("CASE WHEN \"Legal status\" = 'C2 days' THEN days_open + 1 ELSE x_2 END");
        assert_eq!(names, ["CASE", "WHEN", "Legal status", "THEN", "days_open", "ELSE", "x_2", "END"]);
        assert_eq!(identifiers("'it''s' || name"), ["name"]);
    }
}
