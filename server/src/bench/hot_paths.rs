//! `--hot`'s other paths, on the shape of data the seed was measured with
//! (50 doctors, 500 patients, 200 appointments; one doctor takes a week of
//! vacation): the free-slot search over 28 days, booking distinct slots and
//! the race of 50 on one slot, and sign-in (with Argon2id's cost per hash).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use domain::accounts::UserId;
use domain::scheduling::{Exception, ExceptionKind};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

use super::hot::HotPlan;
use super::load::{self, Plan, XorShift};
use super::measure::Latencies;
use crate::state::AppState;

/// The seed's data shape.
const DOCTORS: usize = 50;
const PATIENTS: usize = 500;
const APPOINTMENTS: usize = 200;
/// Patients who book (each books distinct times).
const BOOKERS: usize = 64;
/// Clients racing for one slot.
const RACERS: usize = 50;
/// The bench accounts' password (`load::load`).
const PASSWORD: &str = "bench-password-not-secret";

const SLOTS: &str = "/api/v1/availabilities/available-slots/";
const BOOK: &str = "/api/v1/appointments/";
const TOKEN: &str = "/api/token/";

/// Requests per second from `connections` clients for `seconds`: each
/// client calls `one(client index, request index)` in turn; those that
/// answer `true` count.
pub(super) async fn rate<F, Fut>(connections: usize, seconds: u64, one: F) -> anyhow::Result<f64>
where
    F: Fn(usize, u64) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = bool> + Send,
{
    let answered = Arc::new(AtomicU64::new(0));
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(connections);
    for client in 0..connections {
        let (one, answered) = (one.clone(), answered.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = 0;
            while Instant::now() < until {
                if one(client, n).await {
                    answered.fetch_add(1, Ordering::Relaxed);
                }
                n += 1;
            }
        }));
    }
    for task in tasks {
        task.await?;
    }
    Ok(answered.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64())
}

/// Loads the data, then measures each path.
pub(super) async fn run(state: &AppState, base: &str, plan: &HotPlan) -> anyhow::Result<()> {
    let services = &state.services;
    let tz = TimeZone::get("Europe/Paris")?;
    let today = Timestamp::now().to_zoned(tz.clone()).date();
    let (first, last) = (today.tomorrow()?, today.checked_add(Span::new().days(84))?);
    let data = load::load(
        services,
        &Plan {
            doctors: DOCTORS,
            patients: PATIENTS,
            appointments: APPOINTMENTS,
        },
        &tz,
        (first, last),
        &mut XorShift::new(1),
    )
    .await?;
    let doctor = data.doctors[0];
    vacation(state, doctor, &tz, today).await?;
    let client = domain::http::client();
    // Bookers first, then racers: nobody races with a booking of their own.
    let mut tokens = Vec::with_capacity(BOOKERS + RACERS);
    for &patient in data.patients.iter().take(BOOKERS + RACERS) {
        tokens.push(sign_in(&client, base, &username(state, patient).await?).await?);
    }
    search(state, &client, base, plan, doctor, &tokens[0], today).await?;
    booking(
        state,
        &client,
        base,
        plan,
        &data.doctors,
        &tokens,
        (first, last),
    )
    .await?;
    let mut names = Vec::with_capacity(PATIENTS);
    for &patient in &data.patients {
        names.push(username(state, patient).await?);
    }
    signing_in(&client, base, plan, names).await
}

/// The bench account's user name of `patient`.
async fn username(state: &AppState, id: UserId) -> anyhow::Result<String> {
    Ok(
        sqlx::query_scalar("SELECT username FROM users WHERE id = $1")
            .bind(id)
            .fetch_one(state.services.db().pool())
            .await?,
    )
}

/// Signs in over HTTP: the access token.
async fn sign_in(client: &reqwest::Client, base: &str, username: &str) -> anyhow::Result<String> {
    let body = serde_json::json!({ "username": username, "password": PASSWORD });
    let answer: serde_json::Value = client
        .post(format!("{base}{TOKEN}"))
        .json(&body)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    answer["access"]
        .as_str()
        .map(str::to_owned)
        .context("no access token")
}

/// The first doctor takes the third week off.
async fn vacation(
    state: &AppState,
    doctor: UserId,
    tz: &TimeZone,
    today: Date,
) -> anyhow::Result<()> {
    let start = today
        .checked_add(Span::new().days(14))?
        .to_zoned(tz.clone())?;
    let end = start.checked_add(Span::new().days(7))?;
    let mut tx = state.services.db().begin_write().await?;
    domain::store::availability::insert_exception(
        &mut tx,
        doctor,
        &Exception {
            id: 0,
            starts_at: start.timestamp(),
            ends_at: end.timestamp(),
            kind: ExceptionKind::Vacation,
            recurring_weekly: false,
        },
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Both of a doctor's versions move, as after a change of their hours.
async fn touch(state: &AppState, doctor: UserId) -> anyhow::Result<()> {
    sqlx::query("UPDATE schedule_versions SET version = version + 1, slots_version = slots_version + 1 WHERE doctor_id = $1")
        .bind(doctor)
        .execute(state.services.db().pool())
        .await?;
    Ok(())
}

async fn search(
    state: &AppState,
    client: &reqwest::Client,
    base: &str,
    plan: &HotPlan,
    doctor: UserId,
    token: &str,
    today: Date,
) -> anyhow::Result<()> {
    let url = format!(
        "{base}{SLOTS}?doctor={doctor}&date_start={today}&date_end={}",
        today.checked_add(Span::new().days(27))?
    );
    let ask = |client: reqwest::Client, url: String, token: String| async move {
        let response = client.get(&url).bearer_auth(&token).send().await.ok()?;
        let ok = response.status().is_success();
        let body = response.bytes().await.ok()?;
        ok.then_some(body.len())
    };
    let size = ask(client.clone(), url.clone(), token.to_owned())
        .await
        .context("the search failed")?;
    let slots: Vec<serde_json::Value> = client
        .get(&url)
        .bearer_auth(token)
        .send()
        .await?
        .json()
        .await?;
    println!(
        "search     one doctor, 28 days with a week off ({} free slots, {size} bytes), {} requests each, sequential over HTTP",
        slots.len(),
        plan.requests
    );
    let (mut cold, mut warm) = (Vec::new(), Vec::new());
    for _ in 0..plan.requests {
        touch(state, doctor).await?;
        let started = Instant::now();
        ask(client.clone(), url.clone(), token.to_owned())
            .await
            .context("the search failed")?;
        cold.push(started.elapsed());
    }
    for _ in 0..plan.requests {
        let started = Instant::now();
        ask(client.clone(), url.clone(), token.to_owned())
            .await
            .context("the search failed")?;
        warm.push(started.elapsed());
    }
    println!(
        "           unrolled (cold)         {}",
        Latencies::new(cold).summary()
    );
    println!(
        "           kept (warm)             {}",
        Latencies::new(warm).summary()
    );
    let (client, token) = (client.clone(), token.to_owned());
    let per_second = rate(plan.connections, plan.seconds, move |_, _| {
        let asked = ask(client.clone(), url.clone(), token.clone());
        async move { asked.await.is_some() }
    })
    .await?;
    println!(
        "           kept (warm)             {per_second:.0} requests/s from {} connections",
        plan.connections
    );
    Ok(())
}

/// Books `slot` for the patient holding `token`: the status.
async fn book(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    doctor: UserId,
    start: &str,
) -> Option<u16> {
    let body = serde_json::json!({ "doctor_id": doctor, "start": start, "consultation_type": "in_person" });
    let response = client
        .post(format!("{base}{BOOK}"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .ok()?;
    Some(response.status().as_u16())
}

async fn booking(
    state: &AppState,
    client: &reqwest::Client,
    base: &str,
    plan: &HotPlan,
    doctors: &[UserId],
    tokens: &[String],
    (first, last): (Date, Date),
) -> anyhow::Result<()> {
    // Each doctor's free slots; booking k takes doctor k mod 50's (k / 50)th:
    // bookings at one position go to distinct patients.
    let now = Timestamp::now();
    let mut free: Vec<Vec<String>> = Vec::with_capacity(doctors.len());
    for &doctor in doctors {
        let slots = state
            .services
            .scheduling
            .free_slots(
                doctor,
                first,
                last,
                Some(domain::scheduling::ConsultationType::InPerson),
                now,
            )
            .await?;
        free.push(slots.iter().map(|f| f.slot.starts_at.to_string()).collect());
    }
    let free = Arc::new(free);
    let doctors: Arc<Vec<UserId>> = Arc::new(doctors.to_vec());
    let racers = tokens[BOOKERS..].to_vec();
    let tokens: Arc<Vec<String>> = Arc::new(tokens[..BOOKERS].to_vec());
    let next = Arc::new(AtomicUsize::new(0));
    let take = {
        let (free, doctors, tokens, next) =
            (free.clone(), doctors.clone(), tokens.clone(), next.clone());
        let (client, base) = (client.clone(), base.to_owned());
        move |_: usize, _: u64| {
            let (free, doctors, tokens, client, base) = (
                free.clone(),
                doctors.clone(),
                tokens.clone(),
                client.clone(),
                base.clone(),
            );
            let k = next.fetch_add(1, Ordering::Relaxed);
            async move {
                let d = k % doctors.len();
                let Some(start) = free[d].get(k / doctors.len()) else {
                    return false;
                };
                book(&client, &base, &tokens[k % tokens.len()], doctors[d], start).await
                    == Some(201)
            }
        }
    };
    let mut times = Vec::with_capacity(plan.requests);
    for _ in 0..plan.requests {
        let started = Instant::now();
        if !take(0, 0).await {
            bail!("a booking was refused");
        }
        times.push(started.elapsed());
    }
    println!(
        "booking    distinct slots of {} doctors ({} free), {} requests, sequential over HTTP",
        doctors.len(),
        free.iter().map(Vec::len).sum::<usize>(),
        plan.requests
    );
    println!(
        "           booked                  {}",
        Latencies::new(times).summary()
    );
    let per_second = rate(plan.connections, plan.seconds, take).await?;
    println!(
        "           booked                  {per_second:.0} bookings/s from {} connections",
        plan.connections
    );
    // The race: 50 patients at once for one place.
    let d = doctors.len() - 1;
    let start = free[d]
        .last()
        .context("no free slot left for the race")?
        .clone();
    let racing: Vec<_> = racers
        .into_iter()
        .map(|token| {
            let (client, base, start, doctor) =
                (client.clone(), base.to_owned(), start.clone(), doctors[d]);
            tokio::spawn(async move { book(&client, &base, &token, doctor, &start).await })
        })
        .collect();
    let mut statuses = Vec::with_capacity(RACERS);
    for racer in racing {
        statuses.push(racer.await?);
    }
    let won = statuses.iter().filter(|s| **s == Some(201)).count();
    let lost = statuses.iter().filter(|s| **s == Some(409)).count();
    println!("           race of {RACERS} on one slot      {won} booked, {lost} refused (409)");
    if won != 1 || lost != RACERS - 1 {
        bail!("the race booked {won} of one place");
    }
    Ok(())
}

/// Sign-in over HTTP (each checks an Argon2id hash), and what one hash
/// costs on its own.
async fn signing_in(
    client: &reqwest::Client,
    base: &str,
    plan: &HotPlan,
    names: Vec<String>,
) -> anyhow::Result<()> {
    let (memory, passes, lanes) = domain::auth::password_cost();
    let mut hashes = Vec::with_capacity(plan.requests.min(50));
    for _ in 0..plan.requests.min(50) {
        let started = Instant::now();
        domain::auth::hash_password(PASSWORD.to_owned()).await?;
        hashes.push(started.elapsed());
    }
    println!(
        "sign-in    Argon2id m = {} KiB, t = {}, p = {} (OWASP's first choice); one hash: {}",
        memory,
        passes,
        lanes,
        Latencies::new(hashes).summary()
    );
    let mut times = Vec::with_capacity(plan.requests);
    for i in 0..plan.requests {
        let started = Instant::now();
        sign_in(client, base, &names[i % names.len()]).await?;
        times.push(started.elapsed());
    }
    println!(
        "           signed in               {}",
        Latencies::new(times).summary()
    );
    let (client, base, names) = (client.clone(), base.to_owned(), Arc::new(names));
    let per_second = rate(plan.connections, plan.seconds, move |c, n| {
        let (client, base, names) = (client.clone(), base.clone(), names.clone());
        async move {
            let name = &names[(c * 31 + n as usize) % names.len()];
            sign_in(&client, &base, name).await.is_ok()
        }
    })
    .await?;
    println!(
        "           signed in               {per_second:.1} sign-ins/s from {} connections",
        plan.connections
    );
    Ok(())
}
