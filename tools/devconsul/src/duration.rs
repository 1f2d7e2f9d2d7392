//! Go durations, as Consul reads and writes them.
//!
//! Consul is written in Go, so a check's `Interval` arrives as `"10s"`, `"1m30s"` or
//! `"500ms"` (or a number of nanoseconds), and comes back out as Go's
//! `time.Duration.String()` prints it: `"10s"`, `"1m30s"`, `"1m0s"`.

use std::time::Duration;

/// Parses a Go duration string (`time.ParseDuration`): an optional sign, then one or more
/// decimal numbers each with a unit `ns`, `us`, `µs`, `ms`, `s`, `m` or `h`; `"0"` alone is
/// zero. Returns signed nanoseconds, since Go durations may be negative.
///
/// It follows Go's algorithm step by step, and so gives the same nanosecond: whole numbers
/// are counted in integers, refusing anything past 2^63 ns (about 292 years); only a
/// fraction goes through a float, at most one unit's worth of it. (Adding up the parts as
/// floats would lose nanoseconds past 2^53, about 104 days.)
pub fn parse(text: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration \"{text}\"");
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    const LIMIT: u64 = 1 << 63;
    let mut total: u64 = 0;
    while !rest.is_empty() {
        // [0-9]*, then (.[0-9]*)?: at least one digit in all.
        if !rest.starts_with(|c: char| c == '.' || c.is_ascii_digit()) {
            return Err(invalid());
        }
        let (whole, digits, after) = leading_int(rest).ok_or_else(invalid)?;
        rest = after;
        let (mut fraction, mut scale, mut fraction_digits) = (0u64, 1f64, 0);
        if let Some(after_point) = rest.strip_prefix('.') {
            (fraction, scale, fraction_digits, rest) = leading_fraction(after_point);
        }
        if digits == 0 && fraction_digits == 0 {
            return Err(invalid());
        }
        // The unit: everything up to the next number.
        let unit_len = rest
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(rest.len());
        let nanos_per_unit: u64 = match &rest[..unit_len] {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => return Err(format!("time: missing unit in duration \"{text}\"")),
            unit => {
                return Err(format!(
                    "time: unknown unit \"{unit}\" in duration \"{text}\""
                ));
            }
        };
        rest = &rest[unit_len..];
        if whole > LIMIT / nanos_per_unit {
            return Err(invalid());
        }
        let mut part = whole * nanos_per_unit;
        if fraction > 0 {
            // Less than one unit: at most an hour's 3.6e12 ns, exact enough in a float.
            part += (fraction as f64 * (nanos_per_unit as f64 / scale)) as u64;
            if part > LIMIT {
                return Err(invalid());
            }
        }
        total += part;
        if total > LIMIT {
            return Err(invalid());
        }
    }
    match (negative, total) {
        (true, LIMIT) => Ok(i64::MIN),
        (true, total) => Ok(-(total as i64)),
        (false, LIMIT) => Err(invalid()),
        (false, total) => Ok(total as i64),
    }
}

/// The leading `[0-9]*` of `text` as a number, how many digits it had, and the rest;
/// `None` past 2^63.
fn leading_int(text: &str) -> Option<(u64, usize, &str)> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let mut value: u64 = 0;
    for digit in text[..digits].bytes() {
        value = value
            .checked_mul(10)?
            .checked_add(u64::from(digit - b'0'))
            .filter(|&v| v <= 1 << 63)?;
    }
    Some((value, digits, &text[digits..]))
}

/// The leading `[0-9]*` of a fraction: its digits as a number, the power of ten they are
/// to be divided by, how many digits there were, and the rest. Digits past what a `u64`
/// holds are skipped, as Go skips them: they are far below a nanosecond.
fn leading_fraction(text: &str) -> (u64, f64, usize, &str) {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let (mut value, mut scale) = (0u64, 1f64);
    for digit in text[..digits].bytes() {
        match value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(digit - b'0')))
        {
            Some(next) if next <= 1 << 63 => {
                value = next;
                scale *= 10.0;
            }
            _ => break,
        }
    }
    (value, scale, digits, &text[digits..])
}

/// Formats like Go's `time.Duration.String()`: `"0s"`, `"1.5s"`, `"500ms"`, `"1m0s"`,
/// `"2h0m0s"`.
pub fn format(duration: Duration) -> String {
    format_nanos(i64::try_from(duration.as_nanos()).unwrap_or(i64::MAX))
}

/// [`format`] for signed nanoseconds.
pub fn format_nanos(nanos: i64) -> String {
    if nanos == 0 {
        return "0s".to_string();
    }
    let sign = if nanos < 0 { "-" } else { "" };
    let n = nanos.unsigned_abs();
    if n < 1_000_000_000 {
        // Below a second Go picks the largest unit that keeps an integer part.
        let (unit, scale) = if n < 1_000 {
            ("ns", 1)
        } else if n < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        return format!("{sign}{}{unit}", fraction(n, scale));
    }
    let hours = n / 3_600_000_000_000;
    let minutes = n / 60_000_000_000 % 60;
    let seconds = fraction(n % 60_000_000_000, 1_000_000_000);
    if hours > 0 {
        format!("{sign}{hours}h{minutes}m{seconds}s")
    } else if minutes > 0 {
        format!("{sign}{minutes}m{seconds}s")
    } else {
        format!("{sign}{seconds}s")
    }
}

/// `value / scale` printed with the fraction's trailing zeros removed.
fn fraction(value: u64, scale: u64) -> String {
    let whole = value / scale;
    let rest = value % scale;
    if rest == 0 {
        return whole.to_string();
    }
    let digits = scale.ilog10() as usize;
    let decimals = format!("{rest:0digits$}");
    format!("{whole}.{}", decimals.trim_end_matches('0'))
}

#[cfg(test)]
mod tests;
