//! `medplat bench`: loads a realistic data set (doctors, patients, weekly
//! availability, appointments over twelve weeks) into a fresh database, then
//! measures free-slot searches and booking under contention through the
//! services, and checks that no slot ended up overbooked. `--calendar`,
//! `--trail`, `--vitals`, `--symptoms`, `--assistant`, `--chat`, `--messaging`, `--exports` and `--stats` measure
//! other parts instead.

mod assistant;
mod calendar;
mod chat;
mod exports;
mod hot;
mod hot_paths;
mod load;
mod measure;
mod messaging;
pub mod soak;
mod stats;
mod symptoms;
mod trail;
mod vitals;
mod vitals_clients;

use std::path::PathBuf;

use anyhow::{Context, bail};
use domain::auth::AuthConfig;
use domain::services::Services;
use domain::store::{Db, Dialect};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};
use sqlx::AssertSqlSafe;

use load::{Plan, XorShift};

/// Options of `medplat bench`.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Database to fill. PostgreSQL (`postgres://…/NAME`): NAME is dropped and
    /// created again. SQLite (`sqlite://FILE`): FILE must be new or empty.
    /// Default: a new SQLite file in the temporary directory, removed afterwards.
    #[arg(long)]
    pub database_url: Option<String>,
    /// Doctors to load.
    #[arg(long, default_value_t = 1000)]
    pub doctors: usize,
    /// Patients to load.
    #[arg(long, default_value_t = 5000)]
    pub patients: usize,
    /// Appointments to load, spread over the doctors' next twelve weeks.
    #[arg(long, default_value_t = 100_000)]
    pub appointments: usize,
    /// Free-slot searches to time (one random doctor, twelve weeks each).
    #[arg(long, default_value_t = 500)]
    pub searches: usize,
    /// Concurrent patients booking the same few slots.
    #[arg(long, default_value_t = 32)]
    pub contenders: usize,
    /// Booking attempts per contender (all contenders start each round together).
    #[arg(long, default_value_t = 20)]
    pub rounds: usize,
    /// Size of the connection pool (the server's default is 10).
    #[arg(long, default_value_t = 10)]
    pub max_connections: u32,
    /// Seed of the data set and the search order.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Keep the temporary SQLite file.
    #[arg(long)]
    pub keep: bool,
    /// Instead of the load above: load the demo data and time the availability
    /// calendar export of one demo doctor (twelve weeks).
    #[arg(long)]
    pub calendar: bool,
    /// The demo doctor whose calendar `--calendar` exports.
    #[arg(long, default_value = "dr.dupont")]
    pub calendar_doctor: String,
    /// Exports to time with `--calendar`.
    #[arg(long, default_value_t = 50)]
    pub calendar_runs: usize,
    /// Instead of the load above: load the demo data and compare profile
    /// reads by doctors with and without the access trail.
    #[arg(long)]
    pub trail: bool,
    /// Reads per run with `--trail`.
    #[arg(long, default_value_t = 5000)]
    pub trail_reads: usize,
    /// Instead of the load above: start this binary as a server on the
    /// scratch database and measure vital-sign ingest from outside (HTTP
    /// batches, device sockets, device-to-dashboard latency, idle sockets).
    #[arg(long)]
    pub vitals: bool,
    /// Seconds of each `--vitals` phase.
    #[arg(long, default_value_t = 10)]
    pub vitals_seconds: u64,
    /// Concurrent HTTP clients posting batches with `--vitals`.
    #[arg(long, default_value_t = 8)]
    pub http_clients: usize,
    /// Values per HTTP batch with `--vitals` (at most 1000).
    #[arg(long, default_value_t = 1000)]
    pub batch: usize,
    /// Device sockets of the `--vitals` WebSocket throughput phase.
    #[arg(long, default_value_t = 1000)]
    pub ws_devices: usize,
    /// Readings per second while `--vitals` times device-to-dashboard latency.
    #[arg(long, default_value_t = 5000)]
    pub latency_rate: usize,
    /// Idle device sockets whose memory `--vitals` measures.
    #[arg(long, default_value_t = 10_000)]
    pub idle_sockets: usize,
    /// Time building the symptom checker's starting model and `POST
    /// /api/symptoms/` over HTTP (demo patients), instead of the booking run.
    #[arg(long)]
    pub symptoms: bool,
    /// Requests of `--symptoms`.
    #[arg(long, default_value_t = 2000)]
    pub symptom_checks: usize,
    /// Concurrent clients of `--symptoms`.
    #[arg(long, default_value_t = 4)]
    pub symptom_clients: usize,
    /// Judge the offline assistant on the test part of its questions (right
    /// answers per language and intent, emergencies, off-topic, latency)
    /// and cross-validate its threshold, instead of the booking run. No
    /// database.
    #[arg(long)]
    pub assistant: bool,
    /// With `--assistant`: only what choosing the classifier's settings may
    /// look at (the cross-validation of the training part and the fresh
    /// sample); the test part is not read.
    #[arg(long)]
    pub assistant_tuning: bool,
    /// Rounds of `--assistant` latency over the test part.
    #[arg(long, default_value_t = 20)]
    pub assistant_rounds: usize,
    /// Time chat delivery through the server with many conversations open
    /// (both members' sockets on each room), instead of the booking run.
    #[arg(long)]
    pub chat: bool,
    /// Open conversations of `--chat`.
    #[arg(long, default_value_t = 1000)]
    pub chat_rooms: usize,
    /// Patients each doctor looks after in `--chat`.
    #[arg(long, default_value_t = 20)]
    pub chat_per_doctor: usize,
    /// Messages per second over all rooms with `--chat`.
    #[arg(long, default_value_t = 500)]
    pub chat_rate: usize,
    /// Seconds of sending with `--chat`.
    #[arg(long, default_value_t = 10)]
    pub chat_seconds: u64,
    /// Time the Twilio webhooks (signed), the outbox's throughput and the
    /// delay from a doctor's acceptance to the patient's SMS, against a
    /// local Twilio, instead of the booking run.
    #[arg(long)]
    pub messaging: bool,
    /// The hot paths over HTTP against the platform served by this process
    /// with the demo data: the availability calendar of `--calendar-doctor`,
    /// computed and kept, whole and 304, sequential and from
    /// `--hot-connections` at once.
    #[arg(long)]
    pub hot: bool,
    /// Sequential requests of each kind with `--hot`.
    #[arg(long, default_value_t = 200)]
    pub hot_requests: usize,
    /// Concurrent connections of `--hot`'s throughput runs.
    #[arg(long, default_value_t = 16)]
    pub hot_connections: usize,
    /// Seconds of each of `--hot`'s throughput runs.
    #[arg(long, default_value_t = 10)]
    pub hot_seconds: u64,
    /// Seconds of signed webhook requests with `--messaging`.
    #[arg(long, default_value_t = 10)]
    pub webhook_seconds: u64,
    /// Concurrent webhook clients with `--messaging`.
    #[arg(long, default_value_t = 8)]
    pub webhook_clients: usize,
    /// Messages of the outbox run with `--messaging`.
    #[arg(long, default_value_t = 2000)]
    pub outbox_messages: usize,
    /// Acceptances timed with `--messaging`.
    #[arg(long, default_value_t = 100)]
    pub confirmations: usize,
    /// Time research exports in every format through the server (the first
    /// day's 10,000 rows, then `--export-rows`), with its peak memory,
    /// instead of the booking run.
    #[arg(long)]
    pub exports: bool,
    /// Vital-sign minutes to load and export with `--exports`.
    #[arg(long, default_value_t = 1_000_000)]
    pub export_rows: usize,
    /// Patients the minutes belong to with `--exports`.
    #[arg(long, default_value_t = 2000)]
    pub export_patients: usize,
    /// Load a year of a clinic (its own sizes below) and time the
    /// statistics page's queries, instead of the booking run.
    #[arg(long)]
    pub stats: bool,
    /// Doctors of `--stats`.
    #[arg(long, default_value_t = 50)]
    pub stats_doctors: usize,
    /// Patients of `--stats`.
    #[arg(long, default_value_t = 3000)]
    pub stats_patients: usize,
    /// Appointments of `--stats`, from a year ago to four weeks ahead.
    #[arg(long, default_value_t = 150_000)]
    pub stats_appointments: usize,
    /// Timed requests of each kind with `--stats`.
    #[arg(long, default_value_t = 30)]
    pub stats_runs: usize,
}

/// Runs the benchmark and prints its report.
pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    init_logs();
    if args.assistant {
        println!("offline assistant ({} build)", build_kind());
        return assistant::run(args.assistant_rounds.max(1), args.assistant_tuning);
    }
    if args.doctors == 0 || args.contenders == 0 || args.rounds == 0 || args.searches == 0 {
        bail!("--doctors, --searches, --contenders and --rounds must be at least 1");
    }
    if args.patients < args.contenders {
        bail!("--patients must be at least --contenders (each contender is a patient)");
    }
    let target = Target::prepare(args.database_url.as_deref()).await?;
    let db = Db::connect(&target.url, args.max_connections)
        .await
        .context("connecting to the database")?;
    db.migrate().await.context("applying migrations")?;
    if db.dialect() == Dialect::Sqlite {
        let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(db.pool())
            .await
            .context("counting accounts")?;
        if users > 0 {
            bail!("the SQLite database already has accounts; pass a new file");
        }
    }
    if args.vitals {
        db.close().await;
        let plan = vitals::VitalsPlan {
            seconds: args.vitals_seconds,
            http_clients: args.http_clients,
            batch: args.batch,
            ws_devices: args.ws_devices,
            latency_rate: args.latency_rate,
            idle_sockets: args.idle_sockets,
        };
        if plan.seconds == 0 || plan.http_clients == 0 || plan.ws_devices == 0 {
            bail!("--vitals-seconds, --http-clients and --ws-devices must be at least 1");
        }
        if !(1..=1000).contains(&plan.batch) {
            bail!("--batch: from 1 to 1000 values (the API's limit)");
        }
        let outcome = vitals::run(&target, &plan).await;
        target.clean_up(args.keep);
        return outcome;
    }
    if args.chat {
        db.close().await;
        let plan = chat::ChatPlan {
            rooms: args.chat_rooms,
            per_doctor: args.chat_per_doctor,
            rate: args.chat_rate,
            seconds: args.chat_seconds,
        };
        if plan.rooms == 0 || plan.per_doctor == 0 || plan.rate == 0 || plan.seconds == 0 {
            bail!(
                "--chat-rooms, --chat-per-doctor, --chat-rate and --chat-seconds must be at least 1"
            );
        }
        let outcome = chat::run(&target, &plan).await;
        target.clean_up(args.keep);
        return outcome;
    }
    if args.messaging {
        db.close().await;
        let plan = messaging::MessagingPlan {
            seconds: args.webhook_seconds,
            clients: args.webhook_clients,
            messages: args.outbox_messages,
            confirmations: args.confirmations,
        };
        if plan.seconds == 0 || plan.clients == 0 || plan.messages == 0 || plan.confirmations == 0 {
            bail!(
                "--webhook-seconds, --webhook-clients, --outbox-messages and --confirmations must be at least 1"
            );
        }
        let outcome = messaging::run(&target, &plan).await;
        target.clean_up(args.keep);
        return outcome;
    }
    if args.hot {
        db.close().await;
        let plan = hot::HotPlan {
            requests: args.hot_requests,
            connections: args.hot_connections,
            seconds: args.hot_seconds,
            doctor: args.calendar_doctor.clone(),
        };
        let outcome = hot::run(&target, &plan).await;
        target.clean_up(args.keep);
        return outcome;
    }
    if args.exports {
        db.close().await;
        let outcome = exports::run(&target, args.export_rows, args.export_patients).await;
        target.clean_up(args.keep);
        return outcome;
    }
    if args.symptoms {
        db.close().await;
        if args.symptom_checks == 0 || args.symptom_clients == 0 {
            bail!("--symptom-checks and --symptom-clients must be at least 1");
        }
        println!(
            "backend {} ({} build), {}",
            target.backend,
            build_kind(),
            target.name
        );
        let outcome = symptoms::run(&target, args.symptom_checks, args.symptom_clients).await;
        target.clean_up(args.keep);
        return outcome;
    }
    if args.trail {
        let outcome = trail::compare(&db, auth_config(), args.trail_reads).await;
        db.close().await;
        target.clean_up(args.keep);
        return outcome;
    }
    let services = Services::new(db.clone(), auth_config()).await?;
    let build = build_kind();
    println!(
        "backend {} ({build} build), {}",
        target.backend, target.name
    );
    if args.stats {
        if args.stats_doctors == 0 || args.stats_patients == 0 || args.stats_runs == 0 {
            bail!("--stats-doctors, --stats-patients and --stats-runs must be at least 1");
        }
        let plan = stats::StatsPlan {
            doctors: args.stats_doctors,
            patients: args.stats_patients,
            appointments: args.stats_appointments,
            runs: args.stats_runs,
        };
        let outcome = stats::run(&services, &plan, &mut XorShift::new(args.seed)).await;
        db.close().await;
        target.clean_up(args.keep);
        return outcome;
    }
    if args.calendar {
        let outcome = calendar::run(&services, &args.calendar_doctor, args.calendar_runs).await;
        db.close().await;
        target.clean_up(args.keep);
        return outcome;
    }

    let tz = TimeZone::get("Europe/Paris").context("loading the Europe/Paris zone")?;
    let first = Timestamp::now().to_zoned(tz.clone()).date().tomorrow()?;
    let last = first.checked_add(Span::new().days(83))?;
    let mut rng = XorShift::new(args.seed);
    let plan = Plan {
        doctors: args.doctors,
        patients: args.patients,
        appointments: args.appointments,
    };
    let data = load::load(&services, &plan, &tz, (first, last), &mut rng).await?;
    println!("loaded in {:.1} s", data.elapsed.as_secs_f64());

    println!("searching free slots… {} searches", args.searches);
    let (search, avg_free) =
        measure::search(&services, &data, (first, last), args.searches, &mut rng).await?;
    println!(
        "booking… {} contenders × {} rounds",
        args.contenders, args.rounds
    );
    let booking = measure::contend(&services, &data, first, args.contenders, args.rounds).await?;
    let violations = measure::check_invariants(&db).await?;

    println!();
    println!("backend   {} ({build} build)", target.backend);
    println!(
        "data      {} doctors, {} patients, {} appointments (loaded in {:.1} s)",
        data.doctors.len(),
        data.patients.len(),
        data.appointments,
        data.elapsed.as_secs_f64()
    );
    println!(
        "search    {} × one doctor, 12 weeks (≈{avg_free} free slots each): {}",
        args.searches,
        search.summary()
    );
    booking.print(args.contenders, args.rounds);
    db.close().await;
    target.clean_up(args.keep);
    if violations.is_empty() {
        println!("check     invariant ok");
        Ok(())
    } else {
        for violation in &violations {
            println!("check     VIOLATED: {violation}");
        }
        bail!("invariant violated")
    }
}

/// How this binary was built (figures of a debug build mean little).
fn build_kind() -> &'static str {
    if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    }
}

/// Quiet logs unless `RUST_LOG` asks otherwise: one line per booking would
/// drown the report.
fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,sqlx=error"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn auth_config() -> AuthConfig {
    AuthConfig {
        jwt_secret: b"medplat-bench-secret-not-for-production".to_vec(),
        access_ttl_secs: 300,
        refresh_ttl_secs: 86_400,
        reuse_grace_secs: 10,
        login_attempts_per_account: 10,
        login_attempts_per_address: 100,
    }
}

/// The database the run fills.
struct Target {
    url: String,
    backend: &'static str,
    /// What to show of it (never a password).
    name: String,
    /// A SQLite file of ours, to remove at the end.
    temporary: Option<PathBuf>,
}

impl Target {
    async fn prepare(url: Option<&str>) -> anyhow::Result<Self> {
        let Some(url) = url else {
            let path = std::env::temp_dir().join(format!(
                "medplat-bench-{}-{}.db",
                std::process::id(),
                Timestamp::now().as_millisecond()
            ));
            return Ok(Self {
                url: format!("sqlite://{}", path.display()),
                backend: "sqlite",
                name: format!("file {}", path.display()),
                temporary: Some(path),
            });
        };
        match Dialect::from_url(url)? {
            Dialect::Sqlite => Ok(Self {
                url: url.to_owned(),
                backend: "sqlite",
                name: format!("file {}", url.trim_start_matches("sqlite:")),
                temporary: None,
            }),
            Dialect::Postgres => {
                let name = recreate_postgres(url).await?;
                Ok(Self {
                    url: url.to_owned(),
                    backend: "postgres",
                    name: format!("database {name} (dropped and created)"),
                    temporary: None,
                })
            }
        }
    }

    fn clean_up(&self, keep: bool) {
        let Some(path) = &self.temporary else { return };
        if keep {
            println!("kept      {}", path.display());
            return;
        }
        for suffix in ["", "-wal", "-shm"] {
            let mut file = path.clone().into_os_string();
            file.push(suffix);
            match std::fs::remove_file(&file) {
                Ok(()) => {}
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => eprintln!("could not remove {}: {err}", file.to_string_lossy()),
            }
        }
    }
}

/// Drops and creates the database a PostgreSQL URL names, through the server's
/// `postgres` database. Returns its name.
async fn recreate_postgres(url: &str) -> anyhow::Result<String> {
    let (base, rest) = url.split_at(url.find("://").context("malformed URL")? + 3);
    let slash = rest
        .find('/')
        .context("the PostgreSQL URL names no database")?;
    let (authority, path) = rest.split_at(slash);
    let (name, query) = path[1..].split_at(path[1..].find('?').unwrap_or(path.len() - 1));
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        bail!("database name {name:?}: use letters, digits and underscores only");
    }
    if matches!(name, "postgres" | "template0" | "template1") {
        bail!("refusing to drop the {name} database; name a scratch database");
    }
    let admin = Db::connect(&format!("{base}{authority}/postgres{query}"), 1)
        .await
        .context("connecting to the server's postgres database")?;
    for sql in [
        format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
        format!("CREATE DATABASE \"{name}\""),
    ] {
        sqlx::raw_sql(AssertSqlSafe(sql.clone()))
            .execute(admin.pool())
            .await
            .with_context(|| sql.clone())?;
    }
    admin.close().await;
    Ok(name.to_owned())
}

/// The platform served by this process for a benchmark, on the scratch
/// database, with a data folder of its own: its state and address.
struct InProcess {
    state: crate::state::AppState,
    /// `127.0.0.1:<port>`.
    addr: std::net::SocketAddr,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    data_dir: std::path::PathBuf,
}

impl InProcess {
    /// Builds and serves the platform on `target` with the benchmark's
    /// secret, the demo data if `demo`, and `vars` on top (`what` names the
    /// data folder).
    async fn start(
        target: &Target,
        what: &str,
        demo: bool,
        vars: Vec<(&str, String)>,
    ) -> anyhow::Result<Self> {
        let data_dir =
            std::env::temp_dir().join(format!("medplat-bench-{what}-{}", std::process::id()));
        let mut all: Vec<(&str, String)> = vec![
            ("DATABASE_URL", target.url.clone()),
            ("DATA_DIR", data_dir.to_string_lossy().to_string()),
            ("JWT_SECRET", String::from_utf8(auth_config().jwt_secret)?),
            ("DEMO_DATA", demo.to_string()),
        ];
        all.extend(vars);
        let settings = crate::config::Settings::from_lookup(|k| {
            all.iter()
                .rev()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.clone())
        })?;
        let state = crate::build_state(settings).await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let server = tokio::spawn(crate::serve(
            listener,
            crate::router(state.clone()),
            std::future::pending(),
        ));
        Ok(Self {
            state,
            addr,
            server,
            data_dir,
        })
    }

    /// Stops serving and removes the data folder.
    fn stop(self) {
        self.server.abort();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}
