//! What a pattern variable stands for, read from the statement typed so far: the shell
//! completes `x.` with the fields of a node of `x`'s kinds or an edge of its relations.
//! A plain scan of the text, not the parser's: an unfinished statement does not parse.

/// What a variable is bound to by the pattern written before the cursor.
#[derive(Debug, PartialEq, Eq)]
pub enum Bound {
    /// A node, of these kinds (any kind when empty).
    Node(Vec<String>),
    /// An edge, of these relations (any relation when empty).
    Edge(Vec<String>),
    /// Not bound in a pattern: fields of anything are offered.
    Unknown,
}

/// Finds `(var` or `[var` in `before` and reads the labels after it (`(c:company|dprk_company`,
/// `[r:employs`). The first binding that names labels wins, since a later `(c)` repeats the
/// variable without them.
pub fn binding(before: &str, var: &str) -> Bound {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    if var.is_empty() || !var.chars().all(is_ident) {
        return Bound::Unknown;
    }
    let mut found = Bound::Unknown;
    for (at, open) in before.char_indices().filter(|(_, c)| *c == '(' || *c == '[') {
        let rest = before[at + 1..].trim_start();
        let Some(after) = rest.strip_prefix(var).filter(|a| !a.starts_with(is_ident)) else { continue };
        let labels: Vec<String> = match after.trim_start().strip_prefix(':') {
            Some(list) => {
                let end = list.find(|c: char| !(is_ident(c) || c == '|' || c == ' ')).unwrap_or(list.len());
                list[..end].split('|').map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
            }
            None => Vec::new(),
        };
        let named = !labels.is_empty();
        let this = if open == '(' { Bound::Node(labels) } else { Bound::Edge(labels) };
        if named || found == Bound::Unknown {
            found = this;
        }
        if named {
            break;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variable_is_bound_by_the_pattern_before_it() {
        let head = "match (c:company|dprk_company)-[r:employs]->(w) where c.name = \"x\" return ";
        assert_eq!(binding(head, "c"), Bound::Node(vec!["company".into(), "dprk_company".into()]));
        assert_eq!(binding(head, "r"), Bound::Edge(vec!["employs".into()]));
        assert_eq!(binding(head, "w"), Bound::Node(vec![]));
        assert_eq!(binding(head, "x"), Bound::Unknown);
        assert_eq!(binding("match (a)-->(b), (a:country) return ", "a"), Bound::Node(vec!["country".into()]));
        assert_eq!(binding("match (ab:country) return ", "a"), Bound::Unknown, "a longer variable is another");
    }
}
