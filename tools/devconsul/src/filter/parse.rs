//! From text to a tree: the tokens of a filter, and a recursive-descent parser that counts
//! how deep it is (see [`MAX_FILTER_DEPTH`](super::MAX_FILTER_DEPTH)).

use super::{Expression, MAX_FILTER_DEPTH, Operator};

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

/// Parses `text` (already known to be within the length limit) into its tree.
pub(super) fn expression(text: &str, roots: &[&str]) -> Result<Expression, String> {
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
    Ok(expression)
}
