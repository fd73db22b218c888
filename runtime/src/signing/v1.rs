//! Signature v1 (HmacSHA1 / HmacSHA256): the signature travels as a param.
//! The legacy API 2.0 signs the same way.

use std::cell::RefCell;

use base64::Engine;
use hmac::{Hmac, Mac};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum V1Algorithm {
    HmacSha1,
    HmacSha256,
}

impl V1Algorithm {
    /// The `SignatureMethod` param value.
    pub fn param_value(self) -> &'static str {
        match self {
            V1Algorithm::HmacSha1 => "HmacSHA1",
            V1Algorithm::HmacSha256 => "HmacSHA256",
        }
    }
}

/// METHOD + host + path + `?` + params sorted by name, joined as `k=v` with
/// `&`. Values are raw (not URL-encoded) and `_` in names becomes `.`.
pub fn string_to_sign<N: AsRef<str>, V: AsRef<str>>(
    method: &str,
    host: &str,
    path: &str,
    params: &[(N, V)],
) -> String {
    let mut sorted: Vec<(&str, &str)> = params
        .iter()
        .map(|(name, value)| (name.as_ref(), value.as_ref()))
        .collect();
    // Stable, so repeated names keep their order.
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let length: usize = sorted.iter().map(|(n, v)| n.len() + v.len() + 2).sum();
    let mut out = String::with_capacity(method.len() + host.len() + path.len() + 1 + length);
    for part in [method, host, path, "?"] {
        out.push_str(part);
    }
    for (i, (name, value)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        match name.contains('_') {
            true => out.extend(name.chars().map(|c| if c == '_' { '.' } else { c })),
            false => out.push_str(name),
        }
        out.push('=');
        out.push_str(value);
    }
    out
}

/// Base64 of the HMAC of the string to sign.
pub fn signature(secret_key: &str, algorithm: V1Algorithm, string_to_sign: &str) -> String {
    let engine = &base64::engine::general_purpose::STANDARD;
    match keyed_mac(secret_key, algorithm) {
        KeyedMac::Sha1(mut mac) => {
            mac.update(string_to_sign.as_bytes());
            engine.encode(mac.finalize().into_bytes())
        }
        KeyedMac::Sha256(mut mac) => {
            mac.update(string_to_sign.as_bytes());
            engine.encode(mac.finalize().into_bytes())
        }
    }
}

/// An HMAC state keyed with the secret key, before any data.
#[derive(Clone)]
enum KeyedMac {
    Sha1(Hmac<sha1::Sha1>),
    Sha256(Hmac<sha2::Sha256>),
}

/// How many (secret key, algorithm) pairs each thread remembers.
const CACHED_MACS: usize = 2;

thread_local! {
    /// Keying an HMAC hashes two blocks (the padded key, inner and outer):
    /// a fifth of a short request's signature, the same for every request.
    static KEYED_MACS: RefCell<Vec<(String, V1Algorithm, KeyedMac)>> =
        const { RefCell::new(Vec::new()) };
}

fn keyed_mac(secret_key: &str, algorithm: V1Algorithm) -> KeyedMac {
    KEYED_MACS.with(|cell| {
        let mut macs = cell.borrow_mut();
        let found = macs
            .iter()
            .find(|(key, used, _)| *used == algorithm && key == secret_key);
        if let Some((_, _, mac)) = found {
            return mac.clone();
        }
        let key = secret_key.as_bytes();
        let mac = match algorithm {
            V1Algorithm::HmacSha1 => Hmac::new_from_slice(key).map(KeyedMac::Sha1),
            V1Algorithm::HmacSha256 => Hmac::new_from_slice(key).map(KeyedMac::Sha256),
        };
        let Ok(mac) = mac else {
            unreachable!("HMAC takes keys of any length")
        };
        if macs.len() == CACHED_MACS {
            macs.remove(0);
        }
        macs.push((secret_key.to_owned(), algorithm, mac.clone()));
        mac
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The HMAC keyed afresh, through the `hmac` crate directly.
    fn fresh(key: &str, algorithm: V1Algorithm, text: &str) -> Vec<u8> {
        match algorithm {
            V1Algorithm::HmacSha1 => {
                let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()).expect("any key");
                mac.update(text.as_bytes());
                mac.finalize().into_bytes().to_vec()
            }
            V1Algorithm::HmacSha256 => {
                let mut mac =
                    Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).expect("any key");
                mac.update(text.as_bytes());
                mac.finalize().into_bytes().to_vec()
            }
        }
    }

    /// More (key, algorithm) pairs than the cache holds, in an order that
    /// evicts and re-keys: every cached signature is the fresh HMAC's.
    #[test]
    fn cached_keys_sign_like_fresh_ones() {
        let engine = &base64::engine::general_purpose::STANDARD;
        // Longer than a hash block, a long key is hashed first.
        let keys = [
            "k1".to_owned(),
            "k2".to_owned(),
            String::new(),
            "k".repeat(100),
        ];
        for round in 0..3 {
            for (i, key) in keys.iter().enumerate() {
                for algorithm in [V1Algorithm::HmacSha1, V1Algorithm::HmacSha256] {
                    let text = format!("GEThost/?round={round}&key={i}");
                    let expected = engine.encode(fresh(key, algorithm, &text));
                    assert_eq!(
                        signature(key, algorithm, &text),
                        expected,
                        "{i} {algorithm:?}"
                    );
                    // Asked again while cached.
                    assert_eq!(signature(key, algorithm, &text), expected);
                }
            }
        }
    }

    #[test]
    fn sorts_by_name_and_rewrites_underscores() {
        let params = vec![
            ("Nonce".to_owned(), "1".to_owned()),
            ("Action".to_owned(), "X".to_owned()),
            ("instance_ids.0".to_owned(), "a b".to_owned()),
        ];
        assert_eq!(
            string_to_sign("GET", "h.example", "/v2/index.php", &params),
            "GETh.example/v2/index.php?Action=X&Nonce=1&instance.ids.0=a b"
        );
    }
}
