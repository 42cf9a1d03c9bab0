//! `medplat bench --symptoms`: the symptom checker from outside. Loads the
//! demo data into a scratch database, times building the starting model from
//! the knowledge base, serves the platform on a local port, then has demo
//! patients `POST /api/symptoms/` over HTTP and prints the latency figures.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use super::Target;

/// The demo patients who check (their profiles are complete).
const PATIENTS: &[&str] = &["marie", "paul", "sofia", "thomas", "chloe", "joseph"];

fn percentile(sorted: &[Duration], q: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[i.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

/// Runs the measurement on `target` with `checks` requests from
/// `concurrency` clients.
pub async fn run(target: &Target, checks: usize, concurrency: usize) -> anyhow::Result<()> {
    let data_dir =
        std::env::temp_dir().join(format!("medplat-bench-symptoms-{}", std::process::id()));
    let url = target.url.clone();
    let dir = data_dir.to_string_lossy().to_string();
    let settings = crate::config::Settings::from_lookup(|key| match key {
        "DATABASE_URL" => Some(url.clone()),
        "DATA_DIR" => Some(dir.clone()),
        "DEMO_DATA" => Some("false".into()),
        "JWT_SECRET" => Some("medplat-bench-secret-not-for-production-0123456789".into()),
        _ => None,
    })?;
    let state = crate::build_state(settings).await?;
    let services = state.services.clone();
    domain::demo::load_if_empty(&services).await?;

    let started = Instant::now();
    let version = services.symptoms.ensure_model().await?;
    let built = started.elapsed();
    let models = services.symptoms.models(None).await?;
    let model = models
        .iter()
        .find(|m| m.active)
        .context("no active model")?;
    println!(
        "model     {version}: {} synthetic patients, {} conditions, {} trees, {:.1} MB, built in {:.2} s",
        model.samples,
        model.classes,
        model.trees,
        model.size_bytes as f64 / 1e6,
        built.as_secs_f64()
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(crate::serve(
        listener,
        crate::router(state),
        std::future::pending(),
    ));
    let client = domain::http::client();
    let mut tokens = Vec::new();
    for username in PATIENTS {
        let body: Value = client
            .post(format!("{base}/api/token/"))
            .json(&json!({"username": username, "password": "rendez-vous-2026"}))
            .send()
            .await?
            .json()
            .await?;
        tokens.push(body["access"].as_str().context("signing in")?.to_owned());
    }

    println!("checking… {checks} requests from {concurrency} clients");
    let per_client = checks.div_ceil(concurrency);
    let wall = Instant::now();
    let mut tasks = Vec::new();
    for client_no in 0..concurrency {
        let (client, base) = (client.clone(), base.clone());
        let tokens = tokens.clone();
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::with_capacity(per_client);
            for i in 0..per_client {
                let n = client_no * per_client + i;
                let bits = |k: usize| (n >> k) & 1 == 1;
                let pressure = ["low", "normal", "high"][n % 3];
                let body = json!({"symptoms": {"fever": bits(0), "cough": bits(1), "fatigue": bits(2),
                    "difficulty_breathing": bits(3), "blood_pressure": pressure}});
                let t = Instant::now();
                let response = client
                    .post(format!("{base}/api/symptoms/"))
                    .bearer_auth(&tokens[n % tokens.len()])
                    .json(&body)
                    .send()
                    .await?;
                let status = response.status();
                response.bytes().await?;
                times.push(t.elapsed());
                if !status.is_success() {
                    bail!("POST /api/symptoms/ answered {status}");
                }
            }
            anyhow::Ok(times)
        }));
    }
    let mut times = Vec::new();
    for task in tasks {
        times.extend(task.await??);
    }
    let elapsed = wall.elapsed();
    times.sort_unstable();
    println!(
        "checks    {} in {:.2} s: {:.0} checks/s   p50 {:.2} ms  p90 {:.2} ms  p99 {:.2} ms",
        times.len(),
        elapsed.as_secs_f64(),
        times.len() as f64 / elapsed.as_secs_f64(),
        percentile(&times, 0.5),
        percentile(&times, 0.9),
        percentile(&times, 0.99),
    );
    services.db().close().await;
    let _ = std::fs::remove_dir_all(&data_dir);
    Ok(())
}
