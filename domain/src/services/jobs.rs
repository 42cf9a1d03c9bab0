//! The durable job worker: every instance runs one; each pass claims the
//! jobs that are due (a lease per job, so two instances never run one job
//! at once, and a job whose worker died is taken again when its lease runs
//! out), runs them, and records the outcome — done, another try later with
//! back-off, or given up after its last try. Reminders are written here too,
//! once per appointment, start and offset, whichever instance gets there
//! first.

use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use tokio::sync::Notify;

use crate::error::DomainResult;
use crate::services::Services;
use crate::store::jobs::{self, Job};
use crate::store::{Db, db_error, messaging as outbox, webhooks};

/// What running a job came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// Try again later (unless that was the last try).
    Retry(String),
    /// Never try again.
    GiveUp(String),
}

/// How the worker paces itself.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// How long a claimed job is held before another worker may take it.
    pub lease: Duration,
    /// The wait before the second try; it doubles with each try (at most an
    /// hour).
    pub retry_base: Duration,
    /// How often the worker looks for due jobs when nothing wakes it (a
    /// read; it claims only when something is due).
    pub poll: Duration,
    /// Jobs run at once per pass.
    pub batch: i64,
    /// Appointment reminders before the start, as the environment sets
    /// them (`REMINDERS`): the platform settings' default.
    pub reminders: Vec<SignedDuration>,
    /// Whether the reminders follow the platform settings in force (the
    /// server's worker) rather than `reminders` (a worker set up alone).
    pub follow_platform: bool,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(60),
            retry_base: Duration::from_secs(60),
            poll: Duration::from_millis(250),
            batch: 20,
            reminders: vec![
                SignedDuration::from_hours(24),
                SignedDuration::from_hours(2),
            ],
            follow_platform: false,
        }
    }
}

/// Wakes the worker of this process when work was just enqueued.
#[derive(Clone, Default)]
pub struct Wake(Arc<Notify>);

impl Wake {
    /// Tells the worker to look now.
    pub fn now(&self) {
        self.0.notify_one();
    }
}

/// The worker of one instance.
#[derive(Clone)]
pub struct Worker {
    services: Services,
    settings: Arc<WorkerSettings>,
}

impl Worker {
    pub fn new(services: Services, settings: WorkerSettings) -> Self {
        Self {
            services,
            settings: Arc::new(settings),
        }
    }

    fn db(&self) -> &Db {
        self.services.db()
    }

    /// Runs until the process ends: a pass whenever woken or every `poll`;
    /// reminders written about once a minute.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let wake = self.services.messaging.wake().clone();
            let mut reminded: Option<std::time::Instant> = None;
            let mut tidied = std::time::Instant::now();
            loop {
                if reminded.is_none_or(|at| at.elapsed() >= Duration::from_secs(60)) {
                    reminded = Some(std::time::Instant::now());
                    match self.write_reminders(Timestamp::now()).await {
                        Ok(0) => {}
                        Ok(written) => tracing::info!(written, "appointment reminders written"),
                        Err(err) => tracing::warn!(error = %err, "writing reminders failed"),
                    }
                }
                if tidied.elapsed() >= Duration::from_secs(600) {
                    tidied = std::time::Instant::now();
                    let quiet = self.services.messaging.conversation_quiet();
                    if let Err(err) = self.tidy(Timestamp::now(), quiet).await {
                        tracing::warn!(error = %err, "tidying jobs and conversations failed");
                    }
                }
                if let Err(err) = self.pass(Timestamp::now()).await {
                    tracing::warn!(error = %err, "job pass failed");
                }
                tokio::select! {
                    () = wake.0.notified() => {}
                    () = tokio::time::sleep(self.settings.poll) => {}
                }
            }
        })
    }

    /// One pass: claims the due jobs, runs them together, records each
    /// outcome; how many ran.
    pub async fn pass(&self, now: Timestamp) -> DomainResult<usize> {
        {
            let mut conn = self.db().pool().acquire().await.map_err(db_error)?;
            if !jobs::any_due(&mut conn, now.as_millisecond()).await? {
                return Ok(0);
            }
        }
        let lease = i64::try_from(self.settings.lease.as_millis()).unwrap_or(i64::MAX);
        let claimed = jobs::claim(
            self.db(),
            now.as_millisecond(),
            now.as_millisecond().saturating_add(lease),
            self.settings.batch,
        )
        .await?;
        let count = claimed.len();
        // Long jobs (exports) run on their own task, keeping their lease
        // alive, so that messages do not wait behind them.
        let (long, short): (Vec<Job>, Vec<Job>) = claimed
            .into_iter()
            .partition(|job| job.kind == crate::services::exports::EXPORT);
        for job in long {
            let worker = self.clone();
            tokio::spawn(async move { worker.run_and_record(job).await });
        }
        futures_util::future::join_all(short.into_iter().map(|job| self.run_and_record(job))).await;
        Ok(count)
    }

    async fn run_and_record(&self, job: Job) {
        let outcome = if job.attempts > job.max_attempts {
            // The last try died with its worker: never more.
            if job.kind == crate::services::exports::EXPORT
                && let Ok(id) = job.payload.parse()
            {
                self.services
                    .exports
                    .fail(id, "interrupted on its last try")
                    .await;
            }
            Outcome::GiveUp("no tries left".into())
        } else {
            self.run(&job).await
        };
        if let Err(err) = self.record(&job, &outcome).await {
            tracing::warn!(job = job.id, error = %err, "recording a job's outcome failed");
        }
    }

    async fn run(&self, job: &Job) -> Outcome {
        let last = job.attempts >= job.max_attempts;
        match job.kind.as_str() {
            outbox::DELIVER => match job.payload.parse() {
                Ok(id) => {
                    self.services
                        .messaging
                        .deliver(id, job.attempts, last)
                        .await
                }
                Err(_) => Outcome::GiveUp("bad payload".into()),
            },
            crate::services::exports::EXPORT => match job.payload.parse() {
                Ok(id) => self.services.exports.run(id, last).await,
                Err(_) => Outcome::GiveUp("bad payload".into()),
            },
            crate::services::messaging::PROCESS_WEBHOOK => match job.payload.parse() {
                Ok(id) => self.services.messaging.process_again(id).await,
                Err(_) => Outcome::GiveUp("bad payload".into()),
            },
            other => Outcome::GiveUp(format!("unknown job kind {other}")),
        }
    }

    async fn record(&self, job: &Job, outcome: &Outcome) -> DomainResult<()> {
        let mut tx = self.db().begin_write().await?;
        let now = Timestamp::now().as_millisecond();
        match outcome {
            Outcome::Done => jobs::finish(&mut tx, job.id, None, now).await?,
            Outcome::GiveUp(why) => jobs::finish(&mut tx, job.id, Some(why), now).await?,
            Outcome::Retry(why) if job.attempts >= job.max_attempts => {
                jobs::finish(&mut tx, job.id, Some(why), now).await?;
            }
            Outcome::Retry(why) => {
                let exponent = u32::try_from(job.attempts.clamp(1, 12) - 1).unwrap_or(0);
                let wait = self
                    .settings
                    .retry_base
                    .saturating_mul(2u32.pow(exponent))
                    .min(Duration::from_secs(3600));
                let wait = i64::try_from(wait.as_millis()).unwrap_or(i64::MAX);
                jobs::retry(&mut tx, job.id, now.saturating_add(wait), why).await?;
            }
        }
        tx.commit().await.map_err(db_error)?;
        Ok(())
    }

    /// Writes the reminders due within the next quarter hour past the
    /// longest offset (each once: its key names the appointment, the start
    /// and the offset); how many messages.
    pub async fn write_reminders(&self, now: Timestamp) -> DomainResult<usize> {
        // The platform's reminder timings in force now.
        let reminders: Vec<SignedDuration> = if self.settings.follow_platform {
            self.services
                .settings
                .current()
                .reminders
                .iter()
                .map(|m| SignedDuration::from_mins(*m))
                .collect()
        } else {
            self.settings.reminders.clone()
        };
        let Some(longest) = reminders.iter().max().copied() else {
            return Ok(0);
        };
        let horizon = now + longest + SignedDuration::from_mins(15);
        let upcoming = {
            let mut conn = self.db().pool().acquire().await.map_err(db_error)?;
            outbox::upcoming(&mut conn, now, horizon).await?
        };
        let mut written = 0;
        for appointment in &upcoming {
            for offset in &reminders {
                let due = appointment.starts_at - *offset;
                // Too late for this one (booked after its time): the next
                // offset will remind.
                if due < now - SignedDuration::from_mins(5) {
                    continue;
                }
                let mut tx = self.db().begin_write().await?;
                written += outbox::remind(&mut tx, appointment, offset.as_secs()).await?;
                tx.commit().await.map_err(db_error)?;
            }
        }
        if written > 0 {
            self.services.messaging.wake().now();
        }
        Ok(written)
    }

    /// Forgets assistant conversations by SMS that went quiet and jobs done
    /// long ago (housekeeping).
    pub async fn tidy(&self, now: Timestamp, quiet: SignedDuration) -> DomainResult<u64> {
        let mut tx = self.db().begin_write().await?;
        let forgotten = webhooks::forget_threads(&mut tx, now - quiet).await?;
        let purged = jobs::purge(
            &mut tx,
            (now - SignedDuration::from_hours(24 * 30)).as_millisecond(),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        let expired = self.services.exports.tidy().await? as u64;
        Ok(forgotten + purged + expired)
    }
}
