//! `medplat bench --chat`: chat delivery through the real server with many
//! open conversations.
//!
//! Prepares patients, doctors (each looking after some of the patients) and
//! one room per care relationship, signs everyone in, starts the server on
//! the scratch database in this process, and opens both members' sockets on
//! every room (1,000 rooms: 2,000 sockets). Then patients write at a steady
//! rate; each message carries the time it was sent, and the doctor's socket
//! notes when it arrives: stored, then delivered through the event bus. It
//! prints the delivery latency and checks that every message sent was both
//! delivered and stored.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use domain::accounts::Role;
use domain::auth::Principal;
use domain::services::Services;
use domain::store::Db;
use futures_util::{SinkExt, StreamExt};
use jiff::Timestamp;
use serde_json::{Value, json};
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;

use super::measure::Latencies;
use super::{Target, auth_config};

/// Shared password of the benchmark's accounts.
const PASSWORD: &str = "bench-password-not-secret";

/// Options of `--chat`.
#[derive(Debug, Clone)]
pub struct ChatPlan {
    pub rooms: usize,
    /// Patients each doctor looks after.
    pub per_doctor: usize,
    /// Messages per second over all rooms.
    pub rate: usize,
    pub seconds: u64,
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Runs the benchmark on `target`.
pub async fn run(target: &Target, plan: &ChatPlan) -> anyhow::Result<()> {
    println!(
        "backend   {} ({} build), {}",
        target.backend,
        super::build_kind(),
        target.name
    );
    let started = Instant::now();
    let db = Db::connect(&target.url, 10).await?;
    db.migrate().await?;
    let services = Services::new(db.clone(), auth_config()).await?;
    let rooms = prepare(&services, &db, plan).await?;
    println!(
        "prepared  {} rooms ({} doctors, {} patients each), everyone signed in, in {:.1} s",
        rooms.len(),
        plan.rooms.div_ceil(plan.per_doctor),
        plan.per_doctor,
        started.elapsed().as_secs_f64()
    );

    // Each writer speaks for many people at once: no per-socket rate.
    let vars = vec![
        ("WS_PEOPLE_RATE", "10000".into()),
        ("WS_PEOPLE_BURST", "10000".into()),
    ];
    let platform = super::InProcess::start(target, "chat", false, vars).await?;
    let base = format!("ws://{}", platform.addr);

    let outcome = measure(&base, &rooms, plan).await;
    platform.stop();
    let sent = outcome?;
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM chat_messages")
        .fetch_one(db.pool())
        .await
        .context("counting stored messages")?;
    db.close().await;
    if u64::try_from(stored).unwrap_or(0) < sent {
        bail!("{sent} messages sent but only {stored} stored");
    }
    println!("check     {sent} messages sent, {stored} stored: none lost");
    Ok(())
}

/// A room and its two members' access tokens.
struct Room {
    id: i64,
    patient: String,
    doctor: String,
}

async fn prepare(services: &Services, db: &Db, plan: &ChatPlan) -> anyhow::Result<Vec<Room>> {
    let now = Timestamp::now().as_millisecond();
    let hash = domain::auth::hash_password(PASSWORD.into()).await?;
    let doctors = plan.rooms.div_ceil(plan.per_doctor);
    let admin = super::load::insert_users(db, "admin", 1, &hash, now).await?[0];
    let doctor_ids = super::load::insert_users(db, "doctor", doctors, &hash, now).await?;
    let patient_ids = super::load::insert_users(db, "patient", plan.rooms, &hash, now).await?;
    let admin = Principal::cli(admin, Role::Admin);
    let mut pairs = Vec::with_capacity(plan.rooms);
    for (i, patient) in patient_ids.iter().enumerate() {
        let doctor = doctor_ids[i / plan.per_doctor];
        services
            .care
            .assign(&admin, doctor, *patient, Timestamp::now())
            .await?;
        let room = services.chat.room_between(*patient, doctor).await?;
        pairs.push((room, i, i / plan.per_doctor));
        if (i + 1) % 100 == 0 || i + 1 == plan.rooms {
            eprint!("\rrooms… {}/{}", i + 1, plan.rooms);
        }
    }
    eprintln!();
    // Each account signs in once (password hashing dominates: two at a time).
    let sign_in = |name: String| {
        let auth = services.auth.clone();
        async move {
            let signed = auth.login(&name, PASSWORD, None).await?;
            anyhow::Ok(signed.tokens.access)
        }
    };
    let mut doctor_tokens = Vec::with_capacity(doctors);
    let mut patient_tokens = Vec::with_capacity(plan.rooms);
    let names: Vec<(bool, String)> = (0..doctors)
        .map(|i| (true, format!("bench_doctor_{i:06}")))
        .chain((0..plan.rooms).map(|i| (false, format!("bench_patient_{i:06}"))))
        .collect();
    let total = names.len();
    for (done, chunk) in names.chunks(2).enumerate() {
        let tokens =
            futures_util::future::try_join_all(chunk.iter().map(|(_, n)| sign_in(n.clone())))
                .await?;
        for ((is_doctor, _), token) in chunk.iter().zip(tokens) {
            if *is_doctor {
                doctor_tokens.push(token);
            } else {
                patient_tokens.push(token);
            }
        }
        if (done * 2 + 2) % 100 < 2 || done * 2 + 2 >= total {
            eprint!("\rsigning in… {}/{total}", (done * 2 + 2).min(total));
        }
    }
    eprintln!();
    Ok(pairs
        .into_iter()
        .map(|(id, patient, doctor)| Room {
            id,
            patient: patient_tokens[patient].clone(),
            doctor: doctor_tokens[doctor].clone(),
        })
        .collect())
}

async fn join(base: &str, room: i64, token: &str) -> anyhow::Result<Socket> {
    let url = format!("{base}/ws/chat/{room}/?token={token}");
    let (mut socket, _) = tokio_tungstenite::connect_async(url)
        .await
        .context("opening a chat socket")?;
    // The greeting and the history.
    for _ in 0..2 {
        socket.next().await.context("no greeting")??;
    }
    Ok(socket)
}

/// Opens every socket, then times delivery; returns the messages sent.
async fn measure(base: &str, rooms: &[Room], plan: &ChatPlan) -> anyhow::Result<u64> {
    let opened = Instant::now();
    let mut writers = Vec::with_capacity(rooms.len());
    let times = Arc::new(Mutex::new(Vec::new()));
    let delivered = Arc::new(AtomicU64::new(0));
    let clock = Instant::now();
    let mut readers = tokio::task::JoinSet::new();
    for (i, room) in rooms.iter().enumerate() {
        let mut reader = join(base, room.id, &room.doctor).await?;
        let writer = join(base, room.id, &room.patient).await?;
        writers.push(writer);
        let (times, delivered) = (times.clone(), delivered.clone());
        readers.spawn(async move {
            while let Some(Ok(message)) = reader.next().await {
                let Message::Text(text) = message else {
                    continue;
                };
                let Ok(frame) = serde_json::from_str::<Value>(&text) else {
                    continue;
                };
                if frame["type"] != "message" {
                    continue;
                }
                let sent = frame["message"]["body"]
                    .as_str()
                    .and_then(|b| b.strip_prefix("bench "))
                    .and_then(|us| us.parse::<u64>().ok());
                if let Some(sent) = sent {
                    let now = u64::try_from(clock.elapsed().as_micros()).unwrap_or(u64::MAX);
                    times
                        .lock()
                        .await
                        .push(Duration::from_micros(now.saturating_sub(sent)));
                    delivered.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        if (i + 1) % 100 == 0 || i + 1 == rooms.len() {
            eprint!("\rsockets… {}/{}", 2 * (i + 1), 2 * rooms.len());
        }
    }
    eprintln!();
    println!(
        "open      {} sockets on {} rooms in {:.1} s",
        2 * rooms.len(),
        rooms.len(),
        opened.elapsed().as_secs_f64()
    );
    let total = plan.rate as u64 * plan.seconds;
    println!(
        "sending   {} messages/s for {} s over all rooms…",
        plan.rate, plan.seconds
    );
    let every = Duration::from_secs_f64(1.0 / plan.rate as f64);
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    for n in 0..total {
        tick.tick().await;
        let socket = &mut writers[usize::try_from(n).unwrap_or(0) % rooms.len()];
        let stamp = clock.elapsed().as_micros();
        let body = json!({"type": "message", "body": format!("bench {stamp}")}).to_string();
        socket
            .send(Message::Text(body.into()))
            .await
            .context("sending")?;
    }
    // Let the last ones arrive.
    let deadline = Instant::now() + Duration::from_secs(10);
    while delivered.load(Ordering::Relaxed) < total && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    readers.abort_all();
    let got = delivered.load(Ordering::Relaxed);
    let times = std::mem::take(&mut *times.lock().await);
    println!(
        "delivery  {got}/{total} delivered to the other member: {}",
        Latencies::new(times).summary()
    );
    if got < total {
        bail!("{} messages were not delivered", total - got);
    }
    Ok(total)
}
