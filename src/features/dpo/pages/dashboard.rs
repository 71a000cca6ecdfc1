//! `/dpo/dashboard`: where the workload stands and how it was answered.
//! Counts by status and by right, the overdue requests, the on-time rate and
//! the median days to close over the last 12 months, and a chart of
//! requests received and closed per month, drawn on the server as SVG with
//! the same figures as a table for screen readers and for print.

use crate::domain::Date;
use crate::features::dpo::pages::guarded;
use crate::i18n::{Label, console, current_lang, long_date, site};
use crate::state::app_state;
use anyhow::Context;
use leptos::prelude::*;

pub use crate::requests::figures::{MONTHS, Stats, stats};

/// A decimal number as each language writes it: "66,7" / "66.7".
fn decimal(lang: crate::i18n::Lang, value: f64) -> String {
    let text = value.to_string();
    match lang {
        crate::i18n::Lang::Fr => text.replace('.', ","),
        crate::i18n::Lang::En => text,
    }
}

/// The month as a short label: "nov. 2026" / "Nov 2026".
fn month_label(lang: crate::i18n::Lang, year: i32, month: u32) -> String {
    let name = site::MONTHS[(month as usize).saturating_sub(1) % 12].get(lang);
    let short: String = name.chars().take(3).collect();
    format!("{short} {year}")
}

/// Two bars per month, received and closed, drawn with presentation
/// attributes only (no inline style, no script).
pub fn chart_svg(lang: crate::i18n::Lang, months: &[(i32, u32, i64, i64)]) -> String {
    let (width, height, top, bottom, left) = (720.0, 260.0, 20.0, 40.0, 40.0);
    let plot_h = height - top - bottom;
    let max = months
        .iter()
        .map(|(_, _, r, c)| (*r).max(*c))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let group = (width - left) / months.len().max(1) as f64;
    let bar = group * 0.35;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
         aria-labelledby=\"chart-title\" class=\"chart\"><title id=\"chart-title\">{}</title>",
        console::CHART_TITLE.get(lang)
    );
    for step in 0..=4 {
        let value = (max * step as f64 / 4.0).round();
        let y = top + plot_h - plot_h * value / max;
        svg.push_str(&format!(
            "<line x1=\"{left}\" x2=\"{width}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#d6dbe1\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#4a5563\">{value}</text>",
            left - 6.0,
            y + 4.0
        ));
    }
    for (i, (year, month, received, closed)) in months.iter().enumerate() {
        let x = left + group * i as f64 + group * 0.12;
        for (offset, value, fill) in [(0.0, *received, "#1f4e8c"), (bar, *closed, "#2e7d4f")] {
            let h = plot_h * value as f64 / max;
            svg.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" fill=\"{fill}\"/>",
                x + offset,
                top + plot_h - h
            ));
        }
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#1b2430\">{}</text>",
            x + bar,
            height - bottom + 16.0,
            month_label(lang, *year, *month)
        ));
    }
    let legend_y = height - 8.0;
    svg.push_str(&format!(
        "<rect x=\"{left}\" y=\"{:.1}\" width=\"10\" height=\"10\" fill=\"#1f4e8c\"/>\
         <text x=\"{:.1}\" y=\"{legend_y}\" font-size=\"11\" fill=\"#1b2430\">{}</text>\
         <rect x=\"{:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\" fill=\"#2e7d4f\"/>\
         <text x=\"{:.1}\" y=\"{legend_y}\" font-size=\"11\" fill=\"#1b2430\">{}</text></svg>",
        legend_y - 9.0,
        left + 14.0,
        console::CHART_RECEIVED.get(lang),
        left + 140.0,
        legend_y - 9.0,
        left + 154.0,
        console::CHART_CLOSED.get(lang),
    ));
    svg
}

/// `/dpo/dashboard`.
#[component]
pub fn DashboardPage() -> impl IntoView {
    guarded(move |_dpo| async move {
        let state = app_state()?;
        let now = state.clock.now();
        let stats = stats(&state.pool, now).await?;
        let mut conn = state.pool.acquire().await.context("dashboard: connect")?;
        let stale = crate::requests::stale::list(&mut conn, now, state.config.stale_days).await?;
        let stale_days = state.config.stale_days;
        Ok(view! { <DashboardView stats stale stale_days /> })
    })
}

#[component]
fn DashboardView(
    stats: Stats,
    stale: Vec<crate::requests::stale::Stale>,
    stale_days: i64,
) -> impl IntoView {
    let lang = current_lang();
    let rate = stats.on_time_percent().map_or_else(
        || console::NOT_YET.get(lang).to_owned(),
        |p| {
            console::ON_TIME_RATE.with(
                lang,
                &[
                    ("percent", &decimal(lang, p)),
                    ("on_time", &stats.on_time),
                    ("decided", &stats.counted()),
                ],
            )
        },
    );
    let median = stats.median_days.map_or_else(
        || console::NOT_YET.get(lang).to_owned(),
        |d| console::MEDIAN_DAYS.with(lang, &[("days", &decimal(lang, d))]),
    );
    let p95 = stats.p95_days.map_or_else(
        || console::NOT_YET.get(lang).to_owned(),
        |d| console::MEDIAN_DAYS.with(lang, &[("days", &decimal(lang, d))]),
    );
    let svg = chart_svg(lang, &stats.months);
    view! {
        <section class="page console">
            <h1>{console::DASHBOARD_TITLE.get(lang)}</h1>
            <dl class="facts">
                <dt>{console::ON_TIME_LABEL.get(lang)}</dt><dd data-figure="on-time">{rate}</dd>
                <dt>{console::MEDIAN_LABEL.get(lang)}</dt><dd data-figure="median">{median}</dd>
                <dt>{console::P95_LABEL.get(lang)}</dt><dd data-figure="p95">{p95}</dd>
                <dt>{console::EXTENSIONS_LABEL.get(lang)}</dt><dd data-figure="extensions">{stats.extensions}</dd>
                <dt>{console::FILTER_OVERDUE.get(lang)}</dt><dd data-figure="overdue">{stats.overdue_count}</dd>
            </dl>
            <p class="muted">{console::ON_TIME_DEFINITION.get(lang)}</p>
            <p class="muted">{console::TIMES_DEFINITION.get(lang)}</p>
            <p class="muted">{console::WINDOW_NOTE.get(lang)}</p>
        </section>

        <section class="page console">
            <h2>{console::BY_STATUS.get(lang)}</h2>
            <div class="table-wrap"><table>
                <thead><tr><th scope="col">{console::COL_STATUS.get(lang)}</th><th scope="col">{console::COUNT.get(lang)}</th></tr></thead>
                <tbody>
                    {stats.by_status.iter().map(|(status, n)| view! {
                        <tr><th scope="row">{status.label().get(lang)}</th><td data-status=status.slug()>{*n}</td></tr>
                    }).collect_view()}
                </tbody>
            </table></div>
            <h2>{console::BY_RIGHT.get(lang)}</h2>
            <div class="table-wrap"><table>
                <thead><tr>
                    <th scope="col">{console::COL_RIGHT.get(lang)}</th>
                    <th scope="col">{console::COUNT.get(lang)}</th>
                    <th scope="col">{console::FILTER_OPEN.get(lang)}</th>
                </tr></thead>
                <tbody>
                    {stats.by_right.iter().map(|(right, n, open)| view! {
                        <tr><th scope="row">{right.label().get(lang)}</th><td data-right=right.slug()>{*n}</td><td>{*open}</td></tr>
                    }).collect_view()}
                </tbody>
            </table></div>
        </section>

        <section class="page console">
            <h2>{console::REFUSALS_BY_REASON.get(lang)}</h2>
            <div class="table-wrap"><table>
                <thead><tr><th scope="col">{console::COL_REASON.get(lang)}</th><th scope="col">{console::COUNT.get(lang)}</th></tr></thead>
                <tbody>
                    {stats.refusals.iter().map(|(reason, n)| view! {
                        <tr><th scope="row">{reason.label().get(lang)}</th><td data-reason=reason.slug()>{*n}</td></tr>
                    }).collect_view()}
                </tbody>
            </table></div>
            <h2>{console::BY_CHANNEL.get(lang)}</h2>
            <div class="table-wrap"><table>
                <thead><tr><th scope="col">{console::COL_CHANNEL.get(lang)}</th><th scope="col">{console::COUNT.get(lang)}</th></tr></thead>
                <tbody>
                    {stats.by_channel.iter().map(|(channel, n)| view! {
                        <tr><th scope="row">{crate::i18n::console_labels::intake(*channel).get(lang)}</th><td data-channel=channel.slug()>{*n}</td></tr>
                    }).collect_view()}
                </tbody>
            </table></div>
        </section>

        <section class="page console">
            <h2>{console::OVERDUE_TITLE.get(lang)}</h2>
            {if stats.overdue.is_empty() {
                view! { <p>{console::NONE_OVERDUE.get(lang)}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list">
                        {stats.overdue.iter().map(|(reference, right, due)| view! {
                            <li>
                                <a href=format!("/dpo/requests/{reference}")>{reference.clone()}</a>
                                " — " {right.label().get(lang)} " — " {long_date(lang, *due)}
                            </li>
                        }).collect_view()}
                    </ul>
                    {(stats.overdue_count > stats.overdue.len() as i64).then(|| view! {
                        <p><a href="/dpo?due=overdue">{console::ALL_OVERDUE.get(lang)}</a></p>
                    })}
                }.into_any()
            }}
        </section>

        <section class="page console" id="stale">
            <h2>{console::STALE_TITLE.get(lang)}</h2>
            <p>{console::STALE_INTRO.with(lang, &[("days", &stale_days)])}</p>
            {if stale.is_empty() {
                view! { <p>{console::NONE_STALE.get(lang)}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list" data-figure="stale">
                        {stale.iter().map(|request| view! {
                            <li>
                                <a href=format!("/dpo/requests/{}", request.reference)>{request.reference.to_string()}</a>
                                " — " {request.right.label().get(lang)}
                                " — " {request.status.label().get(lang)}
                                " — " {console::STALE_SINCE.with(lang, &[("date", &long_date(lang, Date::paris_of(request.last_action)))])}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>

        <section class="page console">
            <h2>{console::CHART_TITLE.get(lang)}</h2>
            <figure class="chart-figure">
                <div inner_html=svg></div>
                <figcaption>
                    <details>
                        <summary>{console::CHART_AS_TABLE.get(lang)}</summary>
                        <div class="table-wrap"><table>
                            <thead><tr>
                                <th scope="col">{console::MONTH.get(lang)}</th>
                                <th scope="col">{console::CHART_RECEIVED.get(lang)}</th>
                                <th scope="col">{console::CHART_CLOSED.get(lang)}</th>
                            </tr></thead>
                            <tbody>
                                {stats.months.iter().map(|(y, m, received, closed)| view! {
                                    <tr><th scope="row">{month_label(lang, *y, *m)}</th><td>{*received}</td><td>{*closed}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    </details>
                </figcaption>
            </figure>
        </section>

        <section class="page console">
            <h2>{console::EXPORTS_TITLE.get(lang)}</h2>
            <form method="post" action="/dpo/export/register">
                <p>{console::REGISTER_INTRO.get(lang)}</p>
                <p>
                    <label class="check">
                        <input type="checkbox" name="personal" value="1" />
                        " " {console::REGISTER_PERSONAL.get(lang)}
                    </label>
                </p>
                <p>
                    <button type="submit" name="format" value="csv">{console::REGISTER_DOWNLOAD.get(lang)}</button>
                    " "
                    <button type="submit" name="format" value="xlsx" class="secondary">{console::REGISTER_DOWNLOAD_XLSX.get(lang)}</button>
                </p>
            </form>
            <p><a href="/dpo/emails">{console::NAV_FAILED_EMAILS.get(lang)}</a></p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_has_a_title_and_two_bars_a_month_and_no_inline_style() {
        let months: Vec<_> = (1..=12).map(|m| (2026, m, m as i64, 1)).collect();
        let svg = chart_svg(crate::i18n::Lang::En, &months);
        assert!(svg.contains("<title id=\"chart-title\">"));
        assert_eq!(svg.matches("<rect").count(), 24 + 2);
        assert!(!svg.contains("style="));
        assert!(svg.contains("Dec 2026"));
    }
}
