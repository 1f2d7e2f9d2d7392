//! From a tree back to text: the canonical form a filter prints as.

use std::fmt;

use super::{Expression, Filter, Operator};

/// Prints the canonical form: single spaces, quoted values, and parentheses exactly where
/// the grammar needs them (around an `or` inside `and`, `not` or another `or`, and around
/// an `and` inside `and` or `not`). The text parses back to the same filter, no deeper
/// than the original.
impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_expression(f, &self.expression)
    }
}

fn write_expression(f: &mut fmt::Formatter<'_>, expression: &Expression) -> fmt::Result {
    match expression {
        Expression::Or(terms) => {
            // `and` binds tighter than `or`: an `and` term needs no parentheses here.
            let needs_parentheses = |term: &Expression| matches!(term, Expression::Or(_));
            write_terms(f, terms, " or ", needs_parentheses)
        }
        Expression::And(terms) => write_terms(f, terms, " and ", is_compound),
        Expression::Not(inner) => {
            f.write_str("not ")?;
            write_operand(f, inner, is_compound(inner))
        }
        Expression::Match {
            selector,
            operator,
            value,
        } => {
            let selector = selector.join(".");
            match operator {
                Operator::Equal => write!(f, "{selector} == {}", Quoted(value)),
                Operator::NotEqual => write!(f, "{selector} != {}", Quoted(value)),
                Operator::IsEmpty => write!(f, "{selector} is empty"),
                Operator::IsNotEmpty => write!(f, "{selector} is not empty"),
                Operator::In => write!(f, "{} in {selector}", Quoted(value)),
                Operator::NotIn => write!(f, "{} not in {selector}", Quoted(value)),
            }
        }
    }
}

fn is_compound(expression: &Expression) -> bool {
    matches!(expression, Expression::Or(_) | Expression::And(_))
}

fn write_terms(
    f: &mut fmt::Formatter<'_>,
    terms: &[Expression],
    joiner: &str,
    needs_parentheses: impl Fn(&Expression) -> bool,
) -> fmt::Result {
    for (i, term) in terms.iter().enumerate() {
        if i > 0 {
            f.write_str(joiner)?;
        }
        write_operand(f, term, needs_parentheses(term))?;
    }
    Ok(())
}

fn write_operand(
    f: &mut fmt::Formatter<'_>,
    expression: &Expression,
    parenthesised: bool,
) -> fmt::Result {
    if parenthesised {
        f.write_str("(")?;
        write_expression(f, expression)?;
        f.write_str(")")
    } else {
        write_expression(f, expression)
    }
}

/// A value as a double-quoted string, with the escapes the tokenizer reads back.
struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for c in self.0.chars() {
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                '\t' => f.write_str("\\t")?,
                c => write!(f, "{c}")?,
            }
        }
        f.write_str("\"")
    }
}
