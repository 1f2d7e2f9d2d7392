//! Turning a request body's bytes into JSON, bounded: a body nested deeper than any request
//! needs is refused before a recursive parser sees it.

use serde_json::Value;

use super::DecodeError;

/// How deeply arrays and objects may nest in a body. Consul's request bodies nest five or
/// six levels (a service, its `Checks`, a check, its `Header`, a header's values).
///
/// A JSON parser recurses once per level, so nesting is what a hostile body uses to run a
/// server out of stack (`[[[[…` a hundred thousand deep fits in well under 1 MiB).
/// serde_json stops at 128 levels on its own, but that limit disappears if any crate in
/// the build turns on its `unbounded_depth` feature; this one is ours, checked before
/// parsing, with a message that says what happened.
pub const MAX_JSON_DEPTH: usize = 64;

/// Parses a request body into a JSON value, with Go's messages for the common failures.
pub fn parse_body(body: &[u8]) -> Result<Value, DecodeError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(DecodeError("EOF".to_string()));
    }
    check_depth(body)?;
    serde_json::from_slice(body).map_err(|error| DecodeError(error.to_string()))
}

/// Refuses a body whose arrays and objects nest deeper than [`MAX_JSON_DEPTH`]. One pass,
/// no recursion: count `[`/`{` up and `]`/`}` down, skipping over strings. Whether the
/// brackets match is left to the parser.
fn check_depth(body: &[u8]) -> Result<(), DecodeError> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in body {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_JSON_DEPTH {
                    return Err(DecodeError(format!(
                        "exceeded max depth: arrays and objects nest more than {MAX_JSON_DEPTH} levels deep"
                    )));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_may_nest_64_levels_and_no_deeper() {
        let nested = |levels: usize| format!("{}{}", "[".repeat(levels), "]".repeat(levels));
        assert!(parse_body(nested(MAX_JSON_DEPTH).as_bytes()).is_ok());
        let error = parse_body(nested(MAX_JSON_DEPTH + 1).as_bytes()).unwrap_err();
        assert!(error.0.starts_with("exceeded max depth"), "{error}");
        // Brackets inside strings are text, not nesting.
        let text = format!(r#"{{"Name": "{}", "Tags": ["\\\"["]}}"#, "[{".repeat(100));
        let value = parse_body(text.as_bytes()).unwrap();
        assert_eq!(value["Tags"][0], "\\\"[");
        // A hundred thousand levels, on a small stack: refused, not a crash.
        let deep = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| parse_body(format!("{}1", "{\"a\":".repeat(100_000)).as_bytes()).is_err())
            .unwrap();
        assert!(deep.join().unwrap());
    }
}
