//! Random values: a v1 signature's nonce, a retry's jitter, client tokens.
//! None of them is a secret; they only need to differ. So they come from a
//! generator seeded once per thread from the operating system's source,
//! not from a system call per draw: every call signs with a fresh nonce.

use std::cell::Cell;
use std::time::{SystemTime, UNIX_EPOCH};

fn nanos() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// The next draw: SplitMix64 over a state seeded once per thread from the
/// operating system's random source (which every platform the TLS stack
/// runs on has; should it fail, the clock stands in), with the clock mixed
/// into each draw so that processes forked with the same state still differ.
fn next_u64() -> u64 {
    thread_local!(static STATE: Cell<u64> = Cell::new({
        let mut seed = nanos().to_ne_bytes();
        let _ = getrandom::getrandom(&mut seed);
        u64::from_ne_bytes(seed)
    }));
    let state = STATE.with(|state| {
        let next = state.get().wrapping_add(0x9e37_79b9_7f4a_7c15);
        state.set(next);
        next
    });
    let mut z = state ^ nanos();
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// `N` random bytes.
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    for chunk in bytes.chunks_mut(8) {
        chunk.copy_from_slice(&next_u64().to_ne_bytes()[..chunk.len()]);
    }
    bytes
}

/// A uniform number in `[0, 1)`: a retry's jitter.
pub(crate) fn unit_random() -> f64 {
    // The top 53 bits, as many as an f64 holds exactly.
    (next_u64() >> 11) as f64 / (1u64 << 53) as f64
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

    /// Each thread seeds its own generator: their first draws differ, and
    /// the words of one draw differ from each other.
    #[test]
    fn threads_draw_apart() {
        let first = || random_bytes::<16>();
        let draws: std::collections::BTreeSet<[u8; 16]> = (0..64)
            .map(|_| std::thread::spawn(first).join().expect("draws"))
            .collect();
        assert_eq!(draws.len(), 64);
        assert!(draws.iter().all(|draw| draw[..8] != draw[8..]));
    }

    #[test]
    fn jitter_is_in_the_unit_interval() {
        assert!((0..1000)
            .map(|_| unit_random())
            .all(|x| (0.0..1.0).contains(&x)));
    }
}
