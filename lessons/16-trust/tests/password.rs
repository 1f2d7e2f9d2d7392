//! Exercise `trust.password`: `l16_trust::exercises::password::verify`.

use argon2::password_hash::SaltString;
use argon2::password_hash::rand_core::OsRng;
use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, Version};
use l16_trust::exercises::password::verify;
use l16_trust::password::hash;

#[test]
fn the_right_password_is_true_and_a_wrong_one_false() {
    let stored = hash("correct horse battery").expect("a hash");
    assert!(
        stored.starts_with("$argon2id$"),
        "what is stored is an Argon2id PHC string: {stored}"
    );
    let right = verify(&stored, "correct horse battery").expect("the stored hash checks");
    assert!(right, "the password the hash was made from is right");
    for wrong in ["correct horse batterY", "correct horse battery ", ""] {
        let checked = verify(&stored, wrong).expect("a wrong password is no error");
        assert!(!checked, "{wrong:?} is not the password");
    }
}

#[test]
fn a_hash_made_with_other_costs_and_variants_still_checks() {
    // An older record: cheaper costs, and Argon2i rather than Argon2id. Its PHC string says
    // which; a check that assumes today's settings would call every such user wrong.
    for algorithm in [Algorithm::Argon2i, Algorithm::Argon2id] {
        let params = Params::new(8 * 1024, 1, 1, None).expect("costs");
        let argon2 = Argon2::new(algorithm, Version::V0x13, params);
        let salt = SaltString::generate(&mut OsRng);
        let old = argon2
            .hash_password(b"an older password", &salt)
            .expect("a hash")
            .to_string();
        let right = verify(&old, "an older password").expect("the old hash checks");
        assert!(right, "{old} was made from \"an older password\"");
        let wrong = verify(&old, "a newer password").expect("a wrong password is no error");
        assert!(!wrong, "{old} was not made from \"a newer password\"");
    }
}

#[test]
fn a_stored_value_that_is_no_hash_is_an_error_not_a_match() {
    // A record gone bad, or a password someone stored in clear: never equal to anything.
    let bcrypt = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW";
    for stored in ["hunter2hunter2", "", bcrypt] {
        let checked = verify(stored, stored);
        assert!(
            checked.is_err(),
            "{stored:?} is no PHC string, and checking against it is an error, not {checked:?}"
        );
    }
}
