//! `medplat bench --vitals`: vital-sign ingest through the real server.
//!
//! Prepares a scratch database (an administrator, a doctor, patients in the
//! doctor's care, devices registered through the service with their own
//! credentials), starts this same binary as `medplat serve` on it, and
//! measures from outside, as devices and dashboards would:
//! 1. durable readings per second over HTTP batches (`POST /api/iot/data/`);
//! 2. durable readings per second over device sockets (`ws/iot/<patient>/`,
//!    each device waiting for its `ack`);
//! 3. device-to-dashboard latency at a fixed rate (5,000 readings/s by
//!    default): devices stamp each message with the time it is sent, the
//!    doctor's dashboard sockets receive the stored readings;
//! 4. the server's memory with 10,000 idle device sockets open.
//!
//! At the end it counts the readings in the database: every acknowledged
//! reading must be there.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use domain::accounts::Role;
use domain::auth::Principal;
use domain::devices::DeviceForm;
use domain::services::Services;
use domain::store::Db;
use jiff::Timestamp;

use super::vitals_clients::{self as clients, Fleet, Gadget, Latencies};
use super::{Target, auth_config};

/// Options of `--vitals`.
#[derive(Debug, Clone)]
pub struct VitalsPlan {
    /// Seconds of each throughput phase and of the latency phase.
    pub seconds: u64,
    /// Concurrent HTTP clients posting batches of `batch` values.
    pub http_clients: usize,
    pub batch: usize,
    /// Device sockets of the WebSocket throughput phase.
    pub ws_devices: usize,
    /// Readings per second of the latency phase (four per message, five
    /// messages per device per second).
    pub latency_rate: usize,
    /// Idle device sockets whose memory is measured.
    pub idle_sockets: usize,
}

/// Pause between phases, so that one phase's work does not spill into the next.
const SETTLE: Duration = Duration::from_secs(3);

/// Shared password of the benchmark's accounts.
const PASSWORD: &str = "bench-password-not-secret";

/// Runs the whole benchmark on `target`.
pub async fn run(target: &Target, plan: &VitalsPlan) -> anyhow::Result<()> {
    let latency_devices = plan.latency_rate.div_ceil(20).max(1);
    let patients = latency_devices.max(50);
    let devices = plan
        .idle_sockets
        .max(plan.ws_devices)
        .max(latency_devices)
        .max(plan.http_clients);
    println!(
        "backend   {} ({} build), {}",
        target.backend,
        super::build_kind(),
        target.name
    );

    let started = Instant::now();
    let fleet = prepare(&target.url, patients, devices).await?;
    println!(
        "prepared  {patients} patients in one doctor's care, {devices} devices, in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let data_dir =
        std::env::temp_dir().join(format!("medplat-bench-vitals-{}", std::process::id()));
    let mut server = Server::start(&target.url, &data_dir)?;
    let outcome = measure(&server, &fleet, plan, latency_devices).await;
    server.stop();
    let _ = std::fs::remove_dir_all(&data_dir);
    let acked = outcome?;

    let db = Db::connect(&target.url, 1).await?;
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM readings")
        .fetch_one(db.pool())
        .await
        .context("counting stored readings")?;
    db.close().await;
    let stored = u64::try_from(stored).unwrap_or(0);
    if stored < acked {
        println!("check     LOST: {acked} readings acknowledged, {stored} in the database");
        bail!("acknowledged readings are missing");
    }
    println!("check     {acked} readings acknowledged, {stored} in the database: none lost");
    Ok(())
}

/// The phases, in order; returns the readings acknowledged in all.
async fn measure(
    server: &Server,
    fleet: &Fleet,
    plan: &VitalsPlan,
    latency_devices: usize,
) -> anyhow::Result<u64> {
    let base = server.base.clone();
    server.wait_ready().await?;
    let client = clients::http_client()?;
    let doctor = clients::sign_in(&client, &base, &fleet.doctor, PASSWORD).await?;
    let seconds = Duration::from_secs(plan.seconds);
    let mut acked = 0;

    println!(
        "http      {} clients × batches of {} values for {} s…",
        plan.http_clients, plan.batch, plan.seconds
    );
    let http = clients::http_batches(
        &client,
        &base,
        &fleet.gadgets[..plan.http_clients],
        plan.batch,
        seconds,
    )
    .await?;
    acked += http.readings;
    println!("          {}", http.summary("request"));

    tokio::time::sleep(SETTLE).await;
    println!(
        "ws        {} device sockets, each waiting for its ack, for {} s…",
        plan.ws_devices, plan.seconds
    );
    let ws = clients::ws_throughput(&base, &fleet.gadgets[..plan.ws_devices], seconds).await?;
    acked += ws.readings;
    println!("          {}", ws.summary("message"));

    // The server settles (alert passes over the readings just stored)
    // before the steady-rate phase.
    tokio::time::sleep(SETTLE).await;
    let rate = latency_devices * 20;
    println!(
        "latency   {latency_devices} devices × 5 messages/s × 4 vitals ≈ {rate} readings/s for {} s, \
         {latency_devices} dashboard sockets of the doctor…",
        plan.seconds
    );
    let latency =
        clients::dashboard_latency(&base, &fleet.gadgets[..latency_devices], &doctor, seconds)
            .await?;
    acked += latency.readings;
    print_latency(&latency);

    println!("idle      opening {} device sockets…", plan.idle_sockets);
    let before = server.rss_kib()?;
    let idle = clients::idle_sockets(&base, &fleet.gadgets[..plan.idle_sockets]).await?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let with = server.rss_kib()?;
    let open = idle.len();
    drop(idle);
    println!(
        "          {open} sockets open: server RSS {:.1} MB before, {:.1} MB with them \
         ({:.1} KB per socket)",
        before as f64 / 1024.0,
        with as f64 / 1024.0,
        (with.saturating_sub(before)) as f64 / open.max(1) as f64
    );
    if open < plan.idle_sockets {
        bail!("only {open} of {} sockets opened", plan.idle_sockets);
    }
    Ok(acked)
}

fn print_latency(latency: &Latencies) {
    println!(
        "          sent {:.0} readings/s; device → dashboard over {} messages: {}",
        latency.sent_rate,
        latency.samples.len(),
        clients::percentiles(&latency.samples)
    );
}

/// Fills the database through the services: accounts in bulk, care
/// relationships and devices one by one as an administrator would.
async fn prepare(url: &str, patients: usize, devices: usize) -> anyhow::Result<Fleet> {
    let db = Db::connect(url, 5)
        .await
        .context("connecting to the database")?;
    db.migrate().await.context("applying migrations")?;
    let services = Services::new(db.clone(), auth_config()).await?;
    let now = Timestamp::now().as_millisecond();
    let hash = domain::auth::hash_password(PASSWORD.into())
        .await
        .context("hashing the shared password")?;
    let admin = super::load::insert_users(&db, "admin", 1, &hash, now).await?[0];
    let doctor = super::load::insert_users(&db, "doctor", 1, &hash, now).await?[0];
    let patient_ids = super::load::insert_users(&db, "patient", patients, &hash, now).await?;
    let admin = Principal::cli(admin, Role::Admin);
    for (done, patient) in patient_ids.iter().enumerate() {
        services
            .care
            .assign(&admin, doctor, *patient, Timestamp::now())
            .await
            .context("assigning the doctor")?;
        if (done + 1) % 100 == 0 || done + 1 == patients {
            eprint!("\rcare relationships… {}/{patients}", done + 1);
        }
    }
    eprintln!();
    let mut gadgets = Vec::with_capacity(devices);
    let mut tasks = tokio::task::JoinSet::new();
    let limit = std::sync::Arc::new(tokio::sync::Semaphore::new(16));
    for index in 0..devices {
        let patient = patient_ids[index % patients];
        let (services, admin, limit) = (services.clone(), admin.clone(), limit.clone());
        tasks.spawn(async move {
            let _slot = limit.acquire().await;
            let form = DeviceForm {
                nom: format!("Banc {}", index + 1),
                type_dispositif: "capteur_oxygene".into(),
                adresse_mac: format!(
                    "02:BE:00:{:02X}:{:02X}:{:02X}",
                    (index >> 16) & 0xff,
                    (index >> 8) & 0xff,
                    index & 0xff
                ),
                adresse_ip: None,
                patient,
                version_firmware: Some("bench-1.0".into()),
            };
            let credential = services.devices.register(&admin, &form).await?;
            anyhow::Ok((
                index,
                Gadget {
                    patient,
                    mac: form.adresse_mac,
                    token: credential.token,
                },
            ))
        });
    }
    let mut registered = Vec::with_capacity(devices);
    while let Some(done) = tasks.join_next().await {
        registered.push(done??);
        if registered.len() % 500 == 0 || registered.len() == devices {
            eprint!("\rregistering devices… {}/{devices}", registered.len());
        }
    }
    eprintln!();
    registered.sort_by_key(|(index, _)| *index);
    gadgets.extend(registered.into_iter().map(|(_, gadget)| gadget));
    db.close().await;
    Ok(Fleet {
        doctor: "bench_doctor_000000".into(),
        gadgets,
    })
}

/// This binary serving the scratch database, as users run it.
pub(super) struct Server {
    child: Child,
    pub(super) base: String,
}

impl Server {
    pub(super) fn start(url: &str, data_dir: &Path) -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new(std::env::current_exe().context("locating medplat")?)
            .arg("serve")
            .env("DATABASE_URL", url)
            .env("DATA_DIR", data_dir)
            .env("PORT", port.to_string())
            .env("DEMO_DATA", "false")
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting medplat serve")?;
        Ok(Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        })
    }

    pub(super) async fn wait_ready(&self) -> anyhow::Result<()> {
        let client = domain::http::client();
        for _ in 0..300 {
            let ready = client.get(format!("{}/health", self.base)).send().await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("the server did not start within 30 s")
    }

    /// Resident memory of the server process, in KiB (Linux).
    pub(super) fn rss_kib(&self) -> anyhow::Result<u64> {
        self.status_kib("VmRSS")
    }

    /// A memory figure of the server's /proc status (`VmRSS`, `RssAnon`:
    /// its heap and stacks, without the binary's and files' pages), in KiB.
    pub(super) fn status_kib(&self, field: &str) -> anyhow::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .context("reading the server's /proc status (Linux only)")?;
        status
            .lines()
            .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .with_context(|| format!("no {field} in /proc status"))
    }

    pub(super) fn stop(&mut self) {
        // The scratch database keeps nothing worth a graceful stop; every
        // acknowledged reading is already committed.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}
