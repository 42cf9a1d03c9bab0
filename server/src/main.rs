//! `medplat`: the platform's command line. `medplat` (or `medplat serve`) starts
//! the server; other commands prepare the database or benchmark it.

use anyhow::Context;
use clap::{Parser, Subcommand};
use domain::accounts::{Role, SignUpForm};
use server::config::Settings;

#[derive(Parser)]
#[command(
    name = "medplat",
    version,
    about = "Medical platform: portals, REST API and tools"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Start the server (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Create an administrator account; the password is read from ADMIN_PASSWORD.
    CreateAdmin {
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        first_name: String,
        #[arg(long)]
        last_name: String,
    },
    /// Load a large data set into a scratch database, then time free-slot
    /// searches and concurrent bookings (see README, Benchmark).
    Bench(server::bench::BenchArgs),
    /// Devices sending vitals to a running platform like seed 001's ESP32
    /// (scenarios: stable, deteriorating, flapping, silent), with progress
    /// and a summary. The password of --login comes from SIMULATE_PASSWORD
    /// (the demo administrator's by default).
    Simulate(server::simulate::SimulateArgs),
    /// Drive a running platform for some minutes (booking, 5,000 readings/s,
    /// 10,000 device sockets) and print its memory, latency p99 and errors
    /// each minute (see README, Operations).
    Soak(server::bench::soak::SoakArgs),
    /// The symptom checker's models: train from a CSV, list, activate; tune
    /// the forest's settings and compare them on fixed folds.
    Model {
        #[command(subcommand)]
        action: server::model::ModelCommand,
    },
    /// Copy the SQLite database, while the platform serves, into a new file
    /// (one consistent instant). PostgreSQL: use pg_dump (see README).
    Backup {
        /// The backup file to create.
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Put a backup in place of the SQLite database (the server stopped).
    Restore {
        /// The backup file.
        #[arg(long)]
        from: std::path::PathBuf,
        /// Overwrite the database if one is there.
        #[arg(long)]
        replace: bool,
    },
    /// The access trail.
    Audit {
        #[command(subcommand)]
        action: AuditCommand,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the whole hash chain of the configured database and report every
    /// entry changed, removed or reordered (exit status 1 if any).
    Verify,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let command = match cli.command {
        // Needs no settings: it never touches the configured database.
        Some(Command::Bench(args)) => return server::bench::run(args).await,
        Some(Command::Simulate(args)) => return server::simulate::run(args).await,
        Some(Command::Soak(args)) => return server::bench::soak::run(args).await,
        Some(Command::Model { action }) => match action.run_offline()? {
            None => return Ok(()),
            Some(action) => Command::Model { action },
        },
        command => command.unwrap_or(Command::Serve),
    };
    let settings = Settings::from_env()?;
    server::telemetry::init(settings.log_format);
    match command {
        Command::Serve => serve(settings).await,
        Command::Migrate => {
            server::build_state(settings).await?;
            println!("Database is up to date.");
            Ok(())
        }
        Command::CreateAdmin {
            username,
            email,
            first_name,
            last_name,
        } => {
            let password = std::env::var("ADMIN_PASSWORD")
                .context("set ADMIN_PASSWORD to the new password")?;
            let state = server::build_state(settings).await?;
            let form = SignUpForm {
                username,
                email,
                password,
                first_name,
                last_name,
            };
            let user = state
                .services
                .accounts
                .create_unchecked(Role::Admin, &form, None)
                .await?;
            println!("Administrator {} created (id {}).", user.username, user.id);
            Ok(())
        }
        Command::Bench(args) => server::bench::run(args).await,
        Command::Simulate(args) => server::simulate::run(args).await,
        Command::Soak(args) => server::bench::soak::run(args).await,
        Command::Model { action } => server::model::run(settings, action).await,
        Command::Audit {
            action: AuditCommand::Verify,
        } => verify_trail(settings).await,
        Command::Backup { to } => backup(settings, &to).await,
        Command::Restore { from, replace } => restore(settings, &from, replace).await,
    }
}

fn print_counts(counts: &[(String, i64)]) {
    let rows: i64 = counts.iter().map(|(_, n)| n).sum();
    println!("{} tables, {rows} rows:", counts.len());
    for (table, n) in counts.iter().filter(|(_, n)| *n > 0) {
        println!("  {table:<28} {n:>10}");
    }
}

async fn backup(settings: Settings, to: &std::path::Path) -> anyhow::Result<()> {
    use domain::store::backup;
    let file = backup::sqlite_file(&settings.database_url)?;
    anyhow::ensure!(file.exists(), "no database at {}", file.display());
    let started = std::time::Instant::now();
    eprintln!("Backing up {} to {}…", file.display(), to.display());
    let db = domain::store::Db::connect(&settings.database_url, 1).await?;
    let counts = backup::backup(&db, to).await?;
    db.close().await;
    let size = std::fs::metadata(to)?.len();
    println!(
        "Backup written to {} ({:.1} MB) in {:.2} s; checked by SQLite.",
        to.display(),
        size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    print_counts(&counts);
    Ok(())
}

async fn restore(settings: Settings, from: &std::path::Path, replace: bool) -> anyhow::Result<()> {
    use domain::store::backup;
    eprintln!("Checking {}…", from.display());
    let counts = backup::restore(from, &settings.database_url, replace).await?;
    let file = backup::sqlite_file(&settings.database_url)?;
    // Migrations bring a backup from an older version up to date.
    let db = domain::store::Db::connect(&settings.database_url, 1).await?;
    db.migrate().await?;
    db.close().await;
    println!("Restored {} into {}.", from.display(), file.display());
    print_counts(&counts);
    Ok(())
}

async fn verify_trail(settings: Settings) -> anyhow::Result<()> {
    let state = server::build_state(settings).await?;
    let started = std::time::Instant::now();
    let report = state
        .services
        .trail
        .verify(|checked, head| {
            eprint!("\rchecking the access trail… {checked}/{head} entries");
        })
        .await?;
    eprintln!();
    state.services.db().close().await;
    if report.problems.is_empty() {
        println!(
            "The access trail is intact: {} entries checked in {:.2} s, chain head at {}.",
            report.checked,
            started.elapsed().as_secs_f64(),
            report.head
        );
        return Ok(());
    }
    println!(
        "The access trail was tampered with ({} entries checked, chain head at {}):",
        report.checked, report.head
    );
    for problem in &report.problems {
        println!("  - {problem}");
    }
    std::process::exit(1);
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    tracing::debug!(?settings, "settings");
    let demo = settings.demo_data;
    let state = server::build_state(settings).await?;
    if demo && domain::demo::load_if_empty(&state.services).await? {
        tracing::info!("demo data loaded");
    }
    let listener = tokio::net::TcpListener::bind(state.settings.addr)
        .await
        .with_context(|| format!("binding {}", state.settings.addr))?;
    let addr = listener.local_addr()?;
    print_banner(addr, demo);
    let services = state.services.clone();
    // The symptom checker's model ready before the first check (built from
    // the knowledge base on a platform's first start).
    let symptoms = services.symptoms.clone();
    tokio::spawn(async move {
        match symptoms.ensure_model().await {
            Ok(version) => tracing::info!(%version, "symptom model ready"),
            Err(err) => tracing::warn!(error = %err, "symptom model not ready"),
        }
    });
    let housekeeping = server::spawn_housekeeping(services.clone(), &state.settings);
    let worker = server::spawn_worker(services.clone(), &state.settings);
    server::serve(listener, server::router(state), server::shutdown_signal()).await?;
    housekeeping.abort();
    worker.abort();
    services.db().close().await;
    Ok(())
}

fn print_banner(addr: std::net::SocketAddr, demo: bool) {
    println!();
    println!("  MedPlat is running at http://{addr}/");
    println!("  API documentation:   http://{addr}/api/docs/");
    if demo {
        println!();
        println!("  Demo accounts (DEMO_DATA=false to disable):");
        for login in domain::demo::logins() {
            println!(
                "    {:<8} {:<12} {:<18} {}",
                login.role.as_str(),
                login.username,
                login.password,
                login.name
            );
        }
    }
    println!();
}
