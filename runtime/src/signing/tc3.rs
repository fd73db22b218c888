//! TC3-HMAC-SHA256, stage by stage: canonical request, string to sign,
//! signature, Authorization header. [`sign`] runs the stages in order.

use std::borrow::Cow;
use std::cell::RefCell;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::hmac_sha256;

pub const ALGORITHM: &str = "TC3-HMAC-SHA256";

/// The parts of a request that TC3 signs.
#[derive(Debug, Clone, Copy)]
pub struct Tc3Request<'a> {
    /// `POST` or `GET`.
    pub method: &'a str,
    /// The URL path, `/` for every API 3.0 service.
    pub canonical_uri: &'a str,
    /// The query string exactly as sent (URL-encoded); empty for POST.
    pub canonical_query: &'a str,
    /// The headers to sign, as (name, value); the signer lowercases names
    /// and sorts them.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body bytes; empty for GET.
    pub payload: &'a [u8],
}

/// Every intermediate value, for logs-free debugging and stage-by-stage
/// tests. Debug leaves out the signature, which can be replayed.
#[derive(Clone, PartialEq, Eq)]
pub struct Tc3Signature {
    pub canonical_request: String,
    pub string_to_sign: String,
    pub signature: String,
    pub authorization: String,
}

impl std::fmt::Debug for Tc3Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redacted = "<redacted>";
        f.debug_struct("Tc3Signature")
            .field("canonical_request", &self.canonical_request)
            .field("string_to_sign", &self.string_to_sign)
            .field("signature", &redacted)
            .field(
                "authorization",
                &match self.signature.is_empty() {
                    true => self.authorization.clone(),
                    false => self.authorization.replace(&self.signature, redacted),
                },
            )
            .finish()
    }
}

/// (lowercased name, trimmed value), sorted by name. Names are usually
/// lowercase already, so this borrows them.
fn sorted_headers<'a>(headers: &[(&'a str, &'a str)]) -> Vec<(Cow<'a, str>, &'a str)> {
    let mut out: Vec<_> = headers
        .iter()
        .map(
            |&(name, value)| match name.bytes().any(|b| b.is_ascii_uppercase()) {
                true => (Cow::Owned(name.to_ascii_lowercase()), value.trim()),
                false => (Cow::Borrowed(name), value.trim()),
            },
        )
        .collect();
    out.sort_unstable();
    out
}

/// Lowercased, sorted header names joined by `;`.
pub fn signed_headers(headers: &[(&str, &str)]) -> String {
    joined_names(&sorted_headers(headers))
}

fn joined_names(sorted: &[(Cow<'_, str>, &str)]) -> String {
    let mut out = String::with_capacity(64);
    for (i, (name, _)) in sorted.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(name);
    }
    out
}

/// Appends the lowercase hex of a SHA-256 digest or MAC, encoded on the stack.
fn push_hex(out: &mut String, bytes: &[u8; 32]) {
    let mut text = [0u8; 64];
    // 32 bytes always fit in 64 digits, and the digits are ASCII.
    if hex::encode_to_slice(bytes, &mut text).is_ok() {
        out.push_str(std::str::from_utf8(&text).unwrap_or_default());
    }
}

pub fn canonical_request(request: &Tc3Request<'_>) -> String {
    let sorted = sorted_headers(request.headers);
    canonical_request_of(request, &sorted, &joined_names(&sorted))
}

fn canonical_request_of(
    request: &Tc3Request<'_>,
    sorted: &[(Cow<'_, str>, &str)],
    signed_headers: &str,
) -> String {
    let mut out = String::with_capacity(256 + request.canonical_query.len());
    for part in [
        request.method,
        request.canonical_uri,
        request.canonical_query,
    ] {
        out.push_str(part);
        out.push('\n');
    }
    for (name, value) in sorted {
        for part in [name, ":", value, "\n"] {
            out.push_str(part);
        }
    }
    out.push('\n');
    out.push_str(signed_headers);
    out.push('\n');
    push_hex(&mut out, &Sha256::digest(request.payload).into());
    out
}

/// The UTC date (`YYYY-MM-DD`) of a Unix timestamp, as the credential scope uses.
pub fn date_of(timestamp: i64) -> String {
    let date = time::OffsetDateTime::from_unix_timestamp(timestamp)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .date();
    // Years past 9999 are out of `time`'s default range, so four digits do.
    let y = date.year().clamp(0, 9999) as u32;
    let (m, d) = (u32::from(u8::from(date.month())), u32::from(date.day()));
    // Digit by digit (10 is the dash): a tenth of `format!`'s cost.
    let digits = [
        y / 1000,
        y / 100 % 10,
        y / 10 % 10,
        y % 10,
        10,
        m / 10,
        m % 10,
        10,
        d / 10,
        d % 10,
    ];
    let char_of = |n: u32| char::from_digit(n, 10).unwrap_or('-');
    digits.into_iter().map(char_of).collect()
}

pub fn credential_scope(timestamp: i64, service: &str) -> String {
    scope_of(&date_of(timestamp), service)
}

fn scope_of(date: &str, service: &str) -> String {
    [date, "/", service, "/tc3_request"].concat()
}

pub fn string_to_sign(canonical_request: &str, timestamp: i64, service: &str) -> String {
    string_to_sign_of(
        canonical_request,
        timestamp,
        &credential_scope(timestamp, service),
    )
}

fn string_to_sign_of(canonical_request: &str, timestamp: i64, scope: &str) -> String {
    let mut out = String::with_capacity(128);
    let mut stamp = itoa::Buffer::new();
    for part in [ALGORITHM, "\n", stamp.format(timestamp), "\n", scope, "\n"] {
        out.push_str(part);
    }
    push_hex(
        &mut out,
        &Sha256::digest(canonical_request.as_bytes()).into(),
    );
    out
}

/// The HMAC keyed with the derived signing key: the chain over date,
/// service and `tc3_request`.
fn derive_signing_mac(secret_key: &str, date: &str, service: &str) -> Hmac<Sha256> {
    let secret_date = hmac_sha256(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let secret_service = hmac_sha256(&secret_date, service.as_bytes());
    let secret_signing = hmac_sha256(&secret_service, b"tc3_request");
    match Hmac::<Sha256>::new_from_slice(&secret_signing) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    }
}

/// How many (key, day, service) triples each thread remembers.
const CACHED_KEYS: usize = 4;

/// (secret key, date, service) and the HMAC keyed with their signing key.
type CachedKey = ((String, String, String), Hmac<Sha256>);

thread_local! {
    /// The key derivation costs three HMACs, more than the rest of the
    /// signature; it changes once a day per secret key and service.
    static SIGNING_KEYS: RefCell<Vec<CachedKey>> = const { RefCell::new(Vec::new()) };
}

/// [`derive_signing_mac`], from this thread's cache when it has the key.
fn signing_mac(secret_key: &str, date: &str, service: &str) -> Hmac<Sha256> {
    SIGNING_KEYS.with(|cell| {
        let mut keys = cell.borrow_mut();
        let found = keys
            .iter()
            .find(|((k, d, s), _)| d == date && s == service && k == secret_key);
        if let Some((_, mac)) = found {
            return mac.clone();
        }
        let mac = derive_signing_mac(secret_key, date, service);
        if keys.len() == CACHED_KEYS {
            keys.remove(0);
        }
        let key = (secret_key.to_owned(), date.to_owned(), service.to_owned());
        keys.push((key, mac.clone()));
        mac
    })
}

fn hex_signature(mut mac: Hmac<Sha256>, string_to_sign: &str) -> String {
    mac.update(string_to_sign.as_bytes());
    let mut out = String::with_capacity(64);
    push_hex(&mut out, &mac.finalize().into_bytes().into());
    out
}

/// The hex signature: HMAC chain over date, service and `tc3_request`.
/// Derives the key afresh; [`sign`] reuses it within a day.
pub fn signature(secret_key: &str, timestamp: i64, service: &str, string_to_sign: &str) -> String {
    let mac = derive_signing_mac(secret_key, &date_of(timestamp), service);
    hex_signature(mac, string_to_sign)
}

pub fn authorization(
    secret_id: &str,
    timestamp: i64,
    service: &str,
    signed_headers: &str,
    signature: &str,
) -> String {
    let scope = credential_scope(timestamp, service);
    authorization_of(secret_id, &scope, signed_headers, signature)
}

fn authorization_of(secret_id: &str, scope: &str, signed_headers: &str, signature: &str) -> String {
    [
        ALGORITHM,
        " Credential=",
        secret_id,
        "/",
        scope,
        ", SignedHeaders=",
        signed_headers,
        ", Signature=",
        signature,
    ]
    .concat()
}

/// Runs every stage, the date, the sorted headers and their names worked
/// out once, with the derived key cached per thread for the day.
pub fn sign(
    secret_id: &str,
    secret_key: &str,
    service: &str,
    timestamp: i64,
    request: &Tc3Request<'_>,
) -> Tc3Signature {
    let sorted = sorted_headers(request.headers);
    let signed_headers = joined_names(&sorted);
    let date = date_of(timestamp);
    let scope = scope_of(&date, service);
    let canonical_request = canonical_request_of(request, &sorted, &signed_headers);
    let string_to_sign = string_to_sign_of(&canonical_request, timestamp, &scope);
    let signature = hex_signature(signing_mac(secret_key, &date, service), &string_to_sign);
    let authorization = authorization_of(secret_id, &scope, &signed_headers, &signature);
    Tc3Signature {
        canonical_request,
        string_to_sign,
        signature,
        authorization,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_is_utc() {
        assert_eq!(date_of(0), "1970-01-01");
        assert_eq!(date_of(1_551_113_065), "2019-02-25");
        // 23:59:59 UTC and one second later.
        assert_eq!(date_of(1_551_139_199), "2019-02-25");
        assert_eq!(date_of(1_551_139_200), "2019-02-26");
    }

    #[test]
    fn headers_are_lowercased_and_sorted() {
        let headers = [
            ("Host", "h"),
            ("Content-Type", " a/b "),
            ("X-TC-Action", "x"),
        ];
        assert_eq!(signed_headers(&headers), "content-type;host;x-tc-action");
        let request = Tc3Request {
            method: "POST",
            canonical_uri: "/",
            canonical_query: "",
            headers: &headers,
            payload: b"",
        };
        let canonical = canonical_request(&request);
        assert!(canonical.contains("content-type:a/b\nhost:h\nx-tc-action:x\n\n"));
        // SHA-256 of the empty string.
        assert!(
            canonical.ends_with("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        );
    }

    #[test]
    fn cached_keys_follow_the_secret_key_the_day_and_the_service() {
        let headers = [("content-type", "application/json"), ("host", "h")];
        let request = Tc3Request {
            method: "POST",
            canonical_uri: "/",
            canonical_query: "",
            headers: &headers,
            payload: b"{}",
        };
        let day = 1_551_113_065;
        let next_day = day + 86_400;
        // More combinations than the cache holds, each signed twice: every
        // cached signature must equal the one from a freshly derived key.
        for _ in 0..2 {
            for key in ["key-a", "key-b", "key-c"] {
                for timestamp in [day, next_day] {
                    for service in ["cvm", "vpc"] {
                        let signed = sign("id", key, service, timestamp, &request);
                        let string_to_sign =
                            string_to_sign(&signed.canonical_request, timestamp, service);
                        assert_eq!(signed.string_to_sign, string_to_sign);
                        assert_eq!(
                            signed.signature,
                            signature(key, timestamp, service, &string_to_sign),
                            "{key} {timestamp} {service}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn hex_is_lowercase_two_digits_a_byte() {
        let mut out = String::new();
        let mut bytes = [0u8; 32];
        bytes[..4].copy_from_slice(&[0x00, 0x0f, 0xa5, 0xff]);
        push_hex(&mut out, &bytes);
        assert_eq!(out, format!("000fa5ff{}", "0".repeat(56)));
    }

    #[test]
    fn dates_are_zero_padded() {
        assert_eq!(date_of(-62_135_596_800), "0001-01-01");
        assert_eq!(date_of(253_402_300_799), "9999-12-31");
    }
}
