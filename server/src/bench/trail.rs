//! `medplat bench --trail`: what writing the access trail costs a read-heavy
//! load. Loads the demo data, then has doctors read the medical profiles of
//! the patients in their care — the same reads, through the same policy —
//! once with every read recorded in the trail (as served) and once without
//! (services built only for this measurement), at several concurrencies.

use std::time::{Duration, Instant};

use anyhow::Context;
use domain::accounts::Role;
use domain::auth::AuthConfig;
use domain::auth::Principal;
use domain::services::Services;
use domain::store::Db;
use domain::trail::Door;

/// Reads of one run, and how long each took.
struct Run {
    reads: usize,
    wall: Duration,
    times: Vec<Duration>,
}

impl Run {
    fn line(&mut self, label: &str, concurrency: usize) -> String {
        self.times.sort_unstable();
        let at = |q: f64| {
            let i = ((self.times.len() as f64 - 1.0) * q).round() as usize;
            self.times[i.min(self.times.len() - 1)].as_secs_f64() * 1000.0
        };
        format!(
            "{label:<14} ×{concurrency:<3} {:>8.0} reads/s   p50 {:.2} ms  p90 {:.2} ms  p99 {:.2} ms",
            self.reads as f64 / self.wall.as_secs_f64(),
            at(0.5),
            at(0.9),
            at(0.99),
        )
    }
}

/// The (doctor, patient) pairs of running care relationships.
async fn pairs(services: &Services) -> anyhow::Result<Vec<(Principal, i64)>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT doctor_id, patient_id FROM care_relationships WHERE ended_at IS NULL ORDER BY id",
    )
    .fetch_all(services.db().pool())
    .await
    .context("listing care relationships")?;
    Ok(rows
        .into_iter()
        .map(|(doctor, patient)| {
            (
                Principal::cli(doctor, Role::Doctor).entering(Door::Rest, None),
                patient,
            )
        })
        .collect())
}

async fn run(
    services: &Services,
    pairs: &[(Principal, i64)],
    concurrency: usize,
    reads: usize,
) -> anyhow::Result<Run> {
    let per_task = reads / concurrency;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for task in 0..concurrency {
        let services = services.clone();
        let pairs = pairs.to_vec();
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::with_capacity(per_task);
            for i in 0..per_task {
                let (doctor, patient) = &pairs[(task * 7 + i) % pairs.len()];
                let t = Instant::now();
                services.profiles.profile(doctor, *patient).await?;
                times.push(t.elapsed());
            }
            anyhow::Ok(times)
        }));
    }
    let mut times = Vec::with_capacity(reads);
    for task in tasks {
        times.extend(task.await.context("reader task")??);
    }
    Ok(Run {
        reads: times.len(),
        wall: started.elapsed(),
        times,
    })
}

/// Runs the comparison on `db` (demo data loaded by the caller's services).
pub async fn compare(db: &Db, auth: AuthConfig, reads: usize) -> anyhow::Result<()> {
    let recorded = Services::new(db.clone(), auth.clone()).await?;
    let unrecorded = Services::without_read_trail_for_benchmark(db.clone(), auth).await?;
    domain::demo::load_if_empty(&recorded).await?;
    let pairs = pairs(&recorded).await?;
    anyhow::ensure!(!pairs.is_empty(), "the demo data has no care relationship");
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM access_trail")
        .fetch_one(db.pool())
        .await?;
    println!(
        "{} doctor–patient pairs; {reads} profile reads per run (policy check, then read)",
        pairs.len()
    );
    // Warm the pool and the caches once.
    run(&recorded, &pairs, 4, 200.min(reads)).await?;
    for concurrency in [1, 8, 32] {
        let mut without = run(&unrecorded, &pairs, concurrency, reads).await?;
        let mut with = run(&recorded, &pairs, concurrency, reads).await?;
        println!("{}", without.line("without trail", concurrency));
        println!("{}", with.line("with trail", concurrency));
    }
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM access_trail")
        .fetch_one(db.pool())
        .await?;
    let report = recorded.trail.verify(|_, _| {}).await?;
    println!(
        "trail     {} entries written by the runs; chain of {} entries verified: {}",
        after - before,
        report.checked,
        if report.problems.is_empty() {
            "intact"
        } else {
            "BROKEN"
        }
    );
    anyhow::ensure!(report.problems.is_empty(), "the trail does not verify");
    Ok(())
}
