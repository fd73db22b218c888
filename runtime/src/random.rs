//! Random values: a v1 signature's nonce, a retry's jitter, client tokens.
//! None of them is a secret; they only need to differ.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Bytes from the operating system's random source, which every platform
/// the TLS stack runs on has (ring draws its keys from it). Should it ever
/// fail, the clock and a counter stand in: a nonce, a retry's jitter or a
/// client token only need to differ, never to be secret.
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    if getrandom::getrandom(&mut bytes).is_err() {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        let seed = (nanos ^ (u128::from(count) << 64)).to_le_bytes();
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = seed[i % seed.len()].wrapping_add((i / seed.len()) as u8);
        }
    }
    bytes
}

/// A uniform number in `[0, 1)`: a retry's jitter.
pub(crate) fn unit_random() -> f64 {
    // The top 53 bits, as many as an f64 holds exactly.
    (u64::from_ne_bytes(random_bytes()) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prepare::{new_client_token, SigningContext};

    #[test]
    fn random_draws_differ() {
        let tokens: std::collections::BTreeSet<String> =
            (0..1000).map(|_| new_client_token()).collect();
        assert_eq!(tokens.len(), 1000);
        let nonces: std::collections::BTreeSet<u32> =
            (0..1000).map(|_| SigningContext::now().nonce).collect();
        assert!(
            nonces.len() > 990 && !nonces.contains(&0),
            "{}",
            nonces.len()
        );
        assert_ne!(random_bytes::<32>(), random_bytes::<32>());
    }

    #[test]
    fn jitter_is_in_the_unit_interval() {
        assert!((0..1000)
            .map(|_| unit_random())
            .all(|x| (0.0..1.0).contains(&x)));
    }
}
