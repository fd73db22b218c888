//! Signature v1 (HmacSHA1 / HmacSHA256): the signature travels as a param.
//! The legacy API 2.0 signs the same way.

use base64::Engine;

use super::{hmac_sha1, hmac_sha256};

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
        for (j, part) in name.split('_').enumerate() {
            if j > 0 {
                out.push('.');
            }
            out.push_str(part);
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
    match algorithm {
        V1Algorithm::HmacSha1 => engine.encode_string(
            hmac_sha1(secret_key.as_bytes(), string_to_sign.as_bytes()),
            out,
        ),
        V1Algorithm::HmacSha256 => engine.encode_string(
            hmac_sha256(secret_key.as_bytes(), string_to_sign.as_bytes()),
            out,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
