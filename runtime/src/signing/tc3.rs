//! TC3-HMAC-SHA256, stage by stage: canonical request, string to sign,
//! signature, Authorization header.

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

/// Every intermediate value, for logs-free debugging and stage-by-stage tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tc3Signature {
    pub canonical_request: String,
    pub string_to_sign: String,
    pub signature: String,
    pub authorization: String,
}

/// Lowercased, sorted header names joined by `;`.
pub fn signed_headers(headers: &[(&str, &str)]) -> String {
    sorted_headers(headers)
        .iter()
        .map(|(name, _)| name.as_str())
        .collect::<Vec<_>>()
        .join(";")
}

fn sorted_headers(headers: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    out.sort();
    out
}

pub fn canonical_request(request: &Tc3Request<'_>) -> String {
    let canonical_headers: String = sorted_headers(request.headers)
        .iter()
        .map(|(name, value)| format!("{name}:{value}\n"))
        .collect();
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        request.method,
        request.canonical_uri,
        request.canonical_query,
        canonical_headers,
        signed_headers(request.headers),
        hex::encode(Sha256::digest(request.payload)),
    )
}

/// The UTC date (`YYYY-MM-DD`) of a Unix timestamp, as the credential scope uses.
pub fn date_of(timestamp: i64) -> String {
    let date = time::OffsetDateTime::from_unix_timestamp(timestamp)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .date();
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

pub fn credential_scope(timestamp: i64, service: &str) -> String {
    format!("{}/{service}/tc3_request", date_of(timestamp))
}

pub fn string_to_sign(canonical_request: &str, timestamp: i64, service: &str) -> String {
    format!(
        "{ALGORITHM}\n{timestamp}\n{}\n{}",
        credential_scope(timestamp, service),
        hex::encode(Sha256::digest(canonical_request.as_bytes())),
    )
}

/// The hex signature: HMAC chain over date, service and `tc3_request`.
pub fn signature(secret_key: &str, timestamp: i64, service: &str, string_to_sign: &str) -> String {
    let secret_date = hmac_sha256(
        format!("TC3{secret_key}").as_bytes(),
        date_of(timestamp).as_bytes(),
    );
    let secret_service = hmac_sha256(&secret_date, service.as_bytes());
    let secret_signing = hmac_sha256(&secret_service, b"tc3_request");
    hex::encode(hmac_sha256(&secret_signing, string_to_sign.as_bytes()))
}

pub fn authorization(
    secret_id: &str,
    timestamp: i64,
    service: &str,
    signed_headers: &str,
    signature: &str,
) -> String {
    format!(
        "{ALGORITHM} Credential={secret_id}/{}, SignedHeaders={signed_headers}, Signature={signature}",
        credential_scope(timestamp, service)
    )
}

/// Runs every stage.
pub fn sign(
    secret_id: &str,
    secret_key: &str,
    service: &str,
    timestamp: i64,
    request: &Tc3Request<'_>,
) -> Tc3Signature {
    let canonical_request = canonical_request(request);
    let string_to_sign = string_to_sign(&canonical_request, timestamp, service);
    let signature = signature(secret_key, timestamp, service, &string_to_sign);
    let authorization = authorization(
        secret_id,
        timestamp,
        service,
        &signed_headers(request.headers),
        &signature,
    );
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
}
