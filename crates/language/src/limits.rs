//! Bounds on one SQL expression. Parsing and planning an expression recurse
//! once per operator, so a definition with thousands of `OR` terms would
//! exhaust the stack and abort the process; one beyond these bounds gets a
//! diagnostic instead. They are far above anything a definition needs: a
//! long list of values is `column IN ('a', 'b', ...)`, which has no depth.

/// Binary and unary operators (`AND`, `OR`, `=`, `+`, `<=` ...) in one expression.
pub const MAX_OPERATORS: usize = 150;
/// Nested parentheses in one expression.
pub(crate) const MAX_DEPTH: usize = 32;
/// Characters in one expression.
pub(crate) const MAX_LENGTH: usize = 20_000;

/// Why an expression is too large to parse safely, or None.
pub fn too_large(sql: &str) -> Option<String> {
    if sql.len() > MAX_LENGTH {
        return Some(format!("this expression has {} characters; at most {MAX_LENGTH} are allowed", sql.len()));
    }
    let (operators, depth) = measure(sql);
    if depth > MAX_DEPTH {
        return Some(format!("this expression nests {depth} parentheses deep; at most {MAX_DEPTH} are allowed"));
    }
    (operators > MAX_OPERATORS).then(|| {
        format!(
            "this expression has {operators} operators; at most {MAX_OPERATORS} are allowed \
             (write a list of values as `column IN ('a', 'b', ...)`)"
        )
    })
}

/// Operators and the deepest nesting, outside string literals and quoted names.
fn measure(sql: &str) -> (usize, usize) {
    let (mut operators, mut depth, mut deepest) = (0, 0usize, 0);
    let mut chars = sql.chars().peekable();
    let mut word = String::new();
    let count_word = |word: &mut String, operators: &mut usize| {
        if word.eq_ignore_ascii_case("and") || word.eq_ignore_ascii_case("or") || word.eq_ignore_ascii_case("not") {
            *operators += 1;
        }
        word.clear();
    };
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        count_word(&mut word, &mut operators);
        match c {
            '\'' | '"' => {
                // A literal or quoted name runs to its closing quote; a doubled quote is one quote inside it.
                while let Some(inside) = chars.next() {
                    if inside == c && chars.next_if_eq(&c).is_none() {
                        break;
                    }
                }
            }
            '(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' => depth = depth.saturating_sub(1),
            '+' | '-' | '*' | '/' | '%' | '=' | '<' | '>' | '!' | '|' => {
                operators += 1;
                // `<=`, `<>`, `!=`, `||` are one operator.
                while chars.next_if(|next| matches!(next, '=' | '>' | '|')).is_some() {}
            }
            _ => {}
        }
    }
    count_word(&mut word, &mut operators);
    (operators, deepest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_are_counted_outside_literals() {
        // <=, AND, =, OR, NOT, and, = : 7 operators; 'x OR y' and "d+e" are text.
        assert_eq!(measure("a <= 1 AND (b = 'x OR y' OR c IS NOT NULL) and \"d+e\" = 2"), (7, 1));
        assert_eq!(measure("column IN ('a', 'b', 'c''s')"), (0, 1));
        assert_eq!(measure("((a))"), (0, 2));
    }

    #[test]
    fn a_chain_of_or_terms_is_refused_past_the_bound() {
        // 75 terms: 74 ORs and 75 `=`, 149 operators; 76 terms: 75 + 76 = 151.
        let chain = |terms: usize| (0..terms).map(|i| format!("x = {i}")).collect::<Vec<_>>().join(" OR ");
        assert_eq!(too_large(&chain(75)), None);
        assert!(too_large(&chain(76)).unwrap().contains("151 operators"));
        let nested = format!("{}x{}", "(".repeat(33), ")".repeat(33));
        assert!(too_large(&nested).unwrap().contains("33 parentheses"));
        assert!(too_large(&"x".repeat(MAX_LENGTH + 1)).unwrap().contains("characters"));
    }
}
