//! `medplat simulate`: devices that behave like seed 001's ESP32 against a
//! running platform. It signs in as a doctor or an administrator, registers
//! the devices for patients (each gets its own credential), then every device
//! sends `sensor_data` at the chosen rate over HTTP (`POST /api/iot/data/`)
//! or its socket (`ws/iot/<patient>/?token=…`, waiting for each `ack`), with
//! values following a scenario. Progress is printed every second, and a
//! summary at the end.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;

/// How the values of a simulated patient evolve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scenario {
    /// Normal values with small variations.
    Stable,
    /// SpO2 falls and pulse, breathing and temperature rise over the run
    /// (alerts, then a high NEWS2).
    Deteriorating,
    /// SpO2 wavering around the 92 % threshold (hysteresis: one alert, no storm).
    Flapping,
    /// Sends for the first third of the run, then goes quiet ("no signal").
    Silent,
}

/// How devices send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Transport {
    Http,
    Ws,
}

/// Messages per device per second, written `N/s`, `N/min` or `N/h`.
#[derive(Debug, Clone, Copy)]
pub struct Rate(pub f64);

impl std::str::FromStr for Rate {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let (count, unit) = raw.split_once('/').unwrap_or((raw, "s"));
        let count: f64 = count
            .trim()
            .parse()
            .map_err(|_| format!("`{raw}`: expected a rate such as 1/s, 30/min or 2/h"))?;
        let per = match unit.trim() {
            "s" | "sec" => 1.0,
            "min" | "m" => 60.0,
            "h" => 3600.0,
            other => return Err(format!("`{other}`: the unit is s, min or h")),
        };
        let rate = count / per;
        if !(rate > 0.0 && rate <= 100.0) {
            return Err("from 1/h to 100/s per device".into());
        }
        Ok(Self(rate))
    }
}

/// Options of `medplat simulate`.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// The platform's address.
    #[arg(long, default_value = "http://127.0.0.1:3000")]
    pub url: String,
    /// A doctor (devices for their patients) or an administrator.
    #[arg(long, default_value = "admin")]
    pub login: String,
    /// Devices to simulate.
    #[arg(long, default_value_t = 10)]
    pub devices: usize,
    /// Messages per device (each carries four vitals).
    #[arg(long, default_value = "1/s")]
    pub rate: Rate,
    #[arg(long, value_enum, default_value = "stable")]
    pub scenario: Scenario,
    #[arg(long, value_enum, default_value = "http")]
    pub transport: Transport,
    /// How long to send, in seconds.
    #[arg(long, default_value_t = 60)]
    pub duration: u64,
    /// Patients' account ids, devices spread over them (default: the
    /// patients in the doctor's care, or every active patient).
    #[arg(long, value_delimiter = ',')]
    pub patients: Vec<i64>,
    /// Delete the devices at the end (their readings stay).
    #[arg(long)]
    pub cleanup: bool,
}

/// Four vitals of one message, or `None` when the device stays quiet.
fn values(scenario: Scenario, progress: f64, device: usize, step: u64) -> Option<Value> {
    let wobble =
        |period: f64| ((step as f64 + device as f64 * 7.0) / period * std::f64::consts::TAU).sin();
    let (spo2, pulse, breaths, temperature) = match scenario {
        Scenario::Stable | Scenario::Silent => {
            if scenario == Scenario::Silent && progress > 1.0 / 3.0 {
                return None;
            }
            (
                97.0 + wobble(17.0),
                72.0 + 4.0 * wobble(23.0),
                16.0 + wobble(11.0),
                36.8 + 0.1 * wobble(31.0),
            )
        }
        Scenario::Deteriorating => (
            97.0 - 12.0 * progress + 0.5 * wobble(13.0),
            75.0 + 55.0 * progress + 2.0 * wobble(19.0),
            16.0 + 12.0 * progress + 0.5 * wobble(11.0),
            36.9 + 2.4 * progress,
        ),
        Scenario::Flapping => (
            92.0 + 0.6 * wobble(4.0),
            76.0 + 3.0 * wobble(23.0),
            17.0,
            37.0,
        ),
    };
    Some(json!({
        "spo2": spo2.round(),
        "heart_rate": pulse.round(),
        "respiratory_rate": breaths.round(),
        "temperature": (temperature * 10.0).round() / 10.0,
    }))
}

pub(crate) struct Device {
    pub(crate) id: i64,
    pub(crate) patient: i64,
    pub(crate) mac: String,
    pub(crate) token: String,
}

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

async fn send_http(
    http: &reqwest::Client,
    base: &str,
    device: &Device,
    plan: &Plan,
    tally: &Tally,
) {
    let mut tick = tokio::time::interval(plan.period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let boot = Instant::now();
    for step in 0.. {
        tick.tick().await;
        let Some(next) = plan.next(step) else { return };
        let Some(data) = next else { continue };
        // Seed 001's ESP32: the MAC, the values, and millis() since boot.
        let body = json!({"device_mac": device.mac, "data": data, "timestamp": boot.elapsed().as_millis() as u64});
        let sent = Instant::now();
        match http
            .post(format!("{base}/api/iot/data/"))
            .bearer_auth(&device.token)
            .json(&body)
            .send()
            .await
        {
            Ok(response) if response.status().is_success() => tally.ok(4, sent.elapsed()).await,
            Ok(response) => tally.failed(format!("HTTP {}", response.status())).await,
            Err(err) => tally.failed(err.to_string()).await,
        }
    }
}

async fn send_ws(base: &str, device: &Device, plan: &Plan, tally: &Tally) {
    let url = format!(
        "{}/ws/iot/{}/?token={}",
        base.replacen("http", "ws", 1),
        device.patient,
        device.token
    );
    let mut socket = match tokio_tungstenite::connect_async(&url).await {
        Ok((socket, _)) => socket,
        Err(err) => return tally.failed(format!("socket: {err}")).await,
    };
    let mut tick = tokio::time::interval(plan.period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let boot = Instant::now();
    for seq in 0.. {
        tick.tick().await;
        let Some(next) = plan.next(seq) else { break };
        let Some(data) = next else {
            // Gone silent: the device drops off the network.
            break;
        };
        let message = json!({"type": "sensor_data", "device_mac": device.mac, "data": data,
            "timestamp": boot.elapsed().as_millis() as u64, "seq": seq});
        let sent = Instant::now();
        if socket
            .send(Message::Text(message.to_string().into()))
            .await
            .is_err()
        {
            return tally.failed("socket closed while sending".into()).await;
        }
        // Wait for this message's ack (dashboard traffic is not sent to devices).
        loop {
            match tokio::time::timeout(Duration::from_secs(10), socket.next()).await {
                Ok(Some(Ok(Message::Text(text)))) => {
                    let answer: Value = serde_json::from_str(&text).unwrap_or_default();
                    if answer["type"] == "ack" && answer["seq"] == seq {
                        tally.ok(4, sent.elapsed()).await;
                        break;
                    }
                    if answer["type"] == "error" {
                        tally.failed(format!("refused: {}", answer["error"])).await;
                        break;
                    }
                }
                Ok(Some(Ok(_))) => {}
                Ok(Some(Err(_)) | None) => return tally.failed("socket closed".into()).await,
                Err(_) => return tally.failed("no ack within 10 s".into()).await,
            }
        }
    }
    let _ = socket.close(None).await;
}

/// GETs `path` as the signed-in account.
async fn get_json(
    http: &reqwest::Client,
    base: &str,
    access: &str,
    path: &str,
) -> anyhow::Result<Value> {
    Ok(http
        .get(format!("{base}{path}"))
        .bearer_auth(access)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?)
}

/// The patients devices are attached to: a doctor's own, or every active
/// patient for an administrator.
pub(crate) async fn patients_of(
    http: &reqwest::Client,
    base: &str,
    access: &str,
) -> anyhow::Result<Vec<i64>> {
    let me = get_json(http, base, access, "/api/v1/auth/me/").await?;
    let (path, active, id) = if me["role"] == "doctor" {
        ("/api/v1/care-relationships/", None, "patient_id")
    } else {
        (
            "/api/v1/users/?role=patient&limit=200",
            Some("is_active"),
            "id",
        )
    };
    let list = get_json(http, base, access, path).await?;
    Ok(list
        .as_array()
        .map(|l| {
            l.iter()
                .filter(|row| active.is_none_or(|flag| row[flag] != false))
                .filter_map(|row| row[id].as_i64())
                .collect()
        })
        .unwrap_or_default())
}

/// Registers `count` devices spread over `patients`, sixteen at a time.
pub(crate) async fn register(
    http: &reqwest::Client,
    base: &str,
    access: &str,
    patients: &[i64],
    count: usize,
) -> anyhow::Result<Vec<Device>> {
    let mut random = [0u8; 2];
    getrandom::fill(&mut random).map_err(|e| anyhow::anyhow!("{e}"))?;
    let limit = Arc::new(tokio::sync::Semaphore::new(16));
    let mut tasks = tokio::task::JoinSet::new();
    for index in 0..count {
        let patient = patients[index % patients.len()];
        // A locally administered address: 02:xx:xx plus the device's number.
        let mac = format!(
            "02:{:02X}:{:02X}:{:02X}:{:02X}:{:02X}",
            random[0],
            random[1],
            (index >> 16) & 0xff,
            (index >> 8) & 0xff,
            index & 0xff
        );
        let (http, base, access, limit) = (
            http.clone(),
            base.to_owned(),
            access.to_owned(),
            Arc::clone(&limit),
        );
        tasks.spawn(async move {
            let _slot = limit.acquire().await;
            let form = json!({"nom": format!("Simulateur {}", index + 1), "type_dispositif": "capteur_oxygene",
                "adresse_mac": mac, "patient": patient, "version_firmware": "sim-1.0"});
            let response = http
                .post(format!("{base}/api/iot/dispositifs/"))
                .bearer_auth(&access)
                .json(&form)
                .send()
                .await?;
            let status = response.status();
            let body: Value = response.json().await.unwrap_or_default();
            if !status.is_success() {
                bail!("registering a device for patient {patient}: HTTP {status} {body}");
            }
            Ok(Device {
                id: body["dispositif"]["id"].as_i64().context("no device id")?,
                patient,
                mac,
                token: body["token"].as_str().context("no token")?.to_owned(),
            })
        });
    }
    let mut devices = Vec::with_capacity(count);
    while let Some(done) = tasks.join_next().await {
        devices.push(done??);
        if devices.len() % 50 == 0 || devices.len() == count {
            eprint!("\rregistering devices… {}/{count}", devices.len());
        }
    }
    eprintln!();
    devices.sort_by_key(|d| d.id);
    Ok(devices)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_with_their_unit() {
        assert_eq!("1/s".parse::<Rate>().unwrap().0, 1.0);
        assert_eq!("30/min".parse::<Rate>().unwrap().0, 0.5);
        assert!("0/s".parse::<Rate>().is_err());
        assert!("5/day".parse::<Rate>().is_err());
    }

    #[test]
    fn scenarios_shape_the_values() {
        let early = values(Scenario::Deteriorating, 0.0, 0, 0).unwrap();
        let late = values(Scenario::Deteriorating, 1.0, 0, 0).unwrap();
        assert!(late["spo2"].as_f64() < early["spo2"].as_f64());
        assert!(late["heart_rate"].as_f64().unwrap() >= 125.0);
        assert!(values(Scenario::Silent, 0.5, 0, 0).is_none());
        for step in 0..20 {
            let spo2 = values(Scenario::Flapping, 0.5, 0, step).unwrap()["spo2"]
                .as_f64()
                .unwrap();
            assert!((91.0..=93.0).contains(&spo2), "{spo2}");
        }
    }
}
