//! The sign-in pages: plain forms, no script.

use crate::features::dpo::signin::login::{CodeForm, LoginTyped};
use crate::i18n::{console, current_lang};
use crate::web::form::posted;
use crate::web::islands::{FormNotice, FormStateProvider};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `/dpo/login`.
#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = current_lang();
    let posted = posted::<LoginTyped>();
    let reply = posted.as_ref().map(|p| p.shown_reply(lang));
    let typed = posted.map(|p| p.form).unwrap_or_else(|| LoginTyped {
        email: String::new(),
        next: use_query_map().with_untracked(|q| q.get("next").unwrap_or_default()),
    });
    view! {
        <section class="page narrow">
            <h1>{console::SIGN_IN_TITLE.get(lang)}</h1>
            <FormStateProvider reply>
                <form method="post" action="/dpo/login">
                    <FormNotice />
                    <input type="hidden" name="form[next]" value=typed.next />
                    <div class="field">
                        <label for="email">{console::SIGN_IN_EMAIL.get(lang)}</label>
                        <input id="email" name="form[email]" type="email" autocomplete="username" required value=typed.email />
                    </div>
                    <div class="field">
                        <label for="password">{console::SIGN_IN_PASSWORD.get(lang)}</label>
                        <input id="password" name="form[password]" type="password" autocomplete="current-password" required maxlength="128" />
                    </div>
                    <button type="submit">{console::SIGN_IN.get(lang)}</button>
                </form>
            </FormStateProvider>
        </section>
    }
}

/// `/dpo/login/code`: the second factor.
#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let lang = current_lang();
    let posted = posted::<CodeForm>();
    let reply = posted.as_ref().map(|p| p.shown_reply(lang));
    let next = posted
        .map(|p| p.form.next)
        .unwrap_or_else(|| use_query_map().with_untracked(|q| q.get("next").unwrap_or_default()));
    view! {
        <section class="page narrow">
            <h1>{console::CODE_TITLE.get(lang)}</h1>
            <p>{console::CODE_INTRO.get(lang)}</p>
            <FormStateProvider reply>
                <form method="post" action="/dpo/login/code">
                    <FormNotice />
                    <input type="hidden" name="form[next]" value=next />
                    <div class="field">
                        <label for="code">{console::CODE_LABEL.get(lang)}</label>
                        <input id="code" name="form[code]" type="text" inputmode="text" autocomplete="one-time-code" required maxlength="20" class="code-input" />
                    </div>
                    <button type="submit">{console::SIGN_IN.get(lang)}</button>
                </form>
            </FormStateProvider>
        </section>
    }
}
