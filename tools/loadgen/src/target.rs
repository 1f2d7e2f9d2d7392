//! Where the load goes: this machine, and nowhere else.
//!
//! A load generator sends as many requests as a server can take. Pointed at another
//! machine by a typo, that is an attack, so `loadgen` resolves the address once, refuses it
//! unless every address it resolves to is loopback (127.0.0.0/8 or ::1), and then connects
//! only to the address it checked: a name cannot resolve to something else later.

use std::net::SocketAddr;

use anyhow::{Context, bail};

// ANCHOR: loopback
/// Resolves `addr` (`HOST:PORT`) and returns it if it is on this machine.
pub async fn loopback(addr: &str) -> anyhow::Result<SocketAddr> {
    let resolved: Vec<SocketAddr> = tokio::net::lookup_host(addr)
        .await
        .with_context(|| format!("cannot resolve {addr:?} (expected HOST:PORT)"))?
        .collect();
    let Some(first) = resolved.first().copied() else {
        bail!("{addr:?} resolves to no address");
    };
    // Loopback is 127.0.0.0/8 and ::1 only, not ::ffff:127.0.0.1 (IPv4 mapped into IPv6).
    if let Some(outside) = resolved.iter().find(|a| !a.ip().is_loopback()) {
        bail!(
            "refusing to send load to {addr} ({}): loadgen only targets this machine \
             (127.0.0.0/8 or ::1)",
            outside.ip()
        );
    }
    Ok(first)
}
// ANCHOR_END: loopback

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn loopback_addresses_are_accepted() {
        for addr in [
            "127.0.0.1:7001",
            "127.4.5.6:1",
            "[::1]:7005",
            "localhost:7002",
        ] {
            let resolved = loopback(addr).await.unwrap();
            assert!(resolved.ip().is_loopback(), "{addr} → {resolved}");
        }
    }

    #[tokio::test]
    async fn other_addresses_are_refused_by_name() {
        for addr in [
            "10.0.0.1:7001",
            "192.168.1.1:7002",
            "8.8.8.8:53",
            "0.0.0.0:7003",
            "[::]:7005",
            "[::ffff:10.0.0.1]:7001",
            "[::ffff:127.0.0.1]:7001",
            "[2001:db8::1]:7001",
        ] {
            let err = loopback(addr).await.unwrap_err().to_string();
            assert!(err.contains("refusing"), "{addr}: {err}");
            assert!(err.contains("127.0.0.0/8 or ::1"), "{addr}: {err}");
        }
    }

    #[tokio::test]
    async fn an_address_without_a_port_is_an_error_not_a_panic() {
        let err = loopback("127.0.0.1").await.unwrap_err().to_string();
        assert!(err.contains("HOST:PORT"), "{err}");
    }
}
