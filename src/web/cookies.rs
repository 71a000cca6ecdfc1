//! The portal's cookies, read and written in this one place. Every cookie
//! is HttpOnly, SameSite=Lax, on the whole site, and over https Secure and
//! named with the `__Host-` prefix, which browsers only accept from this
//! host over https: a sibling subdomain or a plain-http attacker cannot
//! plant one.

use axum::http::request::Parts;
use axum::http::{HeaderValue, header};

/// The name a cookie has on the wire: `__Host-name` over https.
pub fn wire_name(name: &str, secure: bool) -> String {
    if secure {
        format!("__Host-{name}")
    } else {
        name.to_owned()
    }
}

/// The value of cookie `name` in the request, if any (under its `__Host-`
/// name only, over https).
pub fn read<'a>(parts: &'a Parts, name: &str, secure: bool) -> Option<&'a str> {
    read_exact(parts, &wire_name(name, secure))
}

fn read_exact<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
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
    let name = wire_name(name, secure);
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

/// The language cookie under either name: a preference, not a credential.
pub fn read_preference<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    read_exact(parts, &wire_name(name, true)).or_else(|| read_exact(parts, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_https_cookies_carry_the_host_prefix_and_only_it_is_read() {
        let set = set("portal_session", "t", 60, true);
        assert!(
            set.to_str()
                .unwrap()
                .starts_with("__Host-portal_session=t; Path=/;")
        );
        assert!(set.to_str().unwrap().contains("; Secure"));
        let planted = parts("portal_session=evil");
        assert_eq!(read(&planted, "portal_session", true), None);
        let real = parts("__Host-portal_session=t");
        assert_eq!(read(&real, "portal_session", true), Some("t"));
    }

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
        assert_eq!(read(&parts, "portal_lang", false), Some("en"));
        assert_eq!(read(&parts, "missing", false), None);
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
