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
pub fn string_to_sign(method: &str, host: &str, path: &str, params: &[(String, String)]) -> String {
    let borrowed = params
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    string_to_sign_of(method, host, path, borrowed)
}

/// [`string_to_sign`] of borrowed params, which it sorts in place.
pub fn string_to_sign_of(
    method: &str,
    host: &str,
    path: &str,
    mut params: Vec<(&str, &str)>,
) -> String {
    // Stable, so repeated names keep their order.
    params.sort_by(|a, b| a.0.cmp(b.0));
    let length: usize = params.iter().map(|(n, v)| n.len() + v.len() + 2).sum();
    let mut out = String::with_capacity(method.len() + host.len() + path.len() + 1 + length);
    out.push_str(method);
    out.push_str(host);
    out.push_str(path);
    out.push('?');
    for (i, (name, value)) in params.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        if name.contains('_') {
            for (j, part) in name.split('_').enumerate() {
                if j > 0 {
                    out.push('.');
                }
                out.push_str(part);
            }
        } else {
            out.push_str(name);
        }
        out.push('=');
        out.push_str(value);
    }
    out
}

/// Base64 of the HMAC of the string to sign.
pub fn signature(secret_key: &str, algorithm: V1Algorithm, string_to_sign: &str) -> String {
    let mut out = String::with_capacity(44);
    push_signature(&mut out, secret_key, algorithm, string_to_sign);
    out
}

/// [`signature`] appended to `out`.
pub fn push_signature(
    out: &mut String,
    secret_key: &str,
    algorithm: V1Algorithm,
    string_to_sign: &str,
) {
    let engine = &base64::engine::general_purpose::STANDARD;
    match keyed_mac(secret_key, algorithm) {
        KeyedMac::Sha1(mut mac) => {
            mac.update(string_to_sign.as_bytes());
            engine.encode_string(mac.finalize().into_bytes(), out);
        }
        KeyedMac::Sha256(mut mac) => {
            mac.update(string_to_sign.as_bytes());
            engine.encode_string(mac.finalize().into_bytes(), out);
        }
    }
}

/// An HMAC state keyed with the secret key, before any data.
#[derive(Clone)]
enum KeyedMac {
    Sha1(Hmac<sha1::Sha1>),
    Sha256(Hmac<sha2::Sha256>),
}

struct CachedMac {
    secret_key: String,
    algorithm: V1Algorithm,
    mac: KeyedMac,
}

/// How many (secret key, algorithm) pairs each thread remembers.
const CACHED_MACS: usize = 2;

thread_local! {
    /// Keying an HMAC hashes two blocks (the padded key, inner and outer):
    /// a fifth of a short request's signature, the same for every request.
    static KEYED_MACS: RefCell<Vec<CachedMac>> = const { RefCell::new(Vec::new()) };
}

fn keyed_mac(secret_key: &str, algorithm: V1Algorithm) -> KeyedMac {
    KEYED_MACS.with(|cell| {
        let mut macs = cell.borrow_mut();
        if let Some(found) = macs
            .iter()
            .find(|m| m.algorithm == algorithm && m.secret_key == secret_key)
        {
            return found.mac.clone();
        }
        // HMAC accepts keys of any length, so keying cannot fail.
        let mac = match algorithm {
            V1Algorithm::HmacSha1 => {
                Hmac::new_from_slice(secret_key.as_bytes()).map(KeyedMac::Sha1)
            }
            V1Algorithm::HmacSha256 => {
                Hmac::new_from_slice(secret_key.as_bytes()).map(KeyedMac::Sha256)
            }
        };
        let Ok(mac) = mac else {
            unreachable!("HMAC takes keys of any length")
        };
        if macs.len() == CACHED_MACS {
            macs.remove(0);
        }
        macs.push(CachedMac {
            secret_key: secret_key.to_owned(),
            algorithm,
            mac: mac.clone(),
        });
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
