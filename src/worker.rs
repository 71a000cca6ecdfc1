//! Delivers queued emails: drains every due message, then sleeps until it is
//! woken (a new message was queued) or its poll interval passes.

use crate::clock::SharedClock;
use crate::db::Pool;
use crate::domain::{Actor, Date, EventKind};
use crate::email::Mailer;
use crate::email::outbox::{self, Claimed};
use crate::requests::{self, Change, ChangeError, REQUEST_COLUMNS, RequestRow};
use crate::state::AppState;
use anyhow::Context;
use lettre::address::Envelope;
use lettre::message::Mailbox;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// The worker also deletes what has expired, this often.
const PURGE_EVERY_MS: i64 = 3_600_000;
/// And looks whether the daily jobs (digest, retention) are due, this often.
const DAILY_CHECK_EVERY_MS: i64 = 60_000;

pub struct OutboxWorker {
    pub pool: Pool,
    pub mailer: Arc<Mailer>,
    pub from: Mailbox,
    pub clock: SharedClock,
    pub wakeup: Arc<Notify>,
    pub poll: Duration,
    /// For the hourly jobs that change requests (reminders).
    pub state: AppState,
}

impl OutboxWorker {
    /// Runs until `stop` turns true. A message being delivered at that moment
    /// is finished; the others stay queued for the next start.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        tracing::info!(transport = self.mailer.describe(), "email worker started");
        if self.state.config.database_url.is_sqlite() {
            match outbox::release_crashed_claims(&self.pool).await {
                Ok(0) => {}
                Ok(n) => tracing::warn!(
                    messages = n,
                    "emails claimed before a crash are queued again"
                ),
                Err(e) => tracing::error!(error = %e, "cannot release the claims left by a crash"),
            }
        }
        let mut next_purge = self.clock.now();
        let mut next_daily = self.clock.now();
        loop {
            if self.state.config.worker_runs_daily_jobs && self.clock.now() >= next_daily {
                next_daily = self.clock.now() + DAILY_CHECK_EVERY_MS;
                match crate::daily::run_due(&self.state).await {
                    Ok(run) if run != crate::daily::DailyRun::default() => {
                        tracing::info!(digest = ?run.digest, anonymised = ?run.purge, "daily jobs ran")
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::error!(error = format!("{e:#}"), "cannot run the daily jobs")
                    }
                }
            }
            if self.clock.now() >= next_purge {
                next_purge = self.clock.now() + PURGE_EVERY_MS;
                match crate::purge::purge(&self.pool, self.clock.now()).await {
                    Ok(purged) => {
                        tracing::info!(?purged, "expired verifications and sessions deleted")
                    }
                    Err(e) => tracing::error!(error = %e, "cannot purge expired verifications"),
                }
                match send_reminders(&self.state).await {
                    Ok(0) => {}
                    Ok(sent) => {
                        tracing::info!(sent, "reminders sent to subjects who have not answered")
                    }
                    Err(e) => {
                        tracing::error!(error = format!("{e:#}"), "cannot send the reminders")
                    }
                }
            }
            // A few at a time: one commit claims them, one records those
            // sent (a filing's two emails: two commits, not four).
            let lease = batch_lease(self.state.config.smtp_timeout);
            while !*stop.borrow() {
                match outbox::claim_due(&self.pool, self.clock.now(), BATCH, lease).await {
                    Ok(claimed) if claimed.is_empty() => break,
                    Ok(claimed) => {
                        let mut sent = Vec::with_capacity(claimed.len());
                        for message in claimed {
                            // Stopping: the rest of the batch stays queued
                            // and goes at the next start, once its lease ends.
                            if *stop.borrow() {
                                break;
                            }
                            if self.deliver(&message).await {
                                sent.push(message);
                            }
                        }
                        if let Err(e) = outbox::mark_sent(&self.pool, &sent, self.clock.now()).await
                        {
                            // The leases expire and other attempts follow: a
                            // duplicate at worst, never a loss.
                            tracing::error!(error = %e, emails = sent.len(), "cannot record the emails sent");
                        }
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "cannot read the email outbox");
                        break;
                    }
                }
            }
            tokio::select! {
                _ = self.wakeup.notified() => {}
                _ = tokio::time::sleep(self.poll) => {}
                _ = stop.changed() => {}
            }
            if *stop.borrow() {
                tracing::info!("email worker stopped");
                return;
            }
        }
    }

    /// Sends one claimed message. `true` once the SMTP server accepted it:
    /// the caller marks it sent with the others of its batch. A failure is
    /// recorded here.
    async fn deliver(&self, claimed: &Claimed) -> bool {
        let expired_code = claimed.kind == crate::email::EmailKind::VerificationCode.slug()
            && claimed.created_at + crate::features::verify::CODE_TTL_SECS * 1000
                < self.clock.now();
        let result = match envelope(&self.from, &claimed.recipient) {
            // After an outage, a code that has already expired would only
            // confuse: it is not sent.
            _ if expired_code => Err(crate::email::DeliveryError {
                permanent: true,
                summary: "the code expired before it could be delivered".to_owned(),
            }),
            Some(envelope) => {
                self.mailer
                    .deliver(&envelope, claimed.message.as_bytes())
                    .await
            }
            None => Err(crate::email::DeliveryError {
                permanent: true,
                summary: "the recipient is not a valid address".to_owned(),
            }),
        };
        let now = self.clock.now();
        let failed = match &result {
            Ok(()) => {
                tracing::info!(outbox_id = %claimed.id, kind = %claimed.kind, "email sent");
                // An answer's sending day is the day the request was
                // answered (the dashboard's and the register's rates),
                // recorded before the email is marked sent, so that whoever
                // sees it sent sees the day too.
                let answer = crate::email::EmailKind::parse(&claimed.kind)
                    .is_some_and(|kind| kind.is_answer());
                if answer
                    && let Err(e) =
                        crate::requests::figures::answer_sent(&self.pool, &claimed.id, now).await
                {
                    tracing::error!(outbox_id = %claimed.id, error = %e, "the answer's day was not recorded");
                }
                return true;
            }
            Err(e) => {
                tracing::warn!(
                    outbox_id = %claimed.id,
                    kind = %claimed.kind,
                    attempt = claimed.attempts,
                    permanent = e.permanent,
                    reason = %e.summary,
                    "email delivery failed"
                );
                outbox::mark_failed(&self.pool, claimed, &e.summary, e.permanent, now).await
            }
        };
        if let Err(e) = failed {
            // The lease expires and another attempt follows.
            tracing::error!(outbox_id = %claimed.id, error = %e, "cannot record the delivery result");
        }
        false
    }
}

/// How many messages one claim takes.
const BATCH: i64 = 4;

/// How long a batch's claim holds: time for each of its messages to wait
/// the whole SMTP timeout, and `outbox::LEASE` at least. Only a worker
/// that died mid-batch makes others wait it out (on PostgreSQL; SQLite's
/// one process releases its claims when it starts again).
fn batch_lease(smtp_timeout: std::time::Duration) -> std::time::Duration {
    outbox::LEASE.max(smtp_timeout * BATCH as u32 + std::time::Duration::from_secs(30))
}

fn envelope(from: &Mailbox, recipient: &str) -> Option<Envelope> {
    let to = crate::email::smtp_address(recipient)?;
    Envelope::new(Some(from.email.clone()), vec![to]).ok()
}

/// A request awaiting the subject this long gets one reminder.
pub const REMIND_AFTER_DAYS: i64 = 14;

/// Reminds subjects who have not answered a request for information for 14
/// days, once per pause, through the one door for changes.
pub async fn send_reminders(state: &AppState) -> anyhow::Result<usize> {
    let today = Date::paris_of(state.clock.now());
    let due = sqlx::query_as::<_, RequestRow>(&format!(
        "SELECT {REQUEST_COLUMNS} FROM requests WHERE status = 'awaiting_subject' \
         AND reminded_at IS NULL AND paused_since <= $1"
    ))
    .bind(today.add_days(-REMIND_AFTER_DAYS).iso())
    .fetch_all(&state.pool)
    .await
    .context("reminders: find the requests")?;
    let mut sent = 0;
    for request in &due {
        let mut change = Change::event(EventKind::Reminded, Actor::System);
        change.tell(crate::requests::notices::Notices::new(state, request).reminder());
        match requests::apply(state, request, change).await {
            Ok(_) => sent += 1,
            // Answered or closed meanwhile: nothing to remind.
            Err(ChangeError::ChangedMeanwhile | ChangeError::NotAllowed { .. }) => {}
            Err(ChangeError::Failed(_)) => anyhow::bail!("reminders: a change failed"),
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::{BATCH, batch_lease};
    use std::time::Duration;

    #[test]
    fn a_batch_is_claimed_for_long_enough_that_each_message_may_time_out() {
        assert_eq!(BATCH, 4);
        // The default timeout, 60 s: 4 x 60 s and some room.
        assert_eq!(
            batch_lease(Duration::from_secs(60)),
            Duration::from_secs(270)
        );
        assert_eq!(
            batch_lease(Duration::from_secs(100)),
            Duration::from_secs(430)
        );
        // Never less than the lease of one message.
        assert_eq!(
            batch_lease(Duration::from_secs(5)),
            Duration::from_secs(120)
        );
    }
}
