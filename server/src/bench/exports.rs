//! `medplat bench --exports`: research exports through the release server
//! this binary starts on the scratch database, as administrators run them.
//! The data: patients with profiles in many groups of quasi-identifiers and
//! vital-sign minutes, 10,000 on the first day and the rest after. Each
//! format exports the first day (10,000 rows), then the whole month
//! (`--export-rows`, 1,000,000 by default): time from the request to the
//! completed job, rows per second, file size, and the server's peak resident
//! memory while the job ran (sampled every 20 ms from /proc). Each export
//! runs on a server started for it, so that one export's freed memory,
//! which the allocator keeps, does not count as the next one's; the symptom
//! checker's model is stored with the data, so that no server trains it
//! (a first start's one-off) while an export runs.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use domain::accounts::{Role, SignUpForm};
use domain::store::Db;
use jiff::Timestamp;
use serde_json::{Value, json};

use super::Target;
use super::vitals::Server;

const ADMIN: &str = "bench_exports_admin";
const PASSWORD: &str = "bench-exports-password-1";
/// Rows of the first day.
const FIRST_DAY_ROWS: usize = 10_000;

/// Runs the benchmark on `target` with `rows` vital-sign minutes in all.
pub async fn run(target: &Target, rows: usize, patients: usize) -> anyhow::Result<()> {
    println!(
        "backend    {} ({} build), {}",
        target.backend,
        super::build_kind(),
        target.name
    );
    if rows < FIRST_DAY_ROWS || patients == 0 {
        bail!("--export-rows must be at least {FIRST_DAY_ROWS}, --export-patients at least 1");
    }
    let started = Instant::now();
    load(target, rows, patients).await?;
    println!(
        "data       {patients} patients, {rows} vital-sign minutes (loaded in {:.1} s)",
        started.elapsed().as_secs_f64()
    );
    let data_dir =
        std::env::temp_dir().join(format!("medplat-bench-exports-{}", std::process::id()));
    let client = domain::http::client();
    println!("format     rows        time      rows/s     file         server memory: idle, peak");
    for (label, last_day, expected) in [
        ("first day", "2026-01-01", FIRST_DAY_ROWS),
        ("month", "2026-01-31", rows),
    ] {
        for format in ["csv", "json", "parquet", "excel", "fhir"] {
            let mut server = Server::start(&target.url, &data_dir)?;
            server.wait_ready().await?;
            let token =
                super::vitals_clients::sign_in(&client, &server.base, ADMIN, PASSWORD).await?;
            let idle = server.rss_kib()?;
            let body = json!({
                "dataset": "vitals",
                "export_format": format,
                "date_start": "2026-01-01",
                "date_end": last_day,
                "date_precision": "shifted",
                "max_records": rows,
            });
            let t0 = Instant::now();
            let created = client
                .post(format!("{}/api/v1/exports/", server.base))
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await?;
            if created.status() != 201 {
                bail!("creating a {format} export: {}", created.text().await?);
            }
            let id = created.json::<Value>().await?["id"]
                .as_i64()
                .context("an export id")?;
            let mut peak = 0u64;
            let mut peak_anon = 0u64;
            let job = loop {
                peak = peak.max(server.rss_kib()?);
                peak_anon = peak_anon.max(server.status_kib("RssAnon")?);
                let job: Value = client
                    .get(format!("{}/api/v1/exports/{id}/", server.base))
                    .bearer_auth(&token)
                    .send()
                    .await?
                    .json()
                    .await?;
                if !matches!(job["status"].as_str(), Some("pending" | "running")) {
                    break job;
                }
                if t0.elapsed() > Duration::from_secs(600) {
                    bail!("{format}: not done after 10 minutes");
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            };
            let took = t0.elapsed().as_secs_f64();
            if job["status"] != "completed" {
                bail!("{format} export ended {}: {}", job["status"], job["error"]);
            }
            let written = job["records_count"].as_i64().unwrap_or(0);
            let suppressed = job["suppressed_count"].as_i64().unwrap_or(0);
            if (written + suppressed) as usize != expected {
                bail!("{format}: {written} rows written and {suppressed} left out of {expected}");
            }
            println!(
                "{format:<10} {written:>9}  {took:>7.2} s  {:>9.0}  {:>8.1} MB  {:>6.1} MB, {:>6.1} MB (heap {:>5.1} MB)  ({label}; {suppressed} rows left out by k-anonymity)",
                written as f64 / took,
                job["file_size"].as_i64().unwrap_or(0) as f64 / 1e6,
                idle as f64 / 1024.0,
                peak as f64 / 1024.0,
                peak_anon as f64 / 1024.0,
            );
            // The file is not needed: removing it keeps the disk small.
            client
                .delete(format!("{}/api/v1/exports/{id}/", server.base))
                .bearer_auth(&token)
                .send()
                .await?;
            server.stop();
        }
    }
    let _ = std::fs::remove_dir_all(&data_dir);
    Ok(())
}

/// Fills the scratch database: an administrator, `patients` patients with
/// profiles, and `rows` vital-sign minutes in January 2026.
async fn load(target: &Target, rows: usize, patients: usize) -> anyhow::Result<()> {
    let db = Db::connect(&target.url, 4).await?;
    db.migrate().await?;
    let services = domain::services::Services::new(db.clone(), super::auth_config()).await?;
    // A platform's first start trains the symptom checker's model and stores
    // it (seconds of work on a burst of memory). Trained here, every server
    // below reads it back as on any later start: the export's memory is not
    // mixed with a one-off training, whichever export comes first.
    services.symptoms.ensure_model().await?;
    services
        .accounts
        .create_unchecked(
            Role::Admin,
            &SignUpForm {
                username: ADMIN.into(),
                email: format!("{ADMIN}@example.org"),
                password: PASSWORD.into(),
                first_name: "Bench".into(),
                last_name: "Exports".into(),
            },
            None,
        )
        .await?;
    let now = Timestamp::now().as_millisecond();
    let areas = ["75", "69", "13", "33", "59", "31", "44", "67", "06", "35"];
    let mut ids = Vec::with_capacity(patients);
    let mut tx = db.begin_write().await?;
    for i in 0..patients {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, email, password_hash, first_name, last_name, role, created_at) \
             VALUES ($1, $2, 'x', 'Bench', $3, 'patient', $4) RETURNING id",
        )
        .bind(format!("bench_export_{i}"))
        .bind(format!("bench_export_{i}@example.org"))
        .bind(format!("Patient{i}"))
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
        let birth = format!("{}-{:02}-15", 1940 + (i * 7) % 60, 1 + i % 12);
        let sex = if i % 2 == 0 { "female" } else { "male" };
        sqlx::query(
            "INSERT INTO medical_profiles (patient_id, date_of_birth, sex, postal_code, updated_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(birth)
        .bind(sex)
        .bind(format!("{}100", areas[i % areas.len()]))
        .bind(now)
        .execute(&mut **tx)
        .await?;
        ids.push(id);
    }
    tx.commit().await?;

    // Minutes: the first day's 10,000 rows, then the rest from the second
    // day, every patient one heart-rate minute in turn.
    let day_ms = 86_400_000i64;
    let first: Timestamp = "2026-01-01T08:00:00+01:00".parse()?;
    let second = first.as_millisecond() + day_ms;
    let mut done = 0usize;
    let chunk = 400usize;
    let mut tx = db.begin_write().await?;
    while done < rows {
        let n = chunk.min(rows - done);
        let mut sql = String::from(
            "INSERT INTO reading_minutes (patient_id, vital, minute, min_value, max_value, sum_value, count) VALUES ",
        );
        for k in 0..n {
            let r = done + k;
            let (base, offset) = if r < FIRST_DAY_ROWS {
                (first.as_millisecond(), r)
            } else {
                (second, r - FIRST_DAY_ROWS)
            };
            let patient = ids[offset % ids.len()];
            let minute = base + (offset / ids.len()) as i64 * 60_000;
            let value = 60 + (r % 40) as i64;
            if k > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "({patient}, 1, {minute}, {value}, {}, {}, 4)",
                value + 6,
                value * 4 + 10
            ));
        }
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut **tx)
            .await?;
        done += n;
        if done % 100_000 < chunk {
            tx.commit().await?;
            tx = db.begin_write().await?;
            eprint!("\rloading    {done} / {rows} minutes");
        }
    }
    tx.commit().await?;
    eprintln!();
    if db.dialect() == domain::store::Dialect::Sqlite {
        // As a server that has run a while: the load's log folded into the
        // database file.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(db.pool())
            .await?;
    }
    db.close().await;
    Ok(())
}
