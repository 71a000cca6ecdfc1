use crate::domain::RightKind;
use crate::features::language::use_lang;
use leptos::prelude::*;

pub const CNIL_COMPLAINT_URL: &str = "https://www.cnil.fr/fr/agir";

/// `/`: the six rights in plain words, how the portal treats the data it
/// collects, and the right to complain to the CNIL.
#[component]
pub fn HomePage() -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().texts();
    view! {
        <section class="hero">
            <h1>{move || t().home_title}</h1>
            <p class="lead">{move || t().home_intro}</p>
        </section>

        <section class="page" aria-labelledby="rights-title">
            <h2 id="rights-title">{move || t().rights_title}</h2>
            <ul class="rights">
                {RightKind::ALL
                    .into_iter()
                    .map(|right| view! { <RightCard right /> })
                    .collect_view()}
            </ul>
        </section>

        <section class="page" aria-labelledby="steps-title">
            <h2 id="steps-title">{move || t().home_steps_title}</h2>
            <ol class="steps">
                {(0..3).map(|i| view! { <li>{move || t().home_steps[i]}</li> }).collect_view()}
            </ol>
        </section>

        <section class="page" aria-labelledby="portal-data-title">
            <h2 id="portal-data-title">{move || t().portal_data_title}</h2>
            <ul class="plain-list">
                {(0..4).map(|i| view! { <li>{move || t().portal_data[i]}</li> }).collect_view()}
            </ul>
        </section>

        <section class="page notice" aria-labelledby="complaint-title">
            <h2 id="complaint-title">{move || t().complaint_title}</h2>
            <p>{move || t().complaint_body}</p>
            <p>
                <a href=CNIL_COMPLAINT_URL rel="noopener noreferrer">
                    {move || t().complaint_link}
                </a>
            </p>
            <p class="muted">{move || t().other_channels}</p>
        </section>
    }
}

#[component]
fn RightCard(right: RightKind) -> impl IntoView {
    let lang = use_lang();
    let text = move || lang.get().texts().right(right);
    let title_id = format!("right-{}", right.slug());
    view! {
        <li class="right-card" id=right.slug()>
            <h3 id=title_id.clone()>{move || text().name}</h3>
            <p>{move || text().summary}</p>
            <p class="muted">{move || text().example}</p>
            <p class="right-card__footer">
                <span class="muted">
                    {move || lang.get().texts().article} " " {right.article()} " "
                    {move || lang.get().texts().gdpr}
                </span>
                <a
                    class="button"
                    href=format!("/verify?right={}", right.slug())
                    aria-describedby=title_id
                >
                    {move || text().start}
                </a>
            </p>
        </li>
    }
}
