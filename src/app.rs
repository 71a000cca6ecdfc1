//! The HTML document and the routes. Rendered on the server only: the
//! browser hydrates nothing but the islands inside the pages.

use crate::features::dpo::{
    AccountPage, ConsoleRequestPage, DashboardPage, FailedEmailsPage, GroupLetterPage, LetterPage,
    LoginPage, QueuePage, RecordPage, SecondFactorPage, SystemsPage, TemplatesPage,
};
use crate::features::follow::confirm_email::ConfirmEmailPage;
use crate::features::follow::{MyRequestsPage, RequestPage};
use crate::features::home::HomePage;
use crate::features::language::LanguageSwitch;
use crate::features::notice::NoticePage;
use crate::features::request::RequestFormPage;
use crate::features::verify::{CodePage, LinkPage, VerifyPage};
use crate::i18n::{current_lang, site};
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode, StaticSegment,
    components::{Route, Router, Routes},
    path,
};

/// The HTML document.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // Islands mode: nothing outside an island is serialised for hydration.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let lang = current_lang();
    crate::web::headers::set_page_policy();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                // Only under `cargo leptos watch`: reloads the page on a rebuild
                // (its websocket is allowed by the CSP in watch mode only).
                <AutoReload options=options.clone() />
                <HashedStylesheet options id="leptos" />
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
    let lang = current_lang();
    let footer = use_context::<crate::state::AppState>().map(|state| {
        let c = state.config.controller();
        site::FOOTER.with(
            lang,
            &[
                ("name", &c.name),
                ("address", &c.address),
                ("country", &c.country),
                ("registration", &c.registration),
            ],
        )
    });
    view! {
        <Title text=site::SITE_NAME.get(lang) />
        <Router>
            <a class="skip-link" href="#main">{site::SKIP_TO_CONTENT.get(lang)}</a>
            <header class="site-header">
                <div class="site-header__inner">
                    <a class="brand" href="/">
                        <span class="brand__name">"SOFACTO"</span>
                        <span class="brand__line">{site::CONTROLLER_LINE.get(lang)}</span>
                    </a>
                    <LanguageSwitch />
                </div>
            </header>
            <main id="main" tabindex="-1">
                // Every page renders whole before it is sent, so that it
                // works without JavaScript.
                <Routes fallback=NotFound>
                    <Route path=StaticSegment("") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/privacy") view=NoticePage ssr=SsrMode::Async />
                    <Route path=path!("/verify") view=VerifyPage ssr=SsrMode::Async />
                    <Route path=path!("/verify/code") view=CodePage ssr=SsrMode::Async />
                    <Route path=path!("/verify/link/:token") view=LinkPage ssr=SsrMode::Async />
                    <Route path=path!("/request/new") view=RequestFormPage ssr=SsrMode::Async />
                    <Route path=path!("/my-requests") view=MyRequestsPage ssr=SsrMode::Async />
                    <Route path=path!("/confirm-email/:token") view=ConfirmEmailPage ssr=SsrMode::Async />
                    <Route path=path!("/my-requests/:reference") view=RequestPage ssr=SsrMode::Async />
                    <Route path=path!("/dpo") view=QueuePage ssr=SsrMode::Async />
                    <Route path=path!("/dpo/login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/dpo/login/code") view=SecondFactorPage ssr=SsrMode::Async />
                    <Route path=path!("/dpo/requests/:reference") view=ConsoleRequestPage ssr=SsrMode::Async />
                    <Route path=path!("/dpo/new") view=RecordPage ssr=SsrMode::Async />
                    <Route path=path!("/dpo/account") view=AccountPage ssr=SsrMode::Async />
                    <Route path=path!("/dpo/dashboard") view=DashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/dpo/letters/:id") view=LetterPage ssr=SsrMode::Async />
                    <Route path=path!("/dpo/letters/group/:reference") view=GroupLetterPage ssr=SsrMode::Async />
                    <Route path=path!("/dpo/emails") view=FailedEmailsPage ssr=SsrMode::Async />
                    <Route path=path!("/dpo/systems") view=SystemsPage ssr=SsrMode::Async />
                    <Route path=path!("/dpo/templates") view=TemplatesPage ssr=SsrMode::Async />
                </Routes>
            </main>
            <footer class="site-footer">
                <p>{footer}</p>
                <p>
                    <a href=crate::config::NOTICE_PATH>{site::FOOTER_NOTICE.get(lang)}</a>
                </p>
            </footer>
        </Router>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    let lang = current_lang();
    view! {
        <section class="page">
            <h1>{site::NOT_FOUND_TITLE.get(lang)}</h1>
            <p>{site::NOT_FOUND_BODY.get(lang)}</p>
            <p>
                <a href="/">{site::BACK_HOME.get(lang)}</a>
            </p>
        </section>
    }
}
