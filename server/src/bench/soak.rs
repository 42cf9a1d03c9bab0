//! `medplat soak --minutes N`: drives a running platform for N minutes as a
//! busy clinic would — patients searching free slots, booking and
//! cancelling; devices posting vital signs over HTTP at a set rate; idle
//! device sockets held open — and prints a line a minute: the server's
//! memory (its `/metrics`), each kind of request's p99 and the errors of the
//! minute, so that a slow leak or a slow drift shows. Its devices are
//! registered through the API first and deleted at the end.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio::sync::Mutex;

use super::vitals_clients::{Gadget, http_client, idle_sockets, sign_in};

/// Options of `medplat soak`.
#[derive(Debug, clap::Args)]
pub struct SoakArgs {
    /// The running platform.
    #[arg(long, default_value = "http://127.0.0.1:3000")]
    pub url: String,
    /// How long to drive it.
    #[arg(long, default_value_t = 10)]
    pub minutes: u64,
    /// An administrator, who registers (and then deletes) the devices; the
    /// password comes from SOAK_ADMIN_PASSWORD (the demo's by default).
    #[arg(long, default_value = "admin")]
    pub admin: String,
    /// A patient who searches, books and cancels; the password comes from
    /// SOAK_PATIENT_PASSWORD (the demo's by default).
    #[arg(long, default_value = "marie")]
    pub patient: String,
    /// Vital-sign values per second posted over HTTP (batches of 100).
    #[arg(long, default_value_t = 5000)]
    pub readings_per_second: u64,
    /// Device sockets held open all along.
    #[arg(long, default_value_t = 10_000)]
    pub sockets: usize,
    /// Patients' sessions searching, booking and cancelling in a loop.
    #[arg(long, default_value_t = 4)]
    pub bookers: usize,
}

/// Values per HTTP batch (25 objects of four vitals).
const BATCH: u64 = 100;

/// What happened during the current minute (`closed`: held sockets the
/// server closed, counted apart).
#[derive(Default)]
struct Minute {
    readings: AtomicU64,
    errors: AtomicU64,
    refused: AtomicU64,
    ingest: Mutex<Vec<Duration>>,
    booking: Mutex<Vec<Duration>>,
    last_error: Mutex<Option<String>>,
}

impl Minute {
    async fn error(&self, what: String) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        *self.last_error.lock().await = Some(what);
    }
}

fn p99(times: &mut [Duration]) -> String {
    if times.is_empty() {
        return "—".into();
    }
    times.sort_unstable();
    let at = ((times.len() as f64 * 0.99).ceil() as usize).clamp(1, times.len()) - 1;
    format!("{:.1} ms", times[at].as_secs_f64() * 1000.0)
}

/// The server's resident memory (MiB) and open sockets, from `/metrics`.
async fn server_figures(http: &reqwest::Client, base: &str) -> (Option<f64>, Option<f64>) {
    let Ok(response) = http.get(format!("{base}/metrics")).send().await else {
        return (None, None);
    };
    let text = response.text().await.unwrap_or_default();
    let value = |name: &str| {
        text.lines()
            .filter(|l| l.starts_with(name))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .reduce(|a, b| a + b)
    };
    (
        value("medplat_process_resident_memory_bytes").map(|b| b / 1_048_576.0),
        value("medplat_websockets_open"),
    )
}

/// Runs the soak and prints its minutes.
pub async fn run(args: SoakArgs) -> anyhow::Result<()> {
    if args.minutes == 0 || args.bookers == 0 || args.readings_per_second < BATCH {
        bail!("--minutes and --bookers at least 1, --readings-per-second at least {BATCH}");
    }
    let base = args.url.trim_end_matches('/').to_owned();
    let http = http_client()?;
    let admin_password =
        std::env::var("SOAK_ADMIN_PASSWORD").unwrap_or_else(|_| "gestion-2026!".into());
    let patient_password =
        std::env::var("SOAK_PATIENT_PASSWORD").unwrap_or_else(|_| "rendez-vous-2026".into());
    let admin = sign_in(&http, &base, &args.admin, &admin_password)
        .await
        .with_context(|| format!("signing in as {} at {base}", args.admin))?;
    let patient = sign_in(&http, &base, &args.patient, &patient_password)
        .await
        .with_context(|| format!("signing in as {}", args.patient))?;
    let patients = crate::simulate::patients_of(&http, &base, &admin).await?;
    if patients.is_empty() {
        bail!("the platform has no patient to attach devices to");
    }
    // Posting devices: one request a second each.
    let posting = (args.readings_per_second / BATCH) as usize;
    let devices =
        crate::simulate::register(&http, &base, &admin, &patients, posting + args.sockets).await?;
    let gadgets: Vec<Gadget> = devices
        .iter()
        .map(|d| Gadget {
            patient: d.patient,
            mac: d.mac.clone(),
            token: d.token.clone(),
        })
        .collect();
    eprintln!("opening {} idle device sockets…", args.sockets);
    // Each held socket is read, so the server's heartbeat pings are
    // answered as a device's would be; one that closes is counted.
    let closed = Arc::new(AtomicU64::new(0));
    let mut held = tokio::task::JoinSet::new();
    for mut socket in idle_sockets(&base, &gadgets[posting..]).await? {
        let closed = closed.clone();
        held.spawn(async move {
            while let Some(Ok(_)) = socket.next().await {}
            closed.fetch_add(1, Ordering::Relaxed);
        });
    }
    let doctors: Value = http
        .get(format!("{base}/api/v1/doctors/"))
        .bearer_auth(&patient)
        .send()
        .await?
        .json()
        .await?;
    let doctors: Vec<i64> = doctors
        .as_array()
        .map(|l| l.iter().filter_map(|d| d["id"].as_i64()).collect())
        .unwrap_or_default();
    if doctors.is_empty() {
        bail!("the platform has no doctor to book with");
    }

    let minute = Arc::new(Mutex::new(Arc::new(Minute::default())));
    let started = Instant::now();
    let run_for = Duration::from_secs(args.minutes * 60);
    let mut tasks = tokio::task::JoinSet::new();
    for (index, device) in gadgets[..posting].iter().cloned().enumerate() {
        let (http, base, minute) = (http.clone(), base.clone(), minute.clone());
        tasks.spawn(async move {
            // Spread over the second, as devices are.
            tokio::time::sleep(Duration::from_millis((index as u64 * 1000) / posting as u64)).await;
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            let mut step = 0u64;
            while started.elapsed() < run_for {
                tick.tick().await;
                let body: Vec<Value> = (0..BATCH / 4)
                    .map(|_| {
                        step += 1;
                        let wobble = (step % 7) as f64;
                        json!({"device_mac": device.mac, "data": {"spo2": 96.0 + wobble / 7.0,
                            "heart_rate": 70.0 + wobble, "respiratory_rate": 16, "temperature": 36.8,
                            "timestamp": jiff::Timestamp::now().as_millisecond()}})
                    })
                    .collect();
                let sent = Instant::now();
                let answer = http
                    .post(format!("{base}/api/iot/data/"))
                    .bearer_auth(&device.token)
                    .json(&body)
                    .send()
                    .await;
                let now = minute.lock().await.clone();
                match answer {
                    Ok(r) if r.status().is_success() => {
                        let receipt: Value = r.json().await.unwrap_or_default();
                        now.readings
                            .fetch_add(receipt["stored"].as_u64().unwrap_or(0), Ordering::Relaxed);
                        now.ingest.lock().await.push(sent.elapsed());
                    }
                    Ok(r) => now.error(format!("readings: HTTP {}", r.status())).await,
                    Err(e) => now.error(format!("readings: {e}")).await,
                }
            }
        });
    }
    for booker in 0..args.bookers {
        let (http, base, minute, token, doctors) = (
            http.clone(),
            base.clone(),
            minute.clone(),
            patient.clone(),
            doctors.clone(),
        );
        tasks.spawn(async move {
            let mut turn = booker;
            while started.elapsed() < run_for {
                turn += 1;
                let doctor = doctors[turn % doctors.len()];
                let now = minute.lock().await.clone();
                if let Err(err) = book_and_cancel(&http, &base, &token, doctor, turn, &now).await {
                    now.error(format!("booking: {err}")).await;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        });
    }

    println!(
        "minute  readings/s  ingest p99  booking p99  refused  errors  closed  server MiB  sockets"
    );
    let mut first_memory = None;
    for n in 1..=args.minutes {
        tokio::time::sleep_until((started + Duration::from_secs(n * 60)).into()).await;
        let done = std::mem::take(&mut *minute.lock().await);
        let (memory, sockets) = server_figures(&http, &base).await;
        first_memory = first_memory.or(memory);
        println!(
            "{n:>6}  {:>10.0}  {:>10}  {:>11}  {:>7}  {:>6}  {:>6}  {:>10}  {:>7}",
            done.readings.load(Ordering::Relaxed) as f64 / 60.0,
            p99(&mut done.ingest.lock().await),
            p99(&mut done.booking.lock().await),
            done.refused.load(Ordering::Relaxed),
            done.errors.load(Ordering::Relaxed),
            closed.swap(0, Ordering::Relaxed),
            memory.map_or("—".into(), |m| format!("{m:.0}")),
            sockets.map_or("—".into(), |s| format!("{s:.0}")),
        );
        if let Some(last) = done.last_error.lock().await.take() {
            println!("        last error: {last}");
        }
    }
    while tasks.join_next().await.is_some() {}
    held.abort_all();
    let (last_memory, _) = server_figures(&http, &base).await;
    if let (Some(first), Some(last)) = (first_memory, last_memory) {
        println!("server memory: {first:.0} MiB after the first minute, {last:.0} MiB at the end");
    }
    eprintln!("deleting the soak's {} devices…", devices.len());
    for (done, device) in devices.iter().enumerate() {
        let _ = http
            .delete(format!("{base}/api/iot/dispositifs/{}/", device.id))
            .bearer_auth(&admin)
            .send()
            .await;
        if (done + 1) % 1000 == 0 {
            eprint!("\r{}/{}", done + 1, devices.len());
        }
    }
    eprintln!();
    Ok(())
}

/// One patient's round: the free slots of `doctor` from the day after
/// tomorrow (past any cancellation cut-off), a booking, its cancellation.
/// A slot taken meanwhile (409) counts as refused, not as an error.
async fn book_and_cancel(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    doctor: i64,
    turn: usize,
    minute: &Minute,
) -> anyhow::Result<()> {
    let day = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .checked_add(jiff::Span::new().days(2 + (turn % 20) as i64))?;
    let timed = |at: Instant| async move { minute.booking.lock().await.push(at.elapsed()) };
    let sent = Instant::now();
    let slots: Value = http
        .get(format!(
            "{base}/api/v1/availabilities/available-slots/?doctor={doctor}&date_start={day}&date_end={day}"
        ))
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    timed(sent).await;
    let Some(slot) = slots.as_array().and_then(|l| l.get(turn % l.len().max(1))) else {
        return Ok(());
    };
    let sent = Instant::now();
    let booked = http
        .post(format!("{base}/api/v1/appointments/"))
        .bearer_auth(token)
        .json(
            &json!({"doctor_id": doctor, "start": slot["start"], "consultation_type": "in_person",
            "reason": "Soak"}),
        )
        .send()
        .await?;
    timed(sent).await;
    if booked.status().as_u16() == 409 {
        minute.refused.fetch_add(1, Ordering::Relaxed);
        return Ok(());
    }
    let booked: Value = booked.error_for_status()?.json().await?;
    let id = booked["id"].as_i64().context("no appointment id")?;
    let sent = Instant::now();
    http.post(format!("{base}/api/v1/appointments/{id}/cancel/"))
        .bearer_auth(token)
        .json(&json!({}))
        .send()
        .await?
        .error_for_status()?;
    timed(sent).await;
    Ok(())
}
