//! The few cookies Sightline sets, read and written by hand.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

pub const SESSION: &str = "sl_session";
pub const CSRF: &str = "sl_csrf";
pub const LANG: &str = "sl_lang";
/// A random token that lets an anonymous browser keep its public-course attempts.
pub const ANON: &str = "sl_anon";
/// Public-course lessons read in this browser.
pub const PUBLIC_DONE: &str = "sl_pub";

/// The value of cookie `name` in the request, if any.
#[must_use]
pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A `Set-Cookie` value. `max_age` of `None` makes a session cookie; `Some(0)`
/// deletes it.
#[must_use]
pub fn set(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}
