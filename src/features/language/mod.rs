//! Which language the portal speaks to this person: French by default,
//! switchable on every page, remembered in a cookie. With WASM the switch is
//! instant; without it the same link goes through `/lang/{code}`.

use crate::error::AppError;
use crate::i18n::Lang;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[cfg(feature = "ssr")]
pub mod ssr;

/// The same signal twice: `RwSignal` (Copy, for views) and `ArcRwSignal`
/// for what leptos_meta reads outside the render's arena (the title).
#[derive(Clone)]
struct CurrentLang(RwSignal<Lang>, ArcRwSignal<Lang>);

/// The language of the request being rendered (server) or of the page being
/// hydrated (browser), so both sides start from the same value.
pub fn initial_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get(axum::http::header::COOKIE)
                    .and_then(|value| value.to_str().ok())
                    .and_then(Lang::from_cookie_header)
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|html| html.get_attribute("lang"))
            .and_then(|code| Lang::parse(&code))
            .unwrap_or_default()
    }
}

pub fn provide_lang() {
    let shared = ArcRwSignal::new(initial_lang());
    provide_context(CurrentLang(RwSignal::from(shared.clone()), shared));
}

/// The language as an `ArcRwSignal`, for the document title.
pub fn use_lang_arc() -> ArcRwSignal<Lang> {
    use_context::<CurrentLang>()
        .map(|current| current.1)
        .unwrap_or_else(|| ArcRwSignal::new(Lang::default()))
}

pub fn use_lang() -> RwSignal<Lang> {
    use_context::<CurrentLang>()
        .map(|current| current.0)
        .unwrap_or_else(|| RwSignal::new(Lang::default()))
}

/// Remembers the language in a cookie for the next visit.
#[server(prefix = "/api", endpoint = "set_language")]
pub async fn set_language(lang: Lang) -> Result<(), AppError> {
    ssr::remember_language(lang);
    Ok(())
}

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let lang = use_lang();
    let remember = ServerAction::<SetLanguage>::new();
    let location = use_location();
    let href = move || {
        let next = format!("{}{}", location.pathname.get(), location.search.get());
        format!(
            "/lang/{}?next={}",
            lang.get().other().code(),
            encode_query_value(&next)
        )
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        let next = lang.get_untracked().other();
        lang.set(next);
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", next.code());
        }
        remember.dispatch(SetLanguage { lang: next });
    };
    view! {
        <a
            class="lang-switch"
            href=href
            hreflang=move || lang.get().other().code()
            lang=move || lang.get().other().code()
            aria-label=move || lang.get().texts().switch_to_label
            on:click=on_click
        >
            {move || lang.get().texts().switch_to}
        </a>
    }
}

/// Percent-encodes everything but unreserved characters and `/`.
fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::encode_query_value;

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(
            encode_query_value("/verify?right=erasure"),
            "/verify%3Fright%3Derasure"
        );
        assert_eq!(encode_query_value("/"), "/");
    }
}
