//! `?filter=` expressions: the part of go-bexpr that service discovery uses.
//!
//! Consul filters list results with boolean expressions over the fields of each entry:
//! `Service.Tags contains "v2" and Checks.Status != "critical"`. This is a small
//! recursive-descent parser for that grammar and an evaluator over the entry's JSON:
//!
//! ```text
//! or    := and ("or" and)*
//! and   := unary ("and" unary)*
//! unary := "not" unary | "(" or ")" | match
//! match := Sel "==" V | Sel "!=" V | Sel "is" ["not"] "empty"
//!        | V ["not"] "in" Sel | Sel ["not"] "contains" V
//! ```
//!
//! A selector is a dotted path (`Service.Meta.env`); through a list it reaches every
//! element (`Checks.Status` is the status of each check).
//!
//! The text comes from the network, so the parser is written to survive anyone. A
//! recursive-descent parser uses a few stack frames per level of nesting, and so do the
//! evaluator that walks the tree and the code that drops it: without a bound, `((((…))))`
//! seven hundred deep or five thousand `not`s overflow the thread's stack, and a stack
//! overflow is not a panic that can be caught: it aborts the whole process, every
//! registration with it. Hence two limits, checked before anything deep happens: the
//! expression's length ([`MAX_FILTER_LENGTH`]) and how deep parentheses and `not` nest
//! ([`MAX_FILTER_DEPTH`]). A long flat chain (`a or b or c …`) is not deep at all: `or` and
//! `and` gather their terms into one list node instead of a chain of two-term nodes.

use serde_json::Value;

mod display;
mod parse;

/// The longest filter accepted, in bytes. Hand-written filters are a few dozen bytes;
/// 16 KiB still holds a generated `ID == "…" or …` list of a couple of hundred services,
/// and keeps the work per entry small.
pub const MAX_FILTER_LENGTH: usize = 16 * 1024;

/// How deeply parentheses and `not` may nest. Real filters nest two or three levels; the
/// bound keeps the parser's and the evaluator's recursion a few kilobytes of stack.
pub const MAX_FILTER_DEPTH: usize = 32;

/// A parsed filter. It prints (`Display`) as text that parses back to the same filter, as
/// long as that text stays within [`MAX_FILTER_LENGTH`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    expression: Expression,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Expression {
    /// True when any term is: `a or b or c`, two terms or more.
    Or(Vec<Expression>),
    /// True when every term is: `a and b and c`, two terms or more.
    And(Vec<Expression>),
    Not(Box<Expression>),
    Match {
        selector: Vec<String>,
        operator: Operator,
        value: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operator {
    Equal,
    NotEqual,
    IsEmpty,
    IsNotEmpty,
    In,
    NotIn,
}

impl Filter {
    /// Parses `text`; selectors must start with one of `roots`. Text longer than
    /// [`MAX_FILTER_LENGTH`] or nested deeper than [`MAX_FILTER_DEPTH`] is an error.
    pub fn parse(text: &str, roots: &[&str]) -> Result<Filter, String> {
        if text.len() > MAX_FILTER_LENGTH {
            return Err(format!(
                "the filter is {} bytes long; the limit is {MAX_FILTER_LENGTH}",
                text.len()
            ));
        }
        let expression = parse::expression(text, roots)?;
        Ok(Filter { expression })
    }

    /// Whether an entry passes the filter.
    pub fn matches(&self, entry: &Value) -> bool {
        evaluate(&self.expression, entry)
    }
}

/// Recurses as deep as the tree, which the parser keeps within a few times
/// [`MAX_FILTER_DEPTH`].
fn evaluate(expression: &Expression, entry: &Value) -> bool {
    match expression {
        Expression::Or(terms) => terms.iter().any(|term| evaluate(term, entry)),
        Expression::And(terms) => terms.iter().all(|term| evaluate(term, entry)),
        Expression::Not(inner) => !evaluate(inner, entry),
        Expression::Match {
            selector,
            operator,
            value,
        } => {
            let mut found = Vec::new();
            resolve(entry, selector, &mut found);
            match operator {
                Operator::Equal => found.iter().any(|v| scalar_equals(v, value)),
                Operator::NotEqual => !found.iter().any(|v| scalar_equals(v, value)),
                Operator::IsEmpty => found.iter().all(|v| is_empty(v)),
                Operator::IsNotEmpty => !found.iter().all(|v| is_empty(v)),
                Operator::In => found.iter().any(|v| holds(v, value)),
                Operator::NotIn => !found.iter().any(|v| holds(v, value)),
            }
        }
    }
}

/// Follows `path` from `value`, fanning out through lists. It recurses once per step of
/// the path that the entry really has, so as deep as the entry (a few levels), however
/// long the selector.
fn resolve<'a>(value: &'a Value, path: &[String], found: &mut Vec<&'a Value>) {
    match (value, path.split_first()) {
        (_, None) => found.push(value),
        (Value::Array(items), Some(_)) => items.iter().for_each(|item| resolve(item, path, found)),
        (Value::Object(map), Some((key, rest))) => {
            let field = map.get(key.as_str()).or_else(|| {
                map.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(key))
                    .map(|(_, v)| v)
            });
            if let Some(field) = field {
                resolve(field, rest, found);
            } else {
                found.push(&Value::Null);
            }
        }
        _ => found.push(&Value::Null),
    }
}

fn scalar_equals(value: &Value, wanted: &str) -> bool {
    match value {
        Value::String(s) => s == wanted,
        Value::Number(n) => n.to_string() == wanted || wanted.parse::<f64>().ok() == n.as_f64(),
        Value::Bool(b) => wanted.parse::<bool>().ok() == Some(*b),
        Value::Array(items) => items.iter().any(|item| scalar_equals(item, wanted)),
        _ => false,
    }
}

fn holds(value: &Value, wanted: &str) -> bool {
    match value {
        Value::Array(items) => items.iter().any(|item| scalar_equals(item, wanted)),
        Value::Object(map) => map.contains_key(wanted),
        Value::String(s) => s.contains(wanted),
        _ => false,
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests;
