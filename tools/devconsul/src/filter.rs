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

use serde_json::Value;

/// A parsed filter.
#[derive(Debug, Clone)]
pub struct Filter {
    expression: Expression,
}

#[derive(Debug, Clone)]
enum Expression {
    Or(Box<Expression>, Box<Expression>),
    And(Box<Expression>, Box<Expression>),
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
        let mut left = self.and()?;
        while self.peek_word("or") {
            self.next();
            left = Expression::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expression, String> {
        let mut left = self.unary()?;
        while self.peek_word("and") {
            self.next();
            left = Expression::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expression, String> {
        if self.peek_word("not") {
            self.next();
            return Ok(Expression::Not(Box::new(self.unary()?)));
        }
        if self.peek() == Some(&Token::Open) {
            self.next();
            let inner = self.or()?;
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
    /// Parses `text`; selectors must start with one of `roots`.
    pub fn parse(text: &str, roots: &[&str]) -> Result<Filter, String> {
        let mut parser = Parser {
            tokens: tokenize(text)?,
            position: 0,
            roots,
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

fn evaluate(expression: &Expression, entry: &Value) -> bool {
    match expression {
        Expression::Or(a, b) => evaluate(a, entry) || evaluate(b, entry),
        Expression::And(a, b) => evaluate(a, entry) && evaluate(b, entry),
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

/// Follows `path` from `value`, fanning out through lists.
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
}
