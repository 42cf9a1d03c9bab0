//! The run itself: checks the options, prepares the database, hands over to
//! the measurement the flags choose, or else loads the data set, times
//! free-slot searches and contended bookings, and checks the invariant.

use anyhow::{Context, bail};
use domain::services::Services;
use domain::store::{Db, Dialect};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

use super::BenchArgs;
use super::load::{self, Plan, XorShift};
use super::support::{auth_config, build_kind, init_logs};
use super::target::Target;
use super::{
    assistant, calendar, chat, exports, hot, measure, messaging, stats, symptoms, trail, vitals,
};

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
