//! `medplat bench --stats`: a year of a clinic's data (by default 50
//! doctors with weekday hours, 150,000 appointments from a year ago to four
//! weeks ahead, their reminders, a year of alerts and of the assistant's
//! answers), then the statistics page's queries timed through the service:
//! the default period, a whole year, a year of one specialty, and a doctor
//! reading their own year.

use std::fmt::Write as _;
use std::time::Instant;

use anyhow::Context;
use domain::accounts::Role;
use domain::auth::Principal;
use domain::services::Services;
use domain::stats::StatsQuery;
use domain::trail::Door;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};
use sqlx::AssertSqlSafe;

use super::load::{self, Plan, XorShift};
use super::measure::Latencies;

/// What `--stats` loads and how often it asks.
pub struct StatsPlan {
    pub doctors: usize,
    pub patients: usize,
    pub appointments: usize,
    pub runs: usize,
}

async fn exec(services: &Services, sql: String) -> anyhow::Result<()> {
    let mut tx = services.db().begin_write().await?;
    let conn: &mut sqlx::AnyConnection = &mut tx;
    sqlx::raw_sql(AssertSqlSafe(sql))
        .execute(conn)
        .await
        .context("loading statistics data")?;
    tx.commit().await.context("committing")?;
    Ok(())
}

/// Past appointments as they end up: mostly completed, some no-shows;
/// reminders for every appointment; alerts; the assistant's answers.
async fn age(services: &Services, patients: &[i64], rng: &mut XorShift) -> anyhow::Result<()> {
    let now = Timestamp::now().as_millisecond();
    exec(
        services,
        format!(
            "UPDATE appointments SET status = CASE WHEN id % 12 = 0 THEN 'no_show' ELSE 'completed' END \
             WHERE starts_at < {now} AND status IN ('confirmed', 'pending')"
        ),
    )
    .await?;
    println!("loading reminders… one per appointment");
    exec(
        services,
        "INSERT INTO outbound_messages (user_id, channel, kind, data, urgent, status, idempotency_key, send_after, created_at, updated_at) \
         SELECT patient_id, CASE WHEN id % 3 = 0 THEN 'email' WHEN id % 3 = 1 THEN 'sms' ELSE 'whatsapp' END, 'reminder', '{}', 0, \
         CASE WHEN id % 25 = 0 THEN 'failed' WHEN id % 3 = 0 THEN 'sent' ELSE 'delivered' END, 'bench-' || id, \
         starts_at - 86400000, starts_at - 86400000, starts_at - 86400000 FROM appointments"
            .into(),
    )
    .await?;
    let (levels, year_ms) = (["warning", "critical", "emergency"], 365 * 86_400_000i64);
    let alerts = 20 * 365;
    println!("loading alerts… {alerts}");
    for chunk in 0..alerts / 1000 + 1 {
        let mut sql = String::from(
            "INSERT INTO vital_alerts (patient_id, condition, level, title, message, count, raised_at, updated_at, cleared_at, acknowledged_at) VALUES ",
        );
        let rows = (chunk * 1000..((chunk + 1) * 1000).min(alerts)).collect::<Vec<_>>();
        if rows.is_empty() {
            break;
        }
        for (i, n) in rows.iter().enumerate() {
            let raised = now - rng.below(year_ms as usize) as i64;
            let patient = patients[rng.below(patients.len())];
            let ack = if rng.below(10) == 0 {
                "NULL".to_owned()
            } else {
                (raised + 1000 * (30 + rng.below(1800)) as i64).to_string()
            };
            let sep = if i == 0 { "" } else { ", " };
            write!(
                sql,
                "{sep}({patient}, 'bench{n}', '{}', 't', 'm', 1, {raised}, {raised}, {raised}, {ack})",
                levels[rng.below(3)]
            )?;
        }
        exec(services, sql).await?;
    }
    println!("loading the assistant's answers… a year of hours");
    let first_hour = now.div_euclid(3_600_000) * 3_600_000 - year_ms;
    for chunk in (0..365 * 24).collect::<Vec<i64>>().chunks(1000) {
        let mut sql =
            String::from("INSERT INTO assistant_usage (hour, outcome, lang, count) VALUES ");
        for (i, h) in chunk.iter().enumerate() {
            let hour = first_hour + h * 3_600_000;
            let sep = if i == 0 { "" } else { ", " };
            write!(
                sql,
                "{sep}({hour}, 'understood', 'fr', {}), ({hour}, 'not_understood', 'fr', {})",
                rng.below(20) + 1,
                rng.below(3) + 1
            )?;
        }
        exec(services, sql).await?;
    }
    Ok(())
}

/// Loads the year, then times each kind of request `runs` times.
pub async fn run(services: &Services, plan: &StatsPlan, rng: &mut XorShift) -> anyhow::Result<()> {
    let tz = TimeZone::get("Europe/Paris").context("loading the Europe/Paris zone")?;
    let today = Timestamp::now().to_zoned(tz.clone()).date();
    let first = today.checked_sub(Span::new().days(364))?;
    let last = today.checked_add(Span::new().days(27))?;
    let data = load::load(
        services,
        &Plan {
            doctors: plan.doctors,
            patients: plan.patients,
            appointments: plan.appointments,
        },
        &tz,
        (first, last),
        rng,
    )
    .await?;
    age(services, &data.patients, rng).await?;
    // As autovacuum leaves a live database: statistics, and the visibility
    // map that lets index-only scans skip the table.
    if services.db().dialect() == domain::store::Dialect::Postgres {
        sqlx::raw_sql("VACUUM ANALYZE")
            .execute(services.db().pool())
            .await?;
    }
    println!(
        "loaded {} doctors, {} patients, {} appointments from {first} to {last} in {:.1} s",
        data.doctors.len(),
        data.patients.len(),
        data.appointments,
        data.elapsed.as_secs_f64()
    );
    let admin = Principal::cli(0, Role::Admin).entering(Door::Rest, None);
    let doctor = Principal::cli(data.doctors[0], Role::Doctor).entering(Door::Rest, None);
    let year = |specialty: Option<&str>| StatsQuery {
        from: Some(
            today
                .checked_sub(Span::new().days(364))
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ),
        to: Some(today.to_string()),
        specialty: specialty.map(str::to_owned),
        tz: Some("Europe/Paris".into()),
        doctor_id: None,
    };
    let cases: [(&str, &Principal, StatsQuery); 4] = [
        (
            "default period (44 days), administrator",
            &admin,
            StatsQuery::default(),
        ),
        ("a year, administrator", &admin, year(None)),
        ("a year, one specialty", &admin, year(Some("cardiology"))),
        ("a year, a doctor's own", &doctor, year(None)),
    ];
    println!();
    println!(
        "statistics page, {} runs each (every query of the page, lead times included):",
        plan.runs
    );
    for (label, who, query) in &cases {
        let now = Timestamp::now();
        // Once to warm the pool and the caches.
        let figures = services.stats.compute(who, query, now).await?;
        let mut times = Vec::with_capacity(plan.runs);
        for _ in 0..plan.runs {
            let started = Instant::now();
            services.stats.compute(who, query, now).await?;
            times.push(started.elapsed());
        }
        let total: i64 = figures.by_status.iter().map(|c| c.count).sum();
        println!(
            "  {label:<42} {total:>7} appointments  {}",
            Latencies::new(times).summary()
        );
    }
    queries_alone(services, &tz, today, plan.runs).await
}

/// Each grouped query of a year's page, whole platform, run alone (the page
/// runs them at once, each on a connection of its own).
async fn queries_alone(
    services: &Services,
    tz: &TimeZone,
    today: jiff::civil::Date,
    runs: usize,
) -> anyhow::Result<()> {
    use domain::store::stats::{self as q, Scope};
    let start = |day: jiff::civil::Date| -> anyhow::Result<Timestamp> {
        Ok(day.to_zoned(tz.clone())?.timestamp())
    };
    let from = start(today.checked_sub(Span::new().days(364))?)?;
    let to = start(today.checked_add(Span::new().days(1))?)?;
    let scope = Scope::default();
    let mut conn = services.db().pool().acquire().await?;
    println!();
    println!("the year's queries, whole platform, each alone, {runs} runs:");
    for label in [
        "appointments by local hour",
        "held by doctor",
        "alerts",
        "assistant answers",
        "deliveries",
    ] {
        let mut times = Vec::with_capacity(runs);
        for run in 0..=runs {
            let started = Instant::now();
            let rows = match label {
                "appointments by local hour" => {
                    q::appointments_by_hour(&mut conn, tz, from, to, scope)
                        .await?
                        .len()
                }
                "held by doctor" => q::held_by_doctor(&mut conn, from, to, scope).await?.len(),
                "alerts" => q::alerts(&mut conn, from, to, scope).await?.len(),
                "assistant answers" => q::assistant_answers(&mut conn, from, to).await?.len(),
                _ => q::deliveries(&mut conn, from, to).await?.len(),
            };
            // The first run warms the caches.
            if run > 0 {
                times.push(started.elapsed());
            }
            std::hint::black_box(rows);
        }
        println!("  {label:<42} {}", Latencies::new(times).summary());
    }
    Ok(())
}
