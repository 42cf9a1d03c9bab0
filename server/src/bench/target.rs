//! The database a run fills: a new temporary SQLite file, a given SQLite
//! file, or a PostgreSQL database dropped and created again.

use std::path::PathBuf;

use anyhow::{Context, bail};
use domain::store::{Db, Dialect};
use jiff::Timestamp;
use sqlx::AssertSqlSafe;

/// The database the run fills.
pub(super) struct Target {
    pub(super) url: String,
    pub(super) backend: &'static str,
    /// What to show of it (never a password).
    pub(super) name: String,
    /// A SQLite file of ours, to remove at the end.
    temporary: Option<PathBuf>,
}

impl Target {
    pub(super) async fn prepare(url: Option<&str>) -> anyhow::Result<Self> {
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

    pub(super) fn clean_up(&self, keep: bool) {
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
