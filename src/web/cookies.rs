//! The portal's cookies, read and written in this one place. Every cookie
//! is HttpOnly, SameSite=Lax, on the whole site, and Secure when the portal
//! is served over https.

use axum::http::request::Parts;
use axum::http::{HeaderValue, header};

/// The value of cookie `name` in the request, if any.
pub fn read<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// A `Set-Cookie` value. `max_age_secs = 0` deletes the cookie.
pub fn set(name: &str, value: &str, max_age_secs: u64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{secure}"
    ))
    .unwrap_or(HeaderValue::from_static("invalid=1; Max-Age=0"))
}

/// A `Set-Cookie` value that deletes cookie `name`.
pub fn remove(name: &str, secure: bool) -> HeaderValue {
    set(name, "", 0, secure)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(cookie: &str) -> Parts {
        let (parts, _) = axum::http::Request::builder()
            .header(header::COOKIE, cookie)
            .body(())
            .unwrap()
            .into_parts();
        parts
    }

    #[test]
    fn a_cookie_is_found_among_others() {
        let parts = parts("a=1; portal_lang=en; b=2");
        assert_eq!(read(&parts, "portal_lang"), Some("en"));
        assert_eq!(read(&parts, "missing"), None);
    }

    #[test]
    fn cookies_are_http_only_lax_and_secure_over_https() {
        let plain = set("x", "1", 60, false);
        let plain = plain.to_str().unwrap();
        assert!(plain.starts_with("x=1; Path=/; Max-Age=60; HttpOnly; SameSite=Lax"));
        assert!(!plain.contains("Secure"));
        assert!(
            set("x", "1", 60, true)
                .to_str()
                .unwrap()
                .ends_with("; Secure")
        );
        assert!(remove("x", false).to_str().unwrap().contains("Max-Age=0"));
    }
}
