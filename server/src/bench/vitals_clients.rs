//! The clients of `medplat bench --vitals`: devices posting batches, device
//! sockets waiting for acks, a doctor's dashboard sockets, idle sockets.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures_util::{SinkExt, StreamExt};
use jiff::Timestamp;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Accounts and devices the benchmark prepared.
pub struct Fleet {
    pub doctor: String,
    pub gadgets: Vec<Gadget>,
}

/// One registered device and its credential.
#[derive(Clone)]
pub struct Gadget {
    pub patient: i64,
    pub mac: String,
    pub token: String,
}

/// What a throughput phase achieved.
pub struct Throughput {
    pub readings: u64,
    pub wall: Duration,
    /// Time each request or message took to be acknowledged.
    pub times: Vec<Duration>,
    pub errors: u64,
}

/// What one client task reports: readings stored, errors, time per exchange.
type Tally = (u64, u64, Vec<Duration>);

impl Throughput {
    /// Adds up the client tasks' tallies once they have all finished.
    async fn gather(
        mut tasks: tokio::task::JoinSet<Tally>,
        started: Instant,
    ) -> anyhow::Result<Self> {
        let mut total = Self {
            readings: 0,
            wall: Duration::ZERO,
            times: Vec::new(),
            errors: 0,
        };
        while let Some(done) = tasks.join_next().await {
            let (stored, errors, times) = done?;
            total.readings += stored;
            total.errors += errors;
            total.times.extend(times);
        }
        total.wall = started.elapsed();
        Ok(total)
    }

    pub fn summary(&self, unit: &str) -> String {
        format!(
            "{:.0} readings/s durable ({} readings in {:.1} s), {} errors; per {unit} {}",
            self.readings as f64 / self.wall.as_secs_f64(),
            self.readings,
            self.wall.as_secs_f64(),
            self.errors,
            percentiles(&self.times)
        )
    }
}

/// What the latency phase saw.
pub struct Latencies {
    pub readings: u64,
    pub sent_rate: f64,
    /// Device → dashboard, one per delivered message.
    pub samples: Vec<Duration>,
}

/// `p50 … p99 … max …` of `times` (sorted here).
pub fn percentiles(times: &[Duration]) -> String {
    if times.is_empty() {
        return "no samples".into();
    }
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    let at = |q: f64| {
        let i = ((sorted.len() - 1) as f64 * q).round() as usize;
        sorted[i].as_secs_f64() * 1000.0
    };
    format!(
        "p50 {:.2} ms  p90 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0)
    )
}

pub fn http_client() -> anyhow::Result<reqwest::Client> {
    Ok(domain::http::client_builder()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(64)
        .build()?)
}

/// An access token of `username`.
pub async fn sign_in(
    client: &reqwest::Client,
    base: &str,
    username: &str,
    password: &str,
) -> anyhow::Result<String> {
    let answer: Value = client
        .post(format!("{base}/api/token/"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await?
        .error_for_status()
        .context("signing in")?
        .json()
        .await?;
    Ok(answer["access"]
        .as_str()
        .context("no access token")?
        .to_owned())
}

/// Four vitals measured now (Unix milliseconds: dashboards see when it was sent).
fn vitals(step: u64) -> Value {
    let wobble = (step % 7) as f64;
    json!({"spo2": 96.0 + wobble / 7.0, "heart_rate": 70.0 + wobble, "respiratory_rate": 16,
        "temperature": 36.8, "timestamp": Timestamp::now().as_millisecond()})
}

/// Each client posts batches (`batch` values: objects of four vitals) as
/// fast as they are acknowledged.
pub async fn http_batches(
    client: &reqwest::Client,
    base: &str,
    devices: &[Gadget],
    batch: usize,
    run_for: Duration,
) -> anyhow::Result<Throughput> {
    let objects = batch.div_ceil(4);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for device in devices.iter().cloned() {
        let (client, url) = (client.clone(), format!("{base}/api/iot/data/"));
        tasks.spawn(async move {
            let (mut stored, mut errors, mut times) = (0u64, 0u64, Vec::new());
            let mut step = 0;
            while started.elapsed() < run_for {
                let body: Vec<Value> = (0..objects)
                    .map(|_| {
                        step += 1;
                        json!({"device_mac": device.mac, "data": vitals(step)})
                    })
                    .collect();
                let sent = Instant::now();
                let answer = client
                    .post(&url)
                    .bearer_auth(&device.token)
                    .json(&body)
                    .send()
                    .await;
                match answer {
                    Ok(response) if response.status().is_success() => {
                        let receipt: Value = response.json().await.unwrap_or_default();
                        stored += receipt["stored"].as_u64().unwrap_or(0);
                        times.push(sent.elapsed());
                    }
                    _ => errors += 1,
                }
            }
            (stored, errors, times)
        });
    }
    Throughput::gather(tasks, started).await
}

async fn connect(base: &str, patient: i64, token: &str) -> anyhow::Result<Socket> {
    let url = format!(
        "{}/ws/iot/{patient}/?token={token}",
        base.replacen("http", "ws", 1)
    );
    // Small buffers, as a device has: the library's default 128 KiB read
    // buffer per socket would take 1.3 GB of this process for 10,000.
    let config = WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(4096);
    let (mut socket, _) = tokio_tungstenite::connect_async_with_config(&url, Some(config), true)
        .await
        .context("opening a socket")?;
    // The first message is the latest values.
    next_text(&mut socket, Duration::from_secs(30)).await?;
    Ok(socket)
}

/// The next text message (pings are answered by the library).
async fn next_text(socket: &mut Socket, wait: Duration) -> anyhow::Result<Value> {
    loop {
        match tokio::time::timeout(wait, socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => return Ok(serde_json::from_str(&text)?),
            Ok(Some(Ok(_))) => {}
            Ok(Some(Err(err))) => bail!("socket error: {err}"),
            Ok(None) => bail!("socket closed"),
            Err(_) => bail!("nothing received within {wait:?}"),
        }
    }
}

/// Sends one `sensor_data` message with `seq` and waits for its ack.
async fn send_acked(socket: &mut Socket, mac: &str, seq: u64) -> anyhow::Result<u64> {
    let message =
        json!({"type": "sensor_data", "device_mac": mac, "data": vitals(seq), "seq": seq});
    socket
        .send(Message::Text(message.to_string().into()))
        .await?;
    loop {
        let answer = next_text(socket, Duration::from_secs(10)).await?;
        if answer["type"] == "ack" && answer["seq"] == seq {
            return Ok(answer["stored"].as_u64().unwrap_or(0));
        }
        if answer["type"] == "error" {
            bail!("refused: {}", answer["error"]);
        }
    }
}

/// Opens `devices` sockets at most `parallel` at a time.
async fn open_all(
    base: &str,
    devices: &[Gadget],
    parallel: usize,
) -> anyhow::Result<Vec<(Gadget, Socket)>> {
    let limit = Arc::new(tokio::sync::Semaphore::new(parallel));
    let mut tasks = tokio::task::JoinSet::new();
    for device in devices.iter().cloned() {
        let (base, limit) = (base.to_owned(), limit.clone());
        tasks.spawn(async move {
            let _slot = limit.acquire().await;
            let socket = connect(&base, device.patient, &device.token).await?;
            anyhow::Ok((device, socket))
        });
    }
    let mut open = Vec::with_capacity(devices.len());
    while let Some(done) = tasks.join_next().await {
        open.push(done??);
        if open.len() % 1000 == 0 || open.len() == devices.len() {
            eprint!("\r          sockets open… {}/{}", open.len(), devices.len());
        }
    }
    eprintln!();
    Ok(open)
}

/// Every device sends as fast as its acks come back.
pub async fn ws_throughput(
    base: &str,
    devices: &[Gadget],
    run_for: Duration,
) -> anyhow::Result<Throughput> {
    let sockets = open_all(base, devices, 100).await?;
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (device, mut socket) in sockets {
        tasks.spawn(async move {
            let (mut stored, mut errors, mut times) = (0u64, 0u64, Vec::new());
            let mut seq = 0;
            while started.elapsed() < run_for {
                seq += 1;
                let sent = Instant::now();
                match send_acked(&mut socket, &device.mac, seq).await {
                    Ok(count) => {
                        stored += count;
                        times.push(sent.elapsed());
                    }
                    Err(_) => {
                        errors += 1;
                        break;
                    }
                }
            }
            let _ = socket.close(None).await;
            (stored, errors, times)
        });
    }
    Throughput::gather(tasks, started).await
}

/// Devices (one per patient) send five messages a second each; the doctor
/// watches every patient on `ws/iot/<patient>/`, and each `iot_data`
/// received is timed against the timestamp its device put in it.
pub async fn dashboard_latency(
    base: &str,
    devices: &[Gadget],
    doctor_token: &str,
    run_for: Duration,
) -> anyhow::Result<Latencies> {
    let watchers: Vec<Gadget> = devices
        .iter()
        .map(|d| Gadget {
            token: doctor_token.to_owned(),
            ..d.clone()
        })
        .collect();
    let dashboards = open_all(base, &watchers, 50).await?;
    let sockets = open_all(base, devices, 50).await?;
    // Dashboards listen a little past the last message sent.
    let end = tokio::time::Instant::now() + run_for + Duration::from_secs(1);
    let mut watching = tokio::task::JoinSet::new();
    for (_, mut socket) in dashboards {
        watching.spawn(async move {
            let mut samples = Vec::new();
            loop {
                tokio::select! {
                    () = tokio::time::sleep_until(end) => break,
                    received = socket.next() => {
                        let text = match received {
                            Some(Ok(Message::Text(text))) => text,
                            Some(Ok(_)) => continue,
                            Some(Err(_)) | None => break,
                        };
                        let now = Timestamp::now();
                        let Ok(message) = serde_json::from_str::<Value>(&text) else { continue };
                        if message["type"] != "iot_data" { continue }
                        let stamped = message["data"]["spo2"]["timestamp"]
                            .as_str()
                            .and_then(|t| t.parse::<Timestamp>().ok());
                        if let Some(stamped) = stamped {
                            let took = now.duration_since(stamped).unsigned_abs();
                            samples.push(took);
                        }
                    }
                }
            }
            samples
        });
    }
    let sent = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let period = Duration::from_millis(200);
    let mut sending = tokio::task::JoinSet::new();
    let count = devices.len();
    for (index, (device, mut socket)) in sockets.into_iter().enumerate() {
        let sent = sent.clone();
        sending.spawn(async move {
            // Spread over one period, as real devices would be.
            tokio::time::sleep(period.mul_f64(index as f64 / count as f64)).await;
            let mut tick = tokio::time::interval(period);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut seq = 0;
            while started.elapsed() < run_for {
                tick.tick().await;
                seq += 1;
                match send_acked(&mut socket, &device.mac, seq).await {
                    Ok(stored) => {
                        sent.fetch_add(stored, Ordering::Relaxed);
                    }
                    Err(_) => break,
                }
            }
            let _ = socket.close(None).await;
        });
    }
    while sending.join_next().await.is_some() {}
    let wall = started.elapsed();
    let mut samples = Vec::new();
    while let Some(done) = watching.join_next().await {
        samples.extend(done?);
    }
    let readings = sent.load(Ordering::Relaxed);
    Ok(Latencies {
        readings,
        sent_rate: readings as f64 / wall.as_secs_f64(),
        samples,
    })
}

/// Opens one socket per device and keeps them open (the caller drops them).
pub async fn idle_sockets(base: &str, devices: &[Gadget]) -> anyhow::Result<Vec<Socket>> {
    Ok(open_all(base, devices, 200)
        .await?
        .into_iter()
        .map(|(_, socket)| socket)
        .collect())
}
