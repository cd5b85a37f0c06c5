//! AWS Signature Version 4 for S3 requests signed in the `Authorization` header, with the payload hash
//! in `x-amz-content-sha256` (single-chunk transfer).
//!
//! The four steps of the specification: canonical request → string to sign → signing key derived from the
//! secret by chained HMAC-SHA256 over date, region, service and `aws4_request` → signature.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// SHA-256 of the empty payload, sent with every request that has no body.
pub(crate) const EMPTY_PAYLOAD_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// What is signed about one request.
pub(crate) struct Request<'a> {
    pub method: &'a str,
    /// The `Host` header exactly as sent (with the port when it is not the default one).
    pub host: &'a str,
    /// Path, already URI-encoded with [`uri_encode`] (`/` kept).
    pub canonical_uri: &'a str,
    /// Query string, already encoded and sorted with [`canonical_query`].
    pub canonical_query: &'a str,
    /// Other headers to sign, names in lower case.
    pub extra_headers: &'a [(&'a str, &'a str)],
    /// Hex SHA-256 of the payload, also sent as `x-amz-content-sha256`.
    pub payload_sha256: &'a str,
    /// `YYYYMMDDTHHMMSSZ`, also sent as `x-amz-date`.
    pub amz_date: &'a str,
}

/// Region, service and keys.
pub(crate) struct Signer<'a> {
    pub access_key_id: &'a str,
    pub secret_access_key: &'a str,
    pub region: &'a str,
    pub service: &'a str,
}

impl Signer<'_> {
    /// The value of the `Authorization` header.
    pub fn authorization(&self, request: &Request<'_>) -> String {
        let (canonical, signed_headers) = canonical_request(request);
        let date = &request.amz_date[..8];
        let scope = format!("{date}/{}/{}/aws4_request", self.region, self.service);
        let to_sign = string_to_sign(request.amz_date, &scope, &canonical);
        let key = signing_key(self.secret_access_key, date, self.region, self.service);
        let signature = hex::encode(hmac(&key, to_sign.as_bytes()));
        format!("{ALGORITHM} Credential={}/{scope},SignedHeaders={signed_headers},Signature={signature}", self.access_key_id)
    }
}

/// The canonical request and the `SignedHeaders` list.
fn canonical_request(request: &Request<'_>) -> (String, String) {
    let mut headers: Vec<(String, String)> = vec![
        ("host".into(), request.host.trim().into()),
        ("x-amz-content-sha256".into(), request.payload_sha256.into()),
        ("x-amz-date".into(), request.amz_date.into()),
    ];
    for (name, value) in request.extra_headers {
        headers.push((name.to_ascii_lowercase(), collapse_spaces(value)));
    }
    headers.sort();
    let mut canonical_headers = String::new();
    for (name, value) in &headers {
        canonical_headers.push_str(name);
        canonical_headers.push(':');
        canonical_headers.push_str(value);
        canonical_headers.push('\n');
    }
    let signed_headers = headers.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(";");
    let canonical = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        request.method, request.canonical_uri, request.canonical_query, canonical_headers, signed_headers, request.payload_sha256
    );
    (canonical, signed_headers)
}

fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    let hashed = hex::encode(Sha256::digest(canonical_request.as_bytes()));
    format!("{ALGORITHM}\n{amz_date}\n{scope}\n{hashed}")
}

fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

fn collapse_spaces(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// URI-encodes as SigV4 wants: every byte except `A-Za-z0-9-_.~` becomes `%XX` (upper-case hex);
/// `/` is kept when `keep_slash` (object paths) and encoded otherwise (query values).
pub(crate) fn uri_encode(input: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(input.len());
    for &byte in input.as_bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            b'/' if keep_slash => out.push('/'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The canonical query string (also usable as the URL's query): encoded pairs sorted by name.
pub(crate) fn canonical_query(params: &[(&str, &str)]) -> String {
    let mut encoded: Vec<(String, String)> = params.iter().map(|(k, v)| (uri_encode(k, false), uri_encode(v, false))).collect();
    encoded.sort();
    encoded.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: Signer<'static> = Signer {
        access_key_id: "AKIAIOSFODNN7EXAMPLE",
        secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        region: "us-east-1",
        service: "s3",
    };

    /// "Example: GET Object" of the Amazon S3 SigV4 documentation (header-based authentication).
    #[test]
    fn aws_documented_get_object_example() {
        let request = Request {
            method: "GET",
            host: "examplebucket.s3.amazonaws.com",
            canonical_uri: "/test.txt",
            canonical_query: "",
            extra_headers: &[("range", "bytes=0-9")],
            payload_sha256: EMPTY_PAYLOAD_SHA256,
            amz_date: "20130524T000000Z",
        };
        let (canonical, signed) = canonical_request(&request);
        assert_eq!(signed, "host;range;x-amz-content-sha256;x-amz-date");
        assert_eq!(
            canonical,
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n\
             x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n\
             x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            string_to_sign("20130524T000000Z", "20130524/us-east-1/s3/aws4_request", &canonical),
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n\
             7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"
        );
        assert_eq!(
            EXAMPLE.authorization(&request),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,\
             SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,\
             Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
    }

    /// "Example: List Objects" of the same documentation page (a signed query string).
    #[test]
    fn aws_documented_list_objects_example() {
        let query = canonical_query(&[("prefix", "J"), ("max-keys", "2")]);
        assert_eq!(query, "max-keys=2&prefix=J");
        let request = Request {
            method: "GET",
            host: "examplebucket.s3.amazonaws.com",
            canonical_uri: "/",
            canonical_query: &query,
            extra_headers: &[],
            payload_sha256: EMPTY_PAYLOAD_SHA256,
            amz_date: "20130524T000000Z",
        };
        assert!(EXAMPLE.authorization(&request).ends_with("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"));
    }

    /// The signing-key derivation example of the AWS general reference (IAM, 2012-02-15).
    #[test]
    fn aws_documented_signing_key_example() {
        let key = signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
        assert_eq!(hex::encode(key), "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
    }

    #[test]
    fn encoding_follows_sigv4_rules() {
        assert_eq!(uri_encode("a b/c~d_e.f-g+h*", true), "a%20b/c~d_e.f-g%2Bh%2A");
        assert_eq!(uri_encode("x/y=é", false), "x%2Fy%3D%C3%A9");
        assert_eq!(canonical_query(&[("start-after", "a/b"), ("list-type", "2"), ("prefix", "")]), "list-type=2&prefix=&start-after=a%2Fb");
    }
}
