//! Reading and writing the two cookies of the platform: the session and the pre-session (login form).

use axum::http::{HeaderMap, HeaderValue, header};

pub const SESSION: &str = "communs_session";
pub const PRESESSION: &str = "communs_presession";

/// The value of a cookie sent by the browser.
pub fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, `Secure` when served over HTTPS.
/// `max_age` of `None` makes a cookie for the browser session; `Some(0)` deletes it.
pub fn set(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> HeaderValue {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        cookie.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        cookie.push_str("; Secure");
    }
    HeaderValue::from_str(&cookie).expect("cookie values are ASCII tokens")
}

/// A fresh random token, 32 bytes as hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_named_cookie() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; communs_session=abc; b=2"));
        assert_eq!(get(&headers, SESSION), Some("abc"));
        assert_eq!(get(&headers, PRESESSION), None);
    }

    #[test]
    fn writes_safe_attributes() {
        let v = set(SESSION, "abc", Some(3600), true);
        assert_eq!(v.to_str().unwrap(), "communs_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600; Secure");
        assert_eq!(random_token().len(), 64);
        assert_ne!(random_token(), random_token());
    }
}
