//! `medplat bench --messaging`: the platform serving on the scratch database
//! in this process, a local Twilio (`stand_in`) in place of the real one.
//!
//! 0. For scale, `GET /health` from the same clients.
//! 1. Webhook requests per second with the signature check on: clients post
//!    signed SMS (each a new `MessageSid`, from numbers no account has) as
//!    fast as they are answered.
//! 2. Outbox throughput: notices for many patients written at once, then the
//!    worker started; messages per second until the last reached the
//!    stand-in.
//! 3. Booking to confirmation: a doctor accepts appointments one after
//!    another; the time from the acceptance to the patient's SMS reaching
//!    the stand-in, p50/p99.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use domain::accounts::Role;
use domain::auth::Principal;
use domain::messaging::signature;
use domain::notifications::Notice;
use domain::scheduling::appointments::Action;
use domain::store::Db;
use jiff::{SignedDuration, Timestamp};

use super::Target;
use super::measure::Latencies;
use crate::stand_in::{CLINIC_NUMBER, TOKEN, Twilio};

/// Options of `--messaging`.
#[derive(Debug, Clone)]
pub struct MessagingPlan {
    /// Seconds of webhook requests.
    pub seconds: u64,
    /// Concurrent webhook clients.
    pub clients: usize,
    /// Messages of the outbox run.
    pub messages: usize,
    /// Appointments accepted one after another.
    pub confirmations: usize,
}

const SMS_PATH: &str = "/api/v1/webhooks/twilio/sms/";

/// Runs the benchmark on `target`.
pub async fn run(target: &Target, plan: &MessagingPlan) -> anyhow::Result<()> {
    println!(
        "backend    {} ({} build), {}",
        target.backend,
        super::build_kind(),
        target.name
    );
    let twilio = Twilio::start().await?;
    let mut vars: Vec<(&str, String)> = twilio.settings();
    vars.push(("JOBS_POLL", "250ms".into()));
    let platform = super::InProcess::start(target, "messaging", false, vars).await?;
    let state = platform.state.clone();
    let public = state.settings.messaging.public_base_url.clone();
    let base = format!("http://{}", platform.addr);

    let outcome = async {
        baseline(&base, plan).await?;
        webhooks(&base, &public, plan).await?;
        let db = state.services.db().clone();
        let worker = crate::spawn_worker(state.services.clone(), &state.settings);
        let result = async {
            outbox(&db, &twilio, plan.messages).await?;
            confirmations(&state.services, &db, &twilio, plan.confirmations).await
        }
        .await;
        worker.abort();
        result
    }
    .await;
    platform.stop();
    outcome
}

/// For scale: `GET /health` (the HTTP stack and one database read) from as
/// many clients for as long.
async fn baseline(base: &str, plan: &MessagingPlan) -> anyhow::Result<()> {
    let client = domain::http::client();
    let url = format!("{base}/health");
    let answered = Arc::new(AtomicU64::new(0));
    let until = Instant::now() + Duration::from_secs(plan.seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..plan.clients {
        let (client, url, answered) = (client.clone(), url.clone(), answered.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < until {
                if client
                    .get(&url)
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success())
                {
                    answered.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for task in tasks {
        task.await?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "baseline   GET /health from {} clients: {:.0} requests/s (the HTTP stack and one database read, for scale)",
        plan.clients,
        answered.load(Ordering::Relaxed) as f64 / elapsed
    );
    Ok(())
}

/// Phase 1.
async fn webhooks(base: &str, public: &str, plan: &MessagingPlan) -> anyhow::Result<()> {
    let client = domain::http::client();
    let url = format!("{base}{SMS_PATH}");
    let signed_url = format!("{public}{SMS_PATH}");
    let answered = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let until = Instant::now() + Duration::from_secs(plan.seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..plan.clients {
        let (client, url, signed_url) = (client.clone(), url.clone(), signed_url.clone());
        let (answered, refused) = (answered.clone(), refused.clone());
        tasks.push(tokio::spawn(async move {
            let mut n: u64 = 0;
            while Instant::now() < until {
                n += 1;
                let sid = format!("SM{c:08x}{n:024x}");
                let from = format!("+3361{:07}", (c as u64 * 1_000_003 + n) % 10_000_000);
                let params: Vec<(String, String)> = [
                    ("MessageSid", sid.as_str()),
                    ("From", from.as_str()),
                    ("To", CLINIC_NUMBER),
                    (
                        "Body",
                        "Bonjour, je voudrais des nouvelles de mes résultats.",
                    ),
                    ("NumMedia", "0"),
                ]
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
                let signature = signature::compute(TOKEN, &signed_url, &params);
                let body = form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(&params)
                    .finish();
                let sent = client
                    .post(&url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("x-twilio-signature", signature)
                    .body(body)
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status().is_success() => answered.fetch_add(1, Ordering::Relaxed),
                    _ => refused.fetch_add(1, Ordering::Relaxed),
                };
            }
        }));
    }
    for task in tasks {
        task.await?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let ok = answered.load(Ordering::Relaxed);
    let failed = refused.load(Ordering::Relaxed);
    println!(
        "webhooks   {ok} signed SMS in {elapsed:.1} s from {} clients: {:.0} requests/s (signature checked, each recorded and matched){}",
        plan.clients,
        ok as f64 / elapsed,
        if failed > 0 {
            format!(", {failed} failed")
        } else {
            String::new()
        }
    );
    if failed > 0 {
        bail!("{failed} webhook requests failed");
    }
    Ok(())
}

/// Patients with a mobile number and SMS only; their ids.
async fn patients_with_phones(db: &Db, count: usize, offset: usize) -> anyhow::Result<Vec<i64>> {
    let now = Timestamp::now().as_millisecond();
    let mut tx = db.begin_write().await?;
    let mut ids = Vec::with_capacity(count);
    for i in 0..count {
        let n = offset + i;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, email, password_hash, first_name, last_name, role, created_at) \
             VALUES ($1, $2, 'x', 'Camille', 'Roux', 'patient', $3) RETURNING id",
        )
        .bind(format!("bench_sms_{n:07}"))
        .bind(format!("bench.sms.{n}@example.org"))
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
        ids.push(id);
        let phone = format!("+3365{n:07}");
        sqlx::query(
            "INSERT INTO medical_profiles (patient_id, mobile_phone, active_mobile_phone, updated_at) \
             VALUES ($1, $2, $2, $3)",
        )
        .bind(id)
        .bind(&phone)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "INSERT INTO message_preferences (user_id, sms, whatsapp, email, reminders, updated_at) \
             VALUES ($1, 1, 0, 0, 1, $2)",
        )
        .bind(id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    tx.commit().await?;
    Ok(ids)
}

/// Phase 2.
async fn outbox(db: &Db, twilio: &Twilio, messages: usize) -> anyhow::Result<()> {
    let patients = patients_with_phones(db, messages, 0).await?;
    let before = twilio.delivered().len();
    let started = Instant::now();
    // Written in batches of a hundred notices per transaction, while the
    // worker already delivers.
    for chunk in patients.chunks(100) {
        let mut tx = db.begin_write().await?;
        for patient in chunk {
            let notice = Notice::AppointmentCancelled {
                appointment_id: 0,
                by_name: "Dr Claire Bernard".into(),
                starts_at: Timestamp::now() + SignedDuration::from_hours(48),
                reason: String::new(),
            };
            domain::store::notifications::push(&mut tx, *patient, &notice).await?;
        }
        tx.commit().await?;
    }
    let written = started.elapsed().as_secs_f64();
    twilio
        .wait_delivered(before + messages, Duration::from_secs(600))
        .await
        .context("the outbox did not deliver every message within ten minutes")?;
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "outbox     {messages} SMS written in {written:.1} s and delivered to the stand-in in {elapsed:.1} s: {:.0} messages/s",
        messages as f64 / elapsed
    );
    let sent = twilio.delivered().len() - before;
    let requests = twilio.requests().len();
    println!("check      {sent} delivered, {requests} requests in all: none sent twice");
    Ok(())
}

/// Phase 3.
async fn confirmations(
    services: &domain::services::Services,
    db: &Db,
    twilio: &Twilio,
    count: usize,
) -> anyhow::Result<()> {
    let now = Timestamp::now().as_millisecond();
    let form = domain::accounts::SignUpForm {
        username: "bench.sms.doctor".into(),
        email: "bench.sms.doctor@example.org".into(),
        password: "bench-password-not-secret".into(),
        first_name: "Claire".into(),
        last_name: "Bernard".into(),
    };
    let doctor = services
        .accounts
        .create_unchecked(Role::Doctor, &form, None)
        .await?
        .id;
    let patient = patients_with_phones(db, 1, 9_000_000).await?[0];
    let mut ids = Vec::with_capacity(count);
    for i in 0..count {
        let start = Timestamp::now() + SignedDuration::from_hours(48 + i as i64);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO appointments (patient_id, doctor_id, starts_at, ends_at, consultation_type, \
               status, created_at, updated_at) VALUES ($1, $2, $3, $4, 'remote', 'pending', $5, $5) RETURNING id",
        )
        .bind(patient)
        .bind(doctor)
        .bind(start.as_millisecond())
        .bind(start.as_millisecond() + 30 * 60_000)
        .bind(now)
        .fetch_one(db.pool())
        .await?;
        ids.push(id);
    }
    let actor = Principal::cli(doctor, Role::Doctor);
    let mut delays = Vec::with_capacity(count);
    for id in ids {
        let before = twilio.delivered().len();
        let started = Instant::now();
        services
            .appointments
            .act(&actor, id, Action::Accept, None, Timestamp::now())
            .await?;
        twilio
            .wait_delivered(before + 1, Duration::from_secs(30))
            .await
            .context("a confirmation did not reach the stand-in")?;
        delays.push(started.elapsed());
    }
    println!(
        "confirm    {count} acceptances to SMS at the stand-in: {}",
        Latencies::new(delays).summary()
    );
    Ok(())
}
