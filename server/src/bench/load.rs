//! Bulk loading of the benchmark's data set: straight SQL, multi-row inserts in
//! large transactions, one password hash shared by every account.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::Context;
use domain::accounts::UserId;
use domain::scheduling::slots::{self, Slot};
use domain::scheduling::{ConsultationType, WeeklyRange};
use domain::services::Services;
use domain::store::{Db, Dialect};
use jiff::Timestamp;
use jiff::civil::{Date, Weekday, time};
use jiff::tz::TimeZone;
use sqlx::{AssertSqlSafe, Row};

/// Rows per INSERT statement.
const ROWS_PER_STATEMENT: usize = 1000;
/// Rows per transaction (and per progress line) for appointments.
const ROWS_PER_TRANSACTION: usize = 10_000;
/// Every third doctor runs group consultations in the morning (capacity 3).
const GROUP_EVERY: usize = 3;
const GROUP_CAPACITY: i64 = 3;

const FIRST_NAMES: &[&str] = &[
    "Camille", "Louis", "Léa", "Hugo", "Chloé", "Jules", "Manon", "Lucas", "Inès", "Gabriel",
    "Sarah", "Arthur", "Emma", "Nathan", "Jade", "Paul",
];
const LAST_NAMES: &[&str] = &[
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "Fournier", "Girard",
];

/// A tiny xorshift generator: reproducible runs without a dependency.
pub struct XorShift(u64);

impl XorShift {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Uniform-enough integer in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// What to load.
pub struct Plan {
    pub doctors: usize,
    pub patients: usize,
    pub appointments: usize,
}

/// What was loaded.
pub struct Dataset {
    /// Account ids, by generation index.
    pub doctors: Vec<UserId>,
    pub patients: Vec<UserId>,
    /// Appointments inserted (some requested ones may not fit).
    pub appointments: usize,
    pub elapsed: Duration,
}

/// The weekly template every doctor gets: Monday to Friday 09:00–12:00 (either
/// kind of consultation) and 14:00–18:00 (in person), 30-minute slots.
fn template(morning_capacity: i32) -> Vec<WeeklyRange> {
    let days = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
    ];
    days.iter()
        .flat_map(|&weekday| {
            [
                WeeklyRange {
                    id: 1,
                    weekday,
                    start: time(9, 0, 0, 0),
                    end: time(12, 0, 0, 0),
                    consultation_type: ConsultationType::Both,
                    duration_minutes: 30,
                    capacity: morning_capacity,
                    location: None,
                    active: true,
                },
                WeeklyRange {
                    id: 2,
                    weekday,
                    start: time(14, 0, 0, 0),
                    end: time(18, 0, 0, 0),
                    consultation_type: ConsultationType::InPerson,
                    duration_minutes: 30,
                    capacity: 1,
                    location: None,
                    active: true,
                },
            ]
        })
        .collect()
}

fn morning_capacity(doctor_index: usize) -> i64 {
    if doctor_index % GROUP_EVERY == 0 {
        GROUP_CAPACITY
    } else {
        1
    }
}

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

async fn exec(conn: &mut sqlx::AnyConnection, sql: String) -> anyhow::Result<()> {
    sqlx::raw_sql(AssertSqlSafe(sql))
        .execute(conn)
        .await
        .context("bulk insert")?;
    Ok(())
}

/// Loads the whole data set; slots are those of the local days `first..=last`.
pub async fn load(
    services: &Services,
    plan: &Plan,
    tz: &TimeZone,
    (first, last): (Date, Date),
    rng: &mut XorShift,
) -> anyhow::Result<Dataset> {
    let started = Instant::now();
    let db = services.db();
    let now = Timestamp::now().as_millisecond();
    let hash = domain::auth::hash_password("bench-password-not-secret".into())
        .await
        .context("hashing the shared password")?;
    domain::demo::ensure_specialties(services)
        .await
        .context("adding specialties")?;
    let specialties: Vec<i64> = sqlx::query_scalar("SELECT id FROM specialties ORDER BY id")
        .fetch_all(db.pool())
        .await
        .context("reading specialties")?;

    let doctors = insert_users(db, "doctor", plan.doctors, &hash, now).await?;
    let patients = insert_users(db, "patient", plan.patients, &hash, now).await?;
    insert_schedules(db, &doctors, &specialties, now).await?;

    let positions = slots::expand(&template(1), &[], tz, first, last);
    let planned = plan_appointments(plan, positions.len(), now, rng);
    if planned.len() < plan.appointments {
        println!(
            "note: only {} of {} appointments fit without overbooking or patient overlaps",
            planned.len(),
            plan.appointments
        );
    }
    insert_appointments(db, &planned, &positions, &doctors, &patients).await?;
    if db.dialect() == Dialect::Postgres {
        // Autovacuum would gather statistics soon after such a load; do it now.
        exec(&mut *db.pool().acquire().await?, "ANALYZE".into()).await?;
    }
    Ok(Dataset {
        appointments: planned.len(),
        doctors,
        patients,
        elapsed: started.elapsed(),
    })
}

/// Inserts `count` accounts of `role`; returns their ids by index.
pub(super) async fn insert_users(
    db: &Db,
    role: &str,
    count: usize,
    hash: &str,
    now: i64,
) -> anyhow::Result<Vec<UserId>> {
    let mut tx = db.begin_write().await.context("starting a transaction")?;
    for start in (0..count).step_by(ROWS_PER_STATEMENT) {
        let end = (start + ROWS_PER_STATEMENT).min(count);
        let mut sql = String::from(
            "INSERT INTO users (username, email, password_hash, first_name, last_name, role, created_at) VALUES ",
        );
        for i in start..end {
            let sep = if i == start { "" } else { ", " };
            write!(
                sql,
                "{sep}('bench_{role}_{i:06}', 'bench.{role}.{i}@example.org', {}, {}, {}, '{role}', {now})",
                quote(hash),
                quote(FIRST_NAMES[i % FIRST_NAMES.len()]),
                quote(LAST_NAMES[(i / FIRST_NAMES.len()) % LAST_NAMES.len()]),
            )?;
        }
        exec(&mut tx, sql).await?;
        println!("loading {role}s… {end}/{count}");
    }
    tx.commit().await.context("committing accounts")?;
    let rows = sqlx::query("SELECT id, username FROM users WHERE role = $1")
        .bind(role)
        .fetch_all(db.pool())
        .await
        .context("reading account ids")?;
    let prefix = format!("bench_{role}_");
    let mut by_index: HashMap<usize, UserId> = HashMap::with_capacity(count);
    for row in &rows {
        let username: String = row.try_get("username")?;
        if let Some(index) = username.strip_prefix(&prefix).and_then(|n| n.parse().ok()) {
            by_index.insert(index, row.try_get("id")?);
        }
    }
    (0..count)
        .map(|i| {
            by_index
                .get(&i)
                .copied()
                .with_context(|| format!("account {prefix}{i:06} missing after insert"))
        })
        .collect()
}

/// Doctor profiles and weekly availability.
async fn insert_schedules(
    db: &Db,
    doctors: &[UserId],
    specialties: &[i64],
    now: i64,
) -> anyhow::Result<()> {
    let mut tx = db.begin_write().await.context("starting a transaction")?;
    for (chunk_no, chunk) in doctors.chunks(ROWS_PER_STATEMENT / 10).enumerate() {
        let base = chunk_no * (ROWS_PER_STATEMENT / 10);
        let mut profiles = String::from(
            "INSERT INTO doctor_profiles (user_id, specialty_id, bio, address, languages, timezone) VALUES ",
        );
        let mut ranges = String::from(
            "INSERT INTO availabilities (doctor_id, weekday, start_time, end_time, consultation_type, \
             duration_minutes, capacity, location, active, created_at) VALUES ",
        );
        for (offset, id) in chunk.iter().enumerate() {
            let index = base + offset;
            let sep = if offset == 0 { "" } else { ", " };
            let specialty = specialties
                .get(index % specialties.len().max(1))
                .map_or("NULL".to_owned(), i64::to_string);
            write!(
                profiles,
                "{sep}({id}, {specialty}, 'Benchmark doctor', '{} rue de la Santé, 75014 Paris', 'fr,en', 'Europe/Paris')",
                index % 200 + 1
            )?;
            let capacity = morning_capacity(index);
            for weekday in 0..5 {
                let sep = if offset == 0 && weekday == 0 {
                    ""
                } else {
                    ", "
                };
                write!(
                    ranges,
                    "{sep}({id}, {weekday}, '09:00', '12:00', 'both', 30, {capacity}, NULL, 1, {now}), \
                     ({id}, {weekday}, '14:00', '18:00', 'in_person', 30, 1, NULL, 1, {now})"
                )?;
            }
        }
        exec(&mut tx, profiles).await?;
        exec(&mut tx, ranges).await?;
    }
    tx.commit().await.context("committing schedules")?;
    println!(
        "loading schedules… {} doctors × 10 weekly ranges",
        doctors.len()
    );
    Ok(())
}

/// One appointment to insert: indexes into doctors, slot positions, patients.
struct Planned {
    doctor: usize,
    position: usize,
    patient: usize,
    status: &'static str,
    kind: &'static str,
    created_at: i64,
}

/// Spreads the appointments evenly over doctors, at random slot positions (one
/// per slot, so capacity always holds). Every doctor has the same positions, so
/// patients at one position are taken in turn: no patient is booked twice at
/// the same time. The result is shuffled to mimic bookings arriving over time.
fn plan_appointments(plan: &Plan, positions: usize, now: i64, rng: &mut XorShift) -> Vec<Planned> {
    let mut planned = Vec::with_capacity(plan.appointments);
    if positions == 0 || plan.doctors == 0 || plan.patients == 0 {
        return planned;
    }
    let per_doctor = plan.appointments / plan.doctors;
    let extra = plan.appointments % plan.doctors;
    let mut next_patient = vec![0usize; positions];
    let first_patient: Vec<usize> = (0..positions).map(|_| rng.below(plan.patients)).collect();
    let mut order: Vec<usize> = (0..positions).collect();
    for doctor in 0..plan.doctors {
        let wanted = (per_doctor + usize::from(doctor < extra)).min(positions);
        for k in 0..wanted {
            order.swap(k, k + rng.below(positions - k));
            let position = order[k];
            if next_patient[position] >= plan.patients {
                continue;
            }
            let patient = (first_patient[position] + next_patient[position]) % plan.patients;
            next_patient[position] += 1;
            let (status, kind) = match rng.below(100) {
                0..60 => ("confirmed", "in_person"),
                60..95 => ("pending", "in_person"),
                _ => ("cancelled", "in_person"),
            };
            let kind = if rng.below(4) == 0 && status != "cancelled" {
                "remote"
            } else {
                kind
            };
            planned.push(Planned {
                doctor,
                position,
                patient,
                status,
                kind,
                created_at: now - rng.below(30 * 86_400_000) as i64,
            });
        }
    }
    for i in (1..planned.len()).rev() {
        planned.swap(i, rng.below(i + 1));
    }
    planned
}

/// Appointments with their slot counters, then their history.
async fn insert_appointments(
    db: &Db,
    planned: &[Planned],
    positions: &[Slot],
    doctors: &[UserId],
    patients: &[UserId],
) -> anyhow::Result<()> {
    let total = planned.len();
    let mut loaded = 0;
    for batch in planned.chunks(ROWS_PER_TRANSACTION) {
        let mut tx = db.begin_write().await.context("starting a transaction")?;
        for chunk in batch.chunks(ROWS_PER_STATEMENT) {
            let mut appointments = String::from(
                "INSERT INTO appointments (patient_id, doctor_id, starts_at, ends_at, consultation_type, \
                 status, reason, doctor_message, location, created_at, updated_at) VALUES ",
            );
            let mut places = String::from(
                "INSERT INTO slot_places (doctor_id, starts_at, capacity, taken) VALUES ",
            );
            let mut any_place = false;
            for (i, a) in chunk.iter().enumerate() {
                let slot = &positions[a.position];
                let (start, end) = (
                    slot.starts_at.as_millisecond(),
                    slot.ends_at.as_millisecond(),
                );
                let (doctor, patient) = (doctors[a.doctor], patients[a.patient]);
                // Remote consultations exist in the morning only (the 'both' range).
                let kind = if slot.availability_id == 1 {
                    a.kind
                } else {
                    "in_person"
                };
                let sep = if i == 0 { "" } else { ", " };
                write!(
                    appointments,
                    "{sep}({patient}, {doctor}, {start}, {end}, '{kind}', '{}', 'Benchmark visit', '', NULL, {}, {})",
                    a.status, a.created_at, a.created_at
                )?;
                if a.status != "cancelled" {
                    let capacity = if slot.availability_id == 1 {
                        morning_capacity(a.doctor)
                    } else {
                        1
                    };
                    let sep = if any_place { ", " } else { "" };
                    write!(places, "{sep}({doctor}, {start}, {capacity}, 1)")?;
                    any_place = true;
                }
            }
            exec(&mut tx, appointments).await?;
            if any_place {
                exec(&mut tx, places).await?;
            }
        }
        tx.commit().await.context("committing appointments")?;
        loaded += batch.len();
        println!("loading appointments… {loaded}/{total}");
    }
    let mut tx = db.begin_write().await.context("starting a transaction")?;
    exec(
        &mut tx,
        "INSERT INTO appointment_events (appointment_id, status, actor_id, note, at) \
         SELECT id, 'pending', patient_id, '', created_at FROM appointments"
            .into(),
    )
    .await?;
    exec(
        &mut tx,
        "INSERT INTO appointment_events (appointment_id, status, actor_id, note, at) \
         SELECT id, status, CASE WHEN status = 'confirmed' THEN doctor_id ELSE patient_id END, '', updated_at \
         FROM appointments WHERE status <> 'pending'"
            .into(),
    )
    .await?;
    tx.commit()
        .await
        .context("committing appointment history")?;
    println!("loading appointment history… done");
    Ok(())
}
