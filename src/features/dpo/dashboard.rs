//! `/dpo/dashboard`: where the workload stands and how it was answered.
//! Counts by status and by right, the overdue requests, the on-time rate and
//! the median days to close over the last 12 months, and a chart of
//! requests received and closed per month, drawn on the server as SVG with
//! the same figures as a table for screen readers and for print.

use super::pages::guarded;
use crate::clock::Millis;
use crate::domain::{Date, RightKind, Status};
use crate::i18n::{Label, console, current_lang, long_date, site};
use crate::state::app_state;
use anyhow::Context;
use leptos::prelude::*;
use sqlx::Row;

/// The window of the rates and the chart.
pub const MONTHS: usize = 12;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stats {
    /// Every status with its number of requests.
    pub by_status: Vec<(Status, i64)>,
    /// Every right: (all requests, open ones).
    pub by_right: Vec<(RightKind, i64, i64)>,
    /// Open requests past their due date, most overdue first (at most 50).
    pub overdue: Vec<(String, RightKind, Date)>,
    pub overdue_count: i64,
    /// Completed or refused in the window, and of those, on or before
    /// their due date. Withdrawn requests are left out.
    pub decided: i64,
    pub on_time: i64,
    /// Median calendar days from receipt to closing, completed and refused
    /// requests of the window.
    pub median_days: Option<f64>,
    /// (year, month, received, closed), oldest first.
    pub months: Vec<(i32, u32, i64, i64)>,
}

impl Stats {
    /// The on-time rate in percent, one decimal.
    pub fn on_time_percent(&self) -> Option<f64> {
        (self.decided > 0)
            .then(|| (self.on_time as f64 * 1000.0 / self.decided as f64).round() / 10.0)
    }
}

/// The first day of the month `back` months before `today`'s.
fn month_start(today: Date, back: u32) -> Date {
    let index = today.year * 12 + today.month as i32 - 1 - back as i32;
    Date::new(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1).unwrap_or(today)
}

/// Midnight, Paris time, at the start of `date`, in milliseconds.
fn paris_midnight(date: Date) -> Millis {
    let utc = date.to_days() * 86_400_000;
    utc - crate::domain::paris_offset_millis(utc)
}

/// Every figure from one snapshot of the database, so that they add up
/// while other DPOs work: one read transaction (repeatable read on
/// PostgreSQL; a WAL read transaction is one already on SQLite).
pub async fn stats(pool: &crate::db::Pool, now: Millis) -> anyhow::Result<Stats> {
    let mut tx = pool.begin().await.context("dashboard: begin")?;
    if tx.backend_name() == "PostgreSQL" {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await
            .context("dashboard: one snapshot")?;
    }
    let stats = read_stats(&mut tx, now).await?;
    tx.rollback().await.context("dashboard: end")?;
    Ok(stats)
}

async fn read_stats(tx: &mut sqlx::AnyConnection, now: Millis) -> anyhow::Result<Stats> {
    let today = Date::paris_of(now);
    let mut by_status: Vec<(Status, i64)> = Status::ALL.iter().map(|s| (*s, 0)).collect();
    for row in sqlx::query("SELECT status, COUNT(*) AS n FROM requests GROUP BY status")
        .fetch_all(&mut *tx)
        .await
        .context("dashboard: count by status")?
    {
        if let Some(status) = Status::parse(&row.get::<String, _>("status"))
            && let Some(slot) = by_status.iter_mut().find(|(s, _)| *s == status)
        {
            slot.1 = row.get("n");
        }
    }
    let mut by_right: Vec<(RightKind, i64, i64)> =
        RightKind::ALL.iter().map(|r| (*r, 0, 0)).collect();
    for row in sqlx::query(
        "SELECT right_kind, COUNT(*) AS n, COALESCE(SUM(CASE WHEN closed_at IS NULL THEN 1 ELSE 0 END), 0) AS open \
         FROM requests GROUP BY right_kind",
    )
    .fetch_all(&mut *tx)
    .await
    .context("dashboard: count by right")?
    {
        if let Some(right) = RightKind::parse(&row.get::<String, _>("right_kind"))
            && let Some(slot) = by_right.iter_mut().find(|(r, _, _)| *r == right)
        {
            slot.1 = row.get("n");
            slot.2 = row.get("open");
        }
    }
    let today_iso = today.iso();
    let overdue_count: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM requests WHERE open_due IS NOT NULL AND open_due <> '' AND open_due < $1",
    )
    .bind(&today_iso)
    .fetch_one(&mut *tx)
    .await
    .context("dashboard: count the overdue")?
    .get("n");
    let overdue = sqlx::query(
        "SELECT reference, right_kind, open_due FROM requests \
         WHERE open_due IS NOT NULL AND open_due <> '' AND open_due < $1 ORDER BY open_due, reference LIMIT 50",
    )
    .bind(&today_iso)
    .fetch_all(&mut *tx)
    .await
    .context("dashboard: list the overdue")?
    .iter()
    .filter_map(|row| {
        Some((
            row.get::<String, _>("reference"),
            RightKind::parse(&row.get::<String, _>("right_kind"))?,
            Date::parse_iso(&row.get::<String, _>("open_due"))?,
        ))
    })
    .collect();

    let first_month = month_start(today, MONTHS as u32 - 1);
    let mut months: Vec<(i32, u32, i64, i64)> = (0..MONTHS as u32)
        .rev()
        .map(|back| {
            let m = month_start(today, back);
            (m.year, m.month, 0, 0)
        })
        .collect();
    for row in sqlx::query(
        "SELECT substr(received_on, 1, 7) AS month, COUNT(*) AS n FROM requests \
         WHERE received_on >= $1 GROUP BY substr(received_on, 1, 7)",
    )
    .bind(first_month.iso())
    .fetch_all(&mut *tx)
    .await
    .context("dashboard: count received per month")?
    {
        let month: String = row.get("month");
        if let Some(date) = Date::parse_iso(&format!("{month}-01"))
            && let Some(entry) = months
                .iter_mut()
                .find(|(y, m, _, _)| *y == date.year && *m == date.month)
        {
            entry.2 = row.get("n");
        }
    }

    // Closings of the window: rates, median and the chart's second bar.
    let year_ago = paris_midnight(today.add_days(-365));
    let window_start = paris_midnight(first_month).min(year_ago);
    let closed = sqlx::query(
        "SELECT status, closed_at, received_on, due_on FROM requests WHERE closed_at >= $1",
    )
    .bind(window_start)
    .fetch_all(&mut *tx)
    .await
    .context("dashboard: read the closings")?;
    let (mut decided, mut on_time, mut days) = (0, 0, Vec::new());
    for row in &closed {
        let closed_at: Millis = row.get("closed_at");
        let closed_on = Date::paris_of(closed_at);
        if let Some(entry) = months
            .iter_mut()
            .find(|(y, m, _, _)| *y == closed_on.year && *m == closed_on.month)
        {
            entry.3 += 1;
        }
        let status: String = row.get("status");
        if closed_at < year_ago || !matches!(status.as_str(), "completed" | "refused") {
            continue;
        }
        decided += 1;
        let due = row
            .get::<Option<String>, _>("due_on")
            .as_deref()
            .and_then(Date::parse_iso);
        if due.is_some_and(|due| closed_on <= due) {
            on_time += 1;
        }
        if let Some(received) = Date::parse_iso(&row.get::<String, _>("received_on")) {
            days.push(closed_on.to_days() - received.to_days());
        }
    }
    days.sort_unstable();
    let median_days = match days.len() {
        0 => None,
        n if n % 2 == 1 => Some(days[n / 2] as f64),
        n => Some((days[n / 2 - 1] + days[n / 2]) as f64 / 2.0),
    };
    Ok(Stats {
        by_status,
        by_right,
        overdue,
        overdue_count,
        decided,
        on_time,
        median_days,
        months,
    })
}

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
                    ("decided", &stats.decided),
                ],
            )
        },
    );
    let median = stats.median_days.map_or_else(
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
                <dt>{console::FILTER_OVERDUE.get(lang)}</dt><dd data-figure="overdue">{stats.overdue_count}</dd>
            </dl>
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
                <p><button type="submit">{console::REGISTER_DOWNLOAD.get(lang)}</button></p>
            </form>
            <p><a href="/dpo/emails">{console::NAV_FAILED_EMAILS.get(lang)}</a></p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_go_back_across_the_year() {
        let today = Date::new(2026, 2, 14).unwrap();
        assert_eq!(month_start(today, 0), Date::new(2026, 2, 1).unwrap());
        assert_eq!(month_start(today, 2), Date::new(2025, 12, 1).unwrap());
        assert_eq!(month_start(today, 11), Date::new(2025, 3, 1).unwrap());
    }

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
