//! The timed parts: free-slot searches, booking under contention, and the
//! invariants checked afterwards.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use domain::DomainError;
use domain::accounts::{Role, UserId};
use domain::auth::Principal;
use domain::scheduling::ConsultationType;
use domain::services::Services;
use domain::services::appointments::NewBooking;
use domain::services::scheduling::FreeSlot;
use domain::store::Db;
use jiff::civil::Date;
use jiff::{Span, Timestamp};
use tokio::sync::Barrier;

use super::load::{Dataset, XorShift};

/// Doctors whose first free slots all contenders fight over.
const HOT_DOCTORS: usize = 4;
/// Free slots taken from each hot doctor's first week.
const HOT_SLOTS_PER_DOCTOR: usize = 8;
/// Searches run before measuring (connections opened, caches warm).
const WARM_UP: usize = 10;

/// Sorted timings.
pub(super) struct Latencies(Vec<Duration>);

impl Latencies {
    pub(super) fn new(mut times: Vec<Duration>) -> Self {
        times.sort_unstable();
        Self(times)
    }

    /// Nearest-rank percentile.
    fn percentile(&self, p: f64) -> Duration {
        let rank = ((p / 100.0) * self.0.len() as f64).ceil() as usize;
        self.0
            .get(rank.saturating_sub(1).min(self.0.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    }

    pub(super) fn summary(&self) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        format!(
            "p50 {:.2} ms  p90 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
            ms(self.percentile(50.0)),
            ms(self.percentile(90.0)),
            ms(self.percentile(99.0)),
            ms(self.0.last().copied().unwrap_or_default())
        )
    }
}

/// Times `count` twelve-week free-slot searches of random doctors; also
/// returns the mean number of free slots found.
pub(super) async fn search(
    services: &Services,
    data: &Dataset,
    (first, last): (Date, Date),
    count: usize,
    rng: &mut XorShift,
) -> anyhow::Result<(Latencies, usize)> {
    let scheduling = &services.scheduling;
    let now = Timestamp::now();
    for &doctor in data.doctors.iter().take(WARM_UP) {
        scheduling
            .free_slots(doctor, first, last, None, now)
            .await?;
    }
    let mut times = Vec::with_capacity(count);
    let mut found = 0;
    for _ in 0..count {
        let doctor = data.doctors[rng.below(data.doctors.len())];
        let started = Instant::now();
        let free = scheduling
            .free_slots(doctor, first, last, None, now)
            .await?;
        times.push(started.elapsed());
        found += free.len();
    }
    Ok((Latencies::new(times), found / count))
}

/// How one booking attempt ended.
enum Outcome {
    Booked,
    Refused(&'static str),
    Failed(String),
}

fn outcome(result: Result<impl Sized, DomainError>) -> Outcome {
    match result {
        Ok(_) => Outcome::Booked,
        Err(DomainError::Internal(err)) => {
            let mut text = err.to_string();
            let mut source = std::error::Error::source(&err);
            while let Some(cause) = source {
                text = format!("{text}: {cause}");
                source = cause.source();
            }
            Outcome::Failed(text)
        }
        Err(err) => Outcome::Refused(err.code()),
    }
}

/// Results of the booking phase.
pub(super) struct Booking {
    hot_slots: usize,
    places: i64,
    outcomes: Vec<(Duration, Outcome)>,
    wall: Duration,
}

impl Booking {
    fn count(&self, wanted: impl Fn(&Outcome) -> bool) -> usize {
        self.outcomes.iter().filter(|(_, o)| wanted(o)).count()
    }

    pub(super) fn print(&self, contenders: usize, rounds: usize) {
        let attempts = self.outcomes.len();
        let booked = self.count(|o| matches!(o, Outcome::Booked));
        let failed = self.count(|o| matches!(o, Outcome::Failed(_)));
        let refused = |code: &str| self.count(|o| matches!(o, Outcome::Refused(c) if *c == code));
        let known = ["slot_full", "patient_overlap", "slot_unavailable"];
        let other = self.count(|o| matches!(o, Outcome::Refused(c) if !known.contains(c)));
        let secs = self.wall.as_secs_f64().max(f64::EPSILON);
        let latencies = Latencies::new(self.outcomes.iter().map(|(d, _)| *d).collect());
        println!(
            "booking   {contenders} contenders × {rounds} rounds on {} hot slots ({} places): \
             {attempts} attempts, {booked} booked, {} refused (slot_full {}, patient_overlap {}, \
             slot_unavailable {}, other {other}), {failed} errors",
            self.hot_slots,
            self.places,
            attempts - booked - failed,
            refused("slot_full"),
            refused("patient_overlap"),
            refused("slot_unavailable"),
        );
        println!(
            "          wall {:.2} s, {:.0} attempts/s, {:.1} bookings/s; per attempt {}",
            secs,
            attempts as f64 / secs,
            booked as f64 / secs,
            latencies.summary()
        );
        if let Some((_, Outcome::Failed(first))) = self
            .outcomes
            .iter()
            .find(|(_, o)| matches!(o, Outcome::Failed(_)))
        {
            println!("          first error: {first}");
        }
    }
}

/// `contenders` patients, each with a session, book the first free slots of a
/// few doctors at once: each round, half of them go for one slot and half for
/// the next, all released together.
pub(super) async fn contend(
    services: &Services,
    data: &Dataset,
    first: Date,
    contenders: usize,
    rounds: usize,
) -> anyhow::Result<Booking> {
    let now = Timestamp::now();
    let week_end = first.checked_add(Span::new().days(6))?;
    let mut hot: Vec<FreeSlot> = Vec::new();
    for &doctor in data.doctors.iter().take(HOT_DOCTORS) {
        let free = services
            .scheduling
            .free_slots(
                doctor,
                first,
                week_end,
                Some(ConsultationType::InPerson),
                now,
            )
            .await?;
        hot.extend(free.into_iter().take(HOT_SLOTS_PER_DOCTOR));
    }
    if hot.is_empty() {
        bail!("the hot doctors have no free slot in their first week");
    }
    let places = hot.iter().map(|f| i64::from(f.remaining)).sum();
    let principals = sessions(services.db(), &data.patients[..contenders]).await?;
    let hot = Arc::new(hot);
    let barrier = Arc::new(Barrier::new(contenders));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(contenders);
    for (c, principal) in principals.into_iter().enumerate() {
        let (services, hot, barrier) = (services.clone(), hot.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            let mut outcomes = Vec::with_capacity(rounds);
            for round in 0..rounds {
                let slot = &hot[(2 * round + c % 2) % hot.len()];
                let booking = NewBooking {
                    doctor_id: slot.doctor_id,
                    starts_at: slot.slot.starts_at,
                    consultation_type: ConsultationType::InPerson,
                    reason: "Benchmark".into(),
                };
                barrier.wait().await;
                let attempt = Instant::now();
                let result = services
                    .appointments
                    .book(&principal, &booking, Timestamp::now())
                    .await;
                outcomes.push((attempt.elapsed(), outcome(result)));
            }
            outcomes
        }));
    }
    let mut outcomes = Vec::with_capacity(contenders * rounds);
    for task in tasks {
        outcomes.extend(task.await.context("a contender panicked")?);
    }
    Ok(Booking {
        hot_slots: hot.len(),
        places,
        outcomes,
        wall: started.elapsed(),
    })
}

/// Opens a real sign-in session for each patient, as a login would.
async fn sessions(db: &Db, patients: &[UserId]) -> anyhow::Result<Vec<Principal>> {
    let mut principals = Vec::with_capacity(patients.len());
    for (i, &user_id) in patients.iter().enumerate() {
        let session_id = format!("bench-session-{i}");
        sqlx::query("INSERT INTO sessions (id, user_id, created_at) VALUES ($1, $2, $3)")
            .bind(&session_id)
            .bind(user_id)
            .bind(Timestamp::now().as_millisecond())
            .execute(db.pool())
            .await
            .context("opening a session")?;
        principals.push(Principal {
            session_id,
            ..Principal::cli(user_id, Role::Patient)
        });
    }
    Ok(principals)
}

/// The storage invariants booking must keep, as (description, SQL counting
/// the rows that break it).
const INVARIANTS: &[(&str, &str)] = &[
    (
        "slots holding more appointments than their capacity (or without a place counter)",
        "SELECT COUNT(*) FROM (SELECT doctor_id, starts_at, COUNT(*) AS n FROM appointments \
         WHERE status IN ('pending', 'confirmed') GROUP BY doctor_id, starts_at) h \
         LEFT JOIN slot_places p ON p.doctor_id = h.doctor_id AND p.starts_at = h.starts_at \
         WHERE p.capacity IS NULL OR h.n > p.capacity",
    ),
    (
        "place counters that differ from the appointments holding them",
        "SELECT COUNT(*) FROM slot_places p WHERE p.taken <> (SELECT COUNT(*) FROM appointments a \
         WHERE a.doctor_id = p.doctor_id AND a.starts_at = p.starts_at \
         AND a.status IN ('pending', 'confirmed'))",
    ),
    (
        "pairs of overlapping appointments of one patient",
        "SELECT COUNT(*) FROM appointments a JOIN appointments b ON b.patient_id = a.patient_id \
         AND b.id > a.id AND b.starts_at < a.ends_at AND a.starts_at < b.ends_at \
         WHERE a.status IN ('pending', 'confirmed') AND b.status IN ('pending', 'confirmed')",
    ),
];

/// Counts what breaks each invariant; returns the broken ones.
pub(super) async fn check_invariants(db: &Db) -> anyhow::Result<Vec<String>> {
    let mut broken = Vec::new();
    for (what, sql) in INVARIANTS {
        let count: i64 = sqlx::query_scalar(*sql)
            .fetch_one(db.pool())
            .await
            .with_context(|| format!("checking {what}"))?;
        if count > 0 {
            broken.push(format!("{count} {what}"));
        }
    }
    Ok(broken)
}
