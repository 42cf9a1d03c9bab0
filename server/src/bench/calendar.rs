//! `medplat bench --calendar`: loads the demo data into the scratch database and
//! times the availability export of a demo doctor (twelve weeks), next to two
//! reference shapes of the same twelve weeks rendered by the same code: one
//! event per slot, full ones included (the export before slots were merged),
//! and one event per free slot (the seed's export).

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use domain::accounts::Role;
use domain::auth::Principal;
use domain::calendar::{CalEvent, render};
use domain::scheduling::ConsultationType;
use domain::services::Services;
use domain::services::calendars::ICS_WEEKS;
use domain::services::scheduling::FreeSlot;
use jiff::{Span, Timestamp};

/// One shape's figures.
struct Figures {
    events: usize,
    bytes: usize,
    times: Vec<Duration>,
}

impl Figures {
    fn line(&mut self, label: &str) -> String {
        self.times.sort_unstable();
        let at = |q: f64| {
            let i = ((self.times.len() as f64 - 1.0) * q).round() as usize;
            self.times[i.min(self.times.len() - 1)].as_secs_f64() * 1000.0
        };
        format!(
            "{label:<26} {:>5} events {:>8.1} KB   p50 {:.2} ms  p90 {:.2} ms  max {:.2} ms",
            self.events,
            self.bytes as f64 / 1024.0,
            at(0.5),
            at(0.9),
            at(1.0),
        )
    }
}

fn kind_fr(kind: ConsultationType) -> &'static str {
    match kind {
        ConsultationType::InPerson => "présentiel",
        ConsultationType::Remote => "à distance",
        ConsultationType::Both => "présentiel ou à distance",
    }
}

/// One event per slot, as the export was written before merging.
fn per_slot_events(doctor: i64, timezone: &str, slots: &[FreeSlot]) -> Vec<CalEvent> {
    slots
        .iter()
        .map(|f| CalEvent {
            uid: format!("slot-{doctor}-{}@medplat", f.slot.starts_at.as_second()),
            starts_at: f.slot.starts_at,
            ends_at: f.slot.ends_at,
            timezone: timezone.to_owned(),
            summary: if f.remaining > 0 {
                format!("Disponible ({}/{} places)", f.remaining, f.slot.capacity)
            } else {
                "Complet".to_owned()
            },
            description: format!(
                "Consultation {} — {} min",
                kind_fr(f.slot.consultation_type),
                f.slot.ends_at.duration_since(f.slot.starts_at).as_mins()
            ),
            location: f.slot.location.clone(),
            status: None,
            transparent: true,
        })
        .collect()
}

/// Times `runs` exports of the demo doctor `username` in three shapes and
/// prints one line per shape.
pub(super) async fn run(services: &Services, username: &str, runs: usize) -> anyhow::Result<()> {
    domain::demo::load_if_empty(services)
        .await
        .context("loading the demo data")?;
    let doctor: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(services.db().pool())
        .await
        .context("looking the doctor up")?
        .with_context(|| format!("no demo account {username}"))?;
    let actor = Principal::cli(doctor, Role::Doctor);
    let schedule = services.scheduling.schedule(doctor).await?;
    let timezone = schedule.timezone.clone();
    let tz = jiff::tz::TimeZone::get(&timezone)?;
    let now = Timestamp::now();
    let first = now.to_zoned(tz).date();
    let last = first.checked_add(Span::new().days(7 * i64::from(ICS_WEEKS) - 1))?;
    if runs == 0 {
        bail!("--calendar-runs must be at least 1");
    }
    let mut merged = Figures {
        events: 0,
        bytes: 0,
        times: Vec::with_capacity(runs),
    };
    let mut per_slot = Figures {
        events: 0,
        bytes: 0,
        times: Vec::with_capacity(runs),
    };
    let mut seed = Figures {
        events: 0,
        bytes: 0,
        times: Vec::with_capacity(runs),
    };
    let mut kept = Figures {
        events: 0,
        bytes: 0,
        times: Vec::with_capacity(runs),
    };
    let name = "Disponibilités";
    let step = jiff::SignedDuration::from_mins(15);
    for run in 0..runs {
        // Each run a quarter hour later: computed again (cold).
        let at = now + step * i32::try_from(run).unwrap_or(i32::MAX);
        let started = Instant::now();
        let file = services
            .calendars
            .availability_ics(&actor, None, at)
            .await?;
        merged.times.push(started.elapsed());
        merged.bytes = file.body.len();
        merged.events = file.body.matches("BEGIN:VEVENT").count();
        // Asked again within the quarter hour, nothing changed (warm).
        let started = Instant::now();
        let file = services
            .calendars
            .availability_ics(&actor, None, at)
            .await?;
        kept.times.push(started.elapsed());
        kept.bytes = file.body.len();
        kept.events = merged.events;

        let started = Instant::now();
        let slots = services
            .scheduling
            .slots_with_full(doctor, first, last, now)
            .await?;
        let body = render(name, &per_slot_events(doctor, &timezone, &slots), now)?;
        per_slot.times.push(started.elapsed());
        per_slot.bytes = body.len();
        per_slot.events = slots.len();

        let started = Instant::now();
        let free = services
            .scheduling
            .free_slots(doctor, first, last, None, now)
            .await?;
        let body = render(name, &per_slot_events(doctor, &timezone, &free), now)?;
        seed.times.push(started.elapsed());
        seed.bytes = body.len();
        seed.events = free.len();
    }
    println!();
    println!(
        "calendar  {username}, {ICS_WEEKS} weeks from today, {runs} runs each (query + render)"
    );
    println!("          {}", merged.line("export, computed (cold)"));
    println!("          {}", kept.line("export, kept (warm)"));
    println!("          {}", per_slot.line("one event per slot"));
    println!("          {}", seed.line("one per free slot (seed)"));
    Ok(())
}
