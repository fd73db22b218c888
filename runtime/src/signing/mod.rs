//! Request signers. Each is a pure function of credentials, time and the
//! request parts, so tests can pin the clock and the nonce.
//!
//! - [`tc3`]: TC3-HMAC-SHA256, API 3.0's default.
//! - [`v1`]: HmacSHA1 / HmacSHA256 over the sorted params ("signature v1"),
//!   also the legacy API 2.0 signature.

pub mod tc3;
pub mod v1;

use hmac::{Hmac, Mac};

pub(crate) fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = match Hmac::<sha2::Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    mac.update(data);
    mac.finalize().into_bytes().into()
}
