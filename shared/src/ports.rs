//! Where a lesson's program listens when `--addr` is not given: the port the book shows
//! (lesson NN's server on 70NN, a second listener on 71NN), or — in a shell where
//! `WORKBOOK_BASE_PORT` gives this copy of the course a block of 100 ports of its own, as
//! `cargo run -p workbook -- ports` prints it — the same place in that block. Twenty
//! learners on one classroom server then run the book's commands without colliding.
//!
//! The block, from its base B: lesson NN's server at B+10+NN (70NN), its second listener
//! at B+50+NN (71NN). The runner's own table (`workbook_core::ports`) is the same, and a
//! test of lesson 01 runs its server to hold the two together.

/// The variable that gives a shell's programs a base port.
pub const BASE_PORT_VAR: &str = "WORKBOOK_BASE_PORT";

/// `standard` (`127.0.0.1:7005`), moved into the block of `WORKBOOK_BASE_PORT` when it is
/// set; any other address, or a base that leaves no room for the block, as it is.
pub fn default_addr(standard: &str) -> String {
    let base = std::env::var(BASE_PORT_VAR)
        .ok()
        .and_then(|value| value.trim().parse::<u16>().ok());
    match base.and_then(|base| in_block(base, standard)) {
        Some(port) => format!("127.0.0.1:{port}"),
        None => standard.to_string(),
    }
}

/// [`default_addr`] as a socket address, for a program that takes one.
pub fn default_socket(standard: &str) -> std::net::SocketAddr {
    default_addr(standard)
        .parse()
        .expect("a lesson's standard address is 127.0.0.1:PORT")
}

/// Where `standard`'s port goes in the block that starts at `base`.
fn in_block(base: u16, standard: &str) -> Option<u16> {
    let port: u16 = standard.strip_prefix("127.0.0.1:")?.parse().ok()?;
    let offset = match port {
        7001..=7039 => 10 + (port - 7000),
        7101..=7149 => 50 + (port - 7100),
        _ => return None,
    };
    base.checked_add(99)?;
    Some(base + offset)
}

#[cfg(test)]
mod tests {
    use super::in_block;

    #[test]
    fn a_lessons_ports_keep_their_place_in_the_block() {
        assert_eq!(in_block(20000, "127.0.0.1:7001"), Some(20011));
        assert_eq!(in_block(20000, "127.0.0.1:7012"), Some(20022));
        assert_eq!(in_block(20000, "127.0.0.1:7103"), Some(20053));
        assert_eq!(in_block(20100, "127.0.0.1:7031"), Some(20141));
        assert_eq!(
            in_block(20000, "127.0.0.1:8500"),
            None,
            "not a lesson's port"
        );
        assert_eq!(
            in_block(20000, "0.0.0.0:7001"),
            None,
            "not the book's address"
        );
        assert_eq!(
            in_block(65500, "127.0.0.1:7001"),
            None,
            "no room for the block"
        );
    }
}
