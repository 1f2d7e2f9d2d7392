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

use std::fmt;

use serde_json::Value;

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

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    Equal,
    NotEqual,
    Quoted(String),
    Word(String),
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                tokens.push(Token::Open);
            }
            ')' => {
                chars.next();
                tokens.push(Token::Close);
            }
            '=' | '!' => {
                chars.next();
                if chars.next() != Some('=') {
                    return Err(format!("unexpected {c:?}: expected \"==\" or \"!=\""));
                }
                tokens.push(if c == '=' {
                    Token::Equal
                } else {
                    Token::NotEqual
                });
            }
            '"' | '`' => {
                chars.next();
                let mut value = String::new();
                loop {
                    match chars.next() {
                        None => return Err("unterminated string".into()),
                        Some(end) if end == c => break,
                        Some('\\') if c == '"' => match chars.next() {
                            Some('n') => value.push('\n'),
                            Some('t') => value.push('\t'),
                            Some(other) => value.push(other),
                            None => return Err("unterminated string".into()),
                        },
                        Some(other) => value.push(other),
                    }
                }
                tokens.push(Token::Quoted(value));
            }
            _ => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || "()=!\"`".contains(c) {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                tokens.push(Token::Word(word));
            }
        }
    }
    Ok(tokens)
}

struct Parser<'a> {
    tokens: Vec<Token>,
    position: usize,
    roots: &'a [&'a str],
    /// How many parentheses and `not`s enclose the current position.
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.position)
    }

    fn peek_word(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w == word)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.position).cloned();
        self.position += 1;
        token
    }

    fn expect_word(&mut self, word: &str) -> Result<(), String> {
        match self.next() {
            Some(Token::Word(w)) if w == word => Ok(()),
            other => Err(format!(
                "expected {word:?}, found {}",
                describe(other.as_ref())
            )),
        }
    }

    fn or(&mut self) -> Result<Expression, String> {
        let mut terms = vec![self.and()?];
        while self.peek_word("or") {
            self.next();
            terms.push(self.and()?);
        }
        Ok(one_or_all(terms, Expression::Or))
    }

    fn and(&mut self) -> Result<Expression, String> {
        let mut terms = vec![self.unary()?];
        while self.peek_word("and") {
            self.next();
            terms.push(self.unary()?);
        }
        Ok(one_or_all(terms, Expression::And))
    }

    fn unary(&mut self) -> Result<Expression, String> {
        if self.peek_word("not") {
            self.next();
            let inner = self.nested(Self::unary)?;
            return Ok(Expression::Not(Box::new(inner)));
        }
        if self.peek() == Some(&Token::Open) {
            self.next();
            let inner = self.nested(Self::or)?;
            match self.next() {
                Some(Token::Close) => return Ok(inner),
                other => {
                    return Err(format!(
                        "expected \")\", found {}",
                        describe(other.as_ref())
                    ));
                }
            }
        }
        self.matching()
    }

    /// Parses one level deeper (inside a `(` or after a `not`), refusing to go deeper than
    /// [`MAX_FILTER_DEPTH`]: this is the one place the parser's recursion grows.
    fn nested(
        &mut self,
        parse: fn(&mut Self) -> Result<Expression, String>,
    ) -> Result<Expression, String> {
        if self.depth == MAX_FILTER_DEPTH {
            return Err(format!(
                "parentheses and \"not\" nest more than {MAX_FILTER_DEPTH} levels deep"
            ));
        }
        self.depth += 1;
        let inner = parse(self);
        self.depth -= 1;
        inner
    }

    fn matching(&mut self) -> Result<Expression, String> {
        let first = self.next();
        // `"v" in Sel` / `"v" not in Sel`
        let value_first = match &first {
            Some(Token::Quoted(value)) => Some(value.clone()),
            Some(Token::Word(word))
                if self.peek_word("in") || (self.peek_word("not") && self.in_follows()) =>
            {
                Some(word.clone())
            }
            _ => None,
        };
        if let Some(value) = value_first {
            let operator = if self.peek_word("not") {
                self.next();
                Operator::NotIn
            } else {
                Operator::In
            };
            self.expect_word("in")?;
            let selector = self.selector()?;
            return Ok(Expression::Match {
                selector,
                operator,
                value,
            });
        }
        let Some(Token::Word(path)) = first else {
            return Err(format!(
                "expected a selector, found {}",
                describe(first.as_ref())
            ));
        };
        let selector = self.check_selector(&path)?;
        let (operator, needs_value) = match self.next() {
            Some(Token::Equal) => (Operator::Equal, true),
            Some(Token::NotEqual) => (Operator::NotEqual, true),
            Some(Token::Word(w)) if w == "contains" => (Operator::In, true),
            Some(Token::Word(w)) if w == "not" => {
                self.expect_word("contains")?;
                (Operator::NotIn, true)
            }
            Some(Token::Word(w)) if w == "is" => {
                let operator = if self.peek_word("not") {
                    self.next();
                    Operator::IsNotEmpty
                } else {
                    Operator::IsEmpty
                };
                self.expect_word("empty")?;
                (operator, false)
            }
            other => {
                return Err(format!(
                    "expected an operator after {path}, found {}",
                    describe(other.as_ref())
                ));
            }
        };
        let value = if needs_value {
            match self.next() {
                Some(Token::Quoted(value) | Token::Word(value)) => value,
                other => {
                    return Err(format!(
                        "expected a value, found {}",
                        describe(other.as_ref())
                    ));
                }
            }
        } else {
            String::new()
        };
        Ok(Expression::Match {
            selector,
            operator,
            value,
        })
    }

    fn in_follows(&self) -> bool {
        matches!(self.tokens.get(self.position + 1), Some(Token::Word(w)) if w == "in")
    }

    fn selector(&mut self) -> Result<Vec<String>, String> {
        match self.next() {
            Some(Token::Word(path)) => self.check_selector(&path),
            other => Err(format!(
                "expected a selector, found {}",
                describe(other.as_ref())
            )),
        }
    }

    fn check_selector(&self, path: &str) -> Result<Vec<String>, String> {
        let parts: Vec<String> = path.split('.').map(str::to_string).collect();
        if parts.iter().any(String::is_empty) || !self.roots.contains(&parts[0].as_str()) {
            return Err(format!("Selector {path:?} is not valid"));
        }
        Ok(parts)
    }
}

/// One term stands for itself; several make one `Or`/`And` node.
fn one_or_all(mut terms: Vec<Expression>, all: fn(Vec<Expression>) -> Expression) -> Expression {
    if terms.len() == 1 {
        terms.swap_remove(0)
    } else {
        all(terms)
    }
}

fn describe(token: Option<&Token>) -> String {
    match token {
        None => "end of expression".into(),
        Some(Token::Open) => "\"(\"".into(),
        Some(Token::Close) => "\")\"".into(),
        Some(Token::Equal) => "\"==\"".into(),
        Some(Token::NotEqual) => "\"!=\"".into(),
        Some(Token::Quoted(s) | Token::Word(s)) => format!("{s:?}"),
    }
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
        let mut parser = Parser {
            tokens: tokenize(text)?,
            position: 0,
            roots,
            depth: 0,
        };
        let expression = parser.or()?;
        if let Some(extra) = parser.peek() {
            return Err(format!(
                "unexpected {} at the end of the filter",
                describe(Some(extra))
            ));
        }
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
mod tests {
    use super::*;
    use serde_json::json;

    const ROOTS: &[&str] = &["Service", "Checks", "Node"];

    fn check(text: &str, entry: &Value) -> bool {
        Filter::parse(text, ROOTS)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .matches(entry)
    }

    #[test]
    fn the_documented_operators_work() {
        let entry = json!({
            "Node": {"Node": "n1"},
            "Service": {"ID": "web-1", "Tags": ["v1", "blue"], "Meta": {"env": "dev"}, "Port": 8080},
            "Checks": [{"Status": "passing"}, {"Status": "warning"}],
        });
        assert!(check("Service.ID == \"web-1\"", &entry));
        assert!(check("Service.ID != \"web-2\"", &entry));
        assert!(check("\"v1\" in Service.Tags", &entry));
        assert!(check("\"v2\" not in Service.Tags", &entry));
        assert!(check("Service.Tags contains \"blue\"", &entry));
        assert!(check(
            "Service.Meta.env == dev and Service.Port == 8080",
            &entry
        ));
        assert!(check("Service.Meta.missing is empty", &entry));
        assert!(check("Service.Tags is not empty", &entry));
        assert!(check("\"warning\" in Checks.Status", &entry));
        assert!(check("not (Node.Node == n2 or Service.ID == x)", &entry));
        assert!(!check("Checks.Status not contains \"warning\"", &entry));
    }

    #[test]
    fn bad_filters_are_errors() {
        for bad in [
            "",
            "Service.ID ==",
            "Nope == 1",
            "(Service.ID == a",
            "Service.ID = a",
            "Service.ID == \"a",
        ] {
            assert!(
                Filter::parse(bad, ROOTS).is_err(),
                "{bad:?} should not parse"
            );
        }
    }

    #[test]
    fn filters_print_in_a_form_that_parses_back() {
        for (text, canonical) in [
            ("Service.ID==web", r#"Service.ID == "web""#),
            (
                "Service.Tags contains v1 and not (Checks.Status == critical or Node.Node is empty)",
                r#""v1" in Service.Tags and not (Checks.Status == "critical" or Node.Node is empty)"#,
            ),
            (
                "a1 not in Service.Tags or Service.Meta.x is not empty and Service.ID != `q\"`",
                r#""a1" not in Service.Tags or Service.Meta.x is not empty and Service.ID != "q\"""#,
            ),
            (
                "((Service.ID == a or Service.ID == b) or Service.ID == c)",
                r#"(Service.ID == "a" or Service.ID == "b") or Service.ID == "c""#,
            ),
            ("not not Node.Node == x", r#"not not Node.Node == "x""#),
        ] {
            let filter = Filter::parse(text, ROOTS).unwrap();
            assert_eq!(filter.to_string(), canonical, "{text}");
            assert_eq!(
                Filter::parse(canonical, ROOTS).unwrap(),
                filter,
                "{canonical}"
            );
        }
    }

    /// Runs `work` on a thread with a quarter of a MiB of stack (tokio's workers have 2 MiB,
    /// the test harness's threads as much): a parser or evaluator whose recursion is not
    /// bounded overflows it, and the whole test process aborts, as the agent would.
    fn on_a_small_stack<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::Builder::new()
            .name("small-stack".into())
            .stack_size(256 * 1024)
            .spawn(work)
            .expect("a thread starts")
            .join()
            .expect("the work does not panic")
    }

    fn nested(levels: usize) -> String {
        format!(
            "{}Service.ID == a{}",
            "(".repeat(levels),
            ")".repeat(levels)
        )
    }

    #[test]
    fn hostile_filters_are_refused_without_exhausting_the_stack() {
        on_a_small_stack(|| {
            // 700 parentheses (2 KB), 100 and 5 000 `not`s.
            let error = Filter::parse(&nested(700), ROOTS).unwrap_err();
            assert!(error.contains("nest more than 32 levels"), "{error}");
            let nots = |n: usize| format!("{}Service.ID == a", "not ".repeat(n));
            let error = Filter::parse(&nots(100), ROOTS).unwrap_err();
            assert!(error.contains("nest more than 32 levels"), "{error}");
            let error = Filter::parse(&nots(5_000), ROOTS).unwrap_err();
            assert!(error.contains("the limit is 16384"), "{error}");
            // 5 000 `or` terms (75 KB) are too long, whatever their shape.
            let chain = vec!["Service.ID == a"; 5_000].join(" or ");
            let error = Filter::parse(&chain, ROOTS).unwrap_err();
            assert!(error.contains("bytes long; the limit is 16384"), "{error}");
        });
    }

    #[test]
    fn the_longest_and_deepest_filters_allowed_parse_and_evaluate_on_a_small_stack() {
        on_a_small_stack(|| {
            let entry = json!({"Service": {"ID": "b"}, "Checks": [], "Node": {}});
            let deepest = Filter::parse(&nested(MAX_FILTER_DEPTH), ROOTS).unwrap();
            assert!(!deepest.matches(&entry));
            assert!(Filter::parse(&nested(MAX_FILTER_DEPTH + 1), ROOTS).is_err());
            let nots = format!("{}Service.ID == b", "not ".repeat(MAX_FILTER_DEPTH));
            assert!(Filter::parse(&nots, ROOTS).unwrap().matches(&entry));

            // A flat chain as long as allowed: a thousand terms in one node, not a
            // thousand levels, for the evaluator and for `drop` alike.
            let term = "Service.ID == a";
            for joiner in [" or ", " and "] {
                let terms = (MAX_FILTER_LENGTH + joiner.len()) / (term.len() + joiner.len());
                let chain = vec![term; terms].join(joiner);
                assert!(chain.len() <= MAX_FILTER_LENGTH);
                let filter = Filter::parse(&chain, ROOTS).unwrap();
                assert!(!filter.matches(&entry));
                assert_eq!(filter.to_string().matches(joiner).count(), terms - 1);
            }
        });
    }
}
