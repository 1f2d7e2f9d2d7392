//! The names `l11-micro new` is given, checked before anything is written: they end up in a
//! crate's name, a service's name in every registry, and a URL path of `micro api`.

use anyhow::{bail, ensure};

/// The longest alias or namespace taken: a name, not a sentence.
pub const MAX_NAME: usize = 64;

/// An alias: a lowercase ASCII letter, then lowercase letters, digits, `-` or `_`
/// (`greeter`, `user-profile`): a crate's name, a DNS label, a path segment alike.
pub fn check_alias(alias: &str) -> anyhow::Result<()> {
    let fits = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
    ensure!(
        alias.len() <= MAX_NAME
            && alias.starts_with(|c: char| c.is_ascii_lowercase())
            && alias.chars().all(fits),
        "the alias {alias:?} is not a name: it must start with a lowercase letter and hold only \
         lowercase letters, digits, '-' and '_' (at most {MAX_NAME}); choose one with --alias"
    );
    Ok(())
}

/// A namespace: aliases joined by dots (`go.micro`, `com.example`).
pub fn check_namespace(namespace: &str) -> anyhow::Result<()> {
    let good = namespace.len() <= MAX_NAME
        && namespace
            .split('.')
            .all(|part| check_alias(part).is_ok() && !part.contains('_'));
    if !good {
        bail!(
            "the namespace {namespace:?} is not one: lowercase words joined by dots, \
             such as go.micro or com.example"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases() {
        for good in ["greeter", "user-profile", "a1", "my_service"] {
            assert!(check_alias(good).is_ok(), "{good}");
        }
        let long = "a".repeat(MAX_NAME + 1);
        for bad in ["", "Greeter", "1st", "-x", "a b", "a/b", "a.b", "ä", &long] {
            assert!(check_alias(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn namespaces() {
        for good in ["go.micro", "com.example", "micro"] {
            assert!(check_namespace(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "go..micro",
            ".go",
            "go.",
            "Go.Micro",
            "go micro",
            "go/micro",
        ] {
            assert!(check_namespace(bad).is_err(), "{bad:?}");
        }
    }
}
