use crate::features::follow::{MyRequestsPage, RequestPage};
use crate::features::home::HomePage;
use crate::features::language::{
    LanguageSwitch, initial_lang, provide_lang, use_lang, use_lang_arc,
};
use crate::features::request::RequestFormPage;
use crate::features::verify::{CodePage, LinkPage, VerifyPage};
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    SsrMode, StaticSegment,
    components::{Route, Router, Routes},
    path,
};

/// The HTML document. Rendered on the server only; `App` below is what
/// hydrates.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = initial_lang();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_lang();
    let lang = use_lang();

    // Tells people and browser tests that the WASM has taken over the page.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Stylesheet id="leptos" href="/pkg/privacy_portal.css" />
        <Title text={
            let lang = use_lang_arc();
            move || lang.get().texts().site_name
        } />
        <Router>
            <a class="skip-link" href="#main">
                {move || lang.get().texts().skip_to_content}
            </a>
            <header class="site-header">
                <div class="site-header__inner">
                    <a class="brand" href="/">
                        <span class="brand__name">"SOFACTO"</span>
                        <span class="brand__line">
                            {move || lang.get().texts().controller_line}
                        </span>
                    </a>
                    <LanguageSwitch />
                </div>
            </header>
            <main id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=StaticSegment("") view=HomePage />
                    // Pages with data render whole before they are sent, so
                    // they work without JavaScript.
                    <Route path=path!("/verify") view=VerifyPage ssr=SsrMode::Async />
                    <Route path=path!("/verify/code") view=CodePage ssr=SsrMode::Async />
                    <Route path=path!("/verify/link/:token") view=LinkPage ssr=SsrMode::Async />
                    <Route path=path!("/request/new") view=RequestFormPage ssr=SsrMode::Async />
                    <Route path=path!("/my-requests") view=MyRequestsPage ssr=SsrMode::Async />
                    <Route path=path!("/my-requests/:reference") view=RequestPage ssr=SsrMode::Async />
                </Routes>
            </main>
            <footer class="site-footer">
                <p>{move || lang.get().texts().footer_dpo}</p>
            </footer>
        </Router>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    let lang = use_lang();
    view! {
        <section class="page">
            <h1>{move || lang.get().texts().not_found_title}</h1>
            <p>{move || lang.get().texts().not_found_body}</p>
            <p>
                <a href="/">{move || lang.get().texts().back_home}</a>
            </p>
        </section>
    }
}
