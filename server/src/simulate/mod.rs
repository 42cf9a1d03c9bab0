//! `medplat simulate`: devices that behave like seed 001's ESP32 against a
//! running platform. It signs in as a doctor or an administrator, registers
//! the devices for patients (each gets its own credential), then every device
//! sends `sensor_data` at the chosen rate over HTTP (`POST /api/iot/data/`)
//! or its socket (`ws/iot/<patient>/?token=…`, waiting for each `ack`), with
//! values following a scenario. Progress is printed every second, and a
//! summary at the end.
//!
//! Here: the run itself, with the tally and the plan it shares with the
//! devices; the options (`args`), the scenarios' values (`scenario`), what
//! each device sends (`send`) and the registering of devices (`setup`).

mod args;
mod scenario;
mod send;
mod setup;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};
use tokio::sync::Mutex;

pub use args::{Rate, SimulateArgs, Transport};
pub use scenario::{Scenario, values};
pub(crate) use setup::{Device, patients_of, register};

use send::{send_http, send_ws};

#[derive(Default)]
struct Tally {
    messages: AtomicU64,
    readings: AtomicU64,
    errors: AtomicU64,
    latencies_us: Mutex<Vec<u32>>,
    last_error: Mutex<Option<String>>,
}

impl Tally {
    async fn ok(&self, readings: u64, took: Duration) {
        self.messages.fetch_add(1, Ordering::Relaxed);
        self.readings.fetch_add(readings, Ordering::Relaxed);
        let micros = u32::try_from(took.as_micros()).unwrap_or(u32::MAX);
        self.latencies_us.lock().await.push(micros);
    }

    async fn failed(&self, what: String) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        *self.last_error.lock().await = Some(what);
    }

    async fn percentile(&self, q: f64) -> Option<f64> {
        let mut all = self.latencies_us.lock().await.clone();
        if all.is_empty() {
            return None;
        }
        all.sort_unstable();
        let index = ((all.len() - 1) as f64 * q).round() as usize;
        Some(f64::from(all[index]) / 1000.0)
    }
}

/// Runs the simulation.
pub async fn run(args: SimulateArgs) -> anyhow::Result<()> {
    if args.devices == 0 || args.devices > 20_000 {
        bail!("--devices: from 1 to 20000");
    }
    let base = args.url.trim_end_matches('/').to_owned();
    let http = domain::http::client_builder()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(256)
        .build()?;
    let password = std::env::var("SIMULATE_PASSWORD").unwrap_or_else(|_| "gestion-2026!".into());
    let signed_in: Value = http
        .post(format!("{base}/api/token/"))
        .json(&json!({"username": args.login, "password": password}))
        .send()
        .await
        .with_context(|| format!("no platform answers at {base}"))?
        .error_for_status()
        .context("signing in failed: set SIMULATE_PASSWORD to the password of --login")?
        .json()
        .await?;
    let access = signed_in["access"]
        .as_str()
        .context("no access token")?
        .to_owned();
    let patients = if args.patients.is_empty() {
        patients_of(&http, &base, &access).await?
    } else {
        args.patients.clone()
    };
    if patients.is_empty() {
        bail!("no patient to attach devices to (use --patients)");
    }

    let devices = register(&http, &base, &access, &patients, args.devices).await?;
    eprintln!(
        "{} devices registered for {} patients; sending {:?} over {:?} for {} s ({} messages/s in all)…",
        devices.len(),
        patients.len().min(devices.len()),
        args.scenario,
        args.transport,
        args.duration,
        (args.rate.0 * devices.len() as f64).round()
    );

    let tally = Arc::new(Tally::default());
    let started = Instant::now();
    let run_for = Duration::from_secs(args.duration);
    let mut tasks = tokio::task::JoinSet::new();
    for (index, device) in devices.iter().enumerate() {
        let device = Device {
            id: device.id,
            patient: device.patient,
            mac: device.mac.clone(),
            token: device.token.clone(),
        };
        let (tally, http, base) = (Arc::clone(&tally), http.clone(), base.clone());
        let (scenario, transport, period) = (
            args.scenario,
            args.transport,
            Duration::from_secs_f64(1.0 / args.rate.0),
        );
        // Devices start spread over one period, as real ones would.
        let offset = period.mul_f64(index as f64 / devices.len() as f64);
        tasks.spawn(async move {
            tokio::time::sleep(offset).await;
            let plan = Plan {
                scenario,
                period,
                started,
                run_for,
                index,
            };
            match transport {
                Transport::Http => send_http(&http, &base, &device, &plan, &tally).await,
                Transport::Ws => send_ws(&base, &device, &plan, &tally).await,
            }
        });
    }
    let progress = {
        let tally = Arc::clone(&tally);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.tick().await;
            loop {
                tick.tick().await;
                let secs = started.elapsed().as_secs_f64();
                let messages = tally.messages.load(Ordering::Relaxed);
                eprint!(
                    "\r[{secs:>5.0} s] {messages} messages ({:.0}/s) · {} readings · {} errors · p50 {} ",
                    messages as f64 / secs,
                    tally.readings.load(Ordering::Relaxed),
                    tally.errors.load(Ordering::Relaxed),
                    tally
                        .percentile(0.5)
                        .await
                        .map_or("—".into(), |ms| format!("{ms:.1} ms")),
                );
            }
        })
    };
    while tasks.join_next().await.is_some() {}
    progress.abort();
    let took = started.elapsed().as_secs_f64();
    eprintln!();

    let messages = tally.messages.load(Ordering::Relaxed);
    let readings = tally.readings.load(Ordering::Relaxed);
    let errors = tally.errors.load(Ordering::Relaxed);
    let ms = |v: Option<f64>| v.map_or("—".into(), |v| format!("{v:.1} ms"));
    println!("Simulation summary");
    println!(
        "  scenario        {:?} over {:?}",
        args.scenario, args.transport
    );
    println!("  devices         {}", devices.len());
    println!("  duration        {took:.1} s");
    println!(
        "  messages acked  {messages} ({:.0}/s)",
        messages as f64 / took
    );
    println!(
        "  readings stored {readings} ({:.0}/s)",
        readings as f64 / took
    );
    println!(
        "  ack latency     p50 {} · p99 {} · max {}",
        ms(tally.percentile(0.5).await),
        ms(tally.percentile(0.99).await),
        ms(tally.percentile(1.0).await)
    );
    println!("  errors          {errors}");
    if let Some(last) = tally.last_error.lock().await.as_ref() {
        println!("  last error      {last}");
    }
    if args.cleanup {
        for device in &devices {
            http.delete(format!("{base}/api/iot/dispositifs/{}/", device.id))
                .bearer_auth(&access)
                .send()
                .await?;
        }
        println!("  {} devices deleted (their readings stay)", devices.len());
    } else {
        let ids: Vec<String> = devices.iter().map(|d| d.id.to_string()).collect();
        println!("  devices kept    {}", ids.join(","));
    }
    if errors > 0 {
        bail!("{errors} messages failed");
    }
    Ok(())
}

/// What a device task follows.
struct Plan {
    scenario: Scenario,
    period: Duration,
    started: Instant,
    run_for: Duration,
    index: usize,
}

impl Plan {
    /// The values of the next message (`None`: stop sending; `Some(None)`:
    /// quiet this time).
    fn next(&self, step: u64) -> Option<Option<Value>> {
        let elapsed = self.started.elapsed();
        if elapsed >= self.run_for {
            return None;
        }
        let progress = elapsed.as_secs_f64() / self.run_for.as_secs_f64();
        Some(values(self.scenario, progress, self.index, step))
    }
}
