//! `medplat bench --hot`: the hot paths over HTTP, against the platform
//! served by this process on the scratch database with the demo data.
//!
//! The availability calendar (twelve weeks of the demo doctor): sequential
//! requests, p50/p99, computed ("cold": the first request after a change)
//! and kept ("warm": nothing changed), whole (200) and asked again with
//! `If-None-Match` (304); then requests per second from 16 connections at
//! once, warm, whole and 304. Then the free-slot search, booking and
//! sign-in on the seed's data shape (`hot_paths`).

use std::time::Instant;

use anyhow::{Context, bail};

use super::Target;
use super::measure::Latencies;

/// Options of `--hot`.
#[derive(Debug, Clone)]
pub struct HotPlan {
    /// Sequential requests of each kind.
    pub requests: usize,
    /// Concurrent connections of the throughput runs.
    pub connections: usize,
    /// Seconds of each throughput run.
    pub seconds: u64,
    /// The demo doctor whose calendar is asked for.
    pub doctor: String,
}

const ICS: &str = "/api/v1/availabilities/calendar-ics/";

/// Runs the benchmark on `target`.
pub async fn run(target: &Target, plan: &HotPlan) -> anyhow::Result<()> {
    if plan.requests == 0 || plan.connections == 0 || plan.seconds == 0 {
        bail!("--hot-requests, --hot-connections and --hot-seconds must be at least 1");
    }
    println!(
        "backend    {} ({} build), {}",
        target.backend,
        super::build_kind(),
        target.name
    );
    // Sign-in is measured, not throttled.
    let unthrottled = vec![
        ("LOGIN_ATTEMPTS_PER_ACCOUNT", "1000000".to_owned()),
        ("LOGIN_ATTEMPTS_PER_ADDRESS", "1000000".to_owned()),
    ];
    let platform = super::InProcess::start(target, "hot", true, unthrottled).await?;
    let state = platform.state.clone();
    domain::demo::load_if_empty(&state.services)
        .await
        .context("loading the demo data")?;
    let base = format!("http://{}", platform.addr);
    let mut outcome = calendar(&state, &base, plan).await;
    if outcome.is_ok() {
        outcome = super::hot_paths::run(&state, &base, plan).await;
    }
    platform.stop();
    outcome
}

/// One request for the calendar: its status and body size.
async fn ask(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    etag: Option<&str>,
) -> anyhow::Result<(u16, usize)> {
    let mut request = client
        .get(url)
        .bearer_auth(token)
        .header("accept-encoding", "br, gzip");
    if let Some(etag) = etag {
        request = request.header("if-none-match", etag);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let body = response.bytes().await?;
    Ok((status, body.len()))
}

async fn calendar(
    state: &crate::state::AppState,
    base: &str,
    plan: &HotPlan,
) -> anyhow::Result<()> {
    let login = domain::demo::logins()
        .into_iter()
        .find(|l| l.username == plan.doctor)
        .with_context(|| format!("no demo account {}", plan.doctor))?;
    let signed = state
        .services
        .auth
        .login(&login.username, &login.password, None)
        .await?;
    let token = signed.tokens.access;
    let client = domain::http::client();
    let url = format!("{base}{ICS}");
    let response = client
        .get(&url)
        .bearer_auth(&token)
        .header("accept-encoding", "br, gzip")
        .send()
        .await?;
    let etag = response
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .context("the calendar has no ETag")?
        .to_owned();
    let encoding = response
        .headers()
        .get("content-encoding")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("identity")
        .to_owned();
    let sent = response.bytes().await?.len();
    println!(
        "calendar   {}, 12 weeks, {} requests each, sequential over HTTP ({sent} bytes sent, {encoding})",
        plan.doctor, plan.requests
    );

    // Cold: each request after a change of the doctor's schedule version
    // (as a booking or a new range would make).
    let doctor: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(&plan.doctor)
        .fetch_one(state.services.db().pool())
        .await?;
    let mut cold = Vec::with_capacity(plan.requests);
    for _ in 0..plan.requests {
        sqlx::query("UPDATE schedule_versions SET version = version + 1 WHERE doctor_id = $1")
            .bind(doctor)
            .execute(state.services.db().pool())
            .await?;
        let started = Instant::now();
        let (status, _) = ask(&client, &url, &token, None).await?;
        cold.push(started.elapsed());
        if status != 200 {
            bail!("the calendar answered {status}");
        }
    }
    let mut warm = Vec::with_capacity(plan.requests);
    let mut unchanged = Vec::with_capacity(plan.requests);
    let mut etag = etag;
    for _ in 0..plan.requests {
        let started = Instant::now();
        let (status, _) = ask(&client, &url, &token, None).await?;
        warm.push(started.elapsed());
        if status != 200 {
            bail!("the calendar answered {status}");
        }
        let started = Instant::now();
        let (status, bytes) = ask(&client, &url, &token, Some(&etag)).await?;
        unchanged.push(started.elapsed());
        if status != 304 || bytes != 0 {
            // The quarter hour turned and the content changed: the new tag.
            etag = client
                .get(&url)
                .bearer_auth(&token)
                .send()
                .await?
                .headers()
                .get("etag")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
        }
    }
    println!(
        "           whole, computed (cold)  {}",
        Latencies::new(cold).summary()
    );
    println!(
        "           whole, kept (warm)      {}",
        Latencies::new(warm).summary()
    );
    println!(
        "           304, kept (warm)        {}",
        Latencies::new(unchanged).summary()
    );
    for (label, tag) in [
        ("whole, kept (warm)", None),
        ("304, kept (warm)", Some(etag)),
    ] {
        let rate = throughput(&client, &url, &token, tag.as_deref(), plan).await?;
        println!(
            "           {label:<22}  {rate:.0} requests/s from {} connections",
            plan.connections
        );
    }
    Ok(())
}

/// Requests per second from `plan.connections` clients for `plan.seconds`.
async fn throughput(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    etag: Option<&str>,
    plan: &HotPlan,
) -> anyhow::Result<f64> {
    let (client, url, token) = (client.clone(), url.to_owned(), token.to_owned());
    let etag = etag.map(str::to_owned);
    super::hot_paths::rate(plan.connections, plan.seconds, move |_, _| {
        let (client, url, token, etag) = (client.clone(), url.clone(), token.clone(), etag.clone());
        async move {
            ask(&client, &url, &token, etag.as_deref())
                .await
                .is_ok_and(|(status, _)| status == 200 || status == 304)
        }
    })
    .await
}
