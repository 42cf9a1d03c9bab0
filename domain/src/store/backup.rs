//! Backups of a SQLite platform, taken while it serves, and their restore.
//!
//! A backup is `VACUUM INTO` a new file: one read transaction, so the copy is
//! the database as of one instant, whatever is written meanwhile (WAL mode
//! lets writers go on). A restore checks the file (SQLite's integrity check
//! and the platform's migrations table), copies it beside the target and
//! renames it into place, so a failed restore leaves the target as it was.
//! PostgreSQL has its own tools (`pg_dump`, `pg_restore`; see README).

use std::path::{Path, PathBuf};

use sqlx::any::AnyConnectOptions;
use sqlx::{ConnectOptions, Connection, Row};

use super::{Db, Dialect, db_error};
use crate::error::{DomainError, DomainResult};

/// Rows per table of a database, by table name.
pub type Counts = Vec<(String, i64)>;

fn io(what: &str, path: &Path, err: std::io::Error) -> DomainError {
    DomainError::internal(format!("{what} {}: {err}", path.display()))
}

/// The file behind a `sqlite://` address.
pub fn sqlite_file(url: &str) -> DomainResult<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| {
            DomainError::invalid(
                "database_url",
                "not_sqlite",
                "backups and restores are for SQLite; PostgreSQL uses pg_dump and pg_restore",
            )
        })?;
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Err(DomainError::invalid(
            "database_url",
            "not_a_file",
            "the database is not a file",
        ));
    }
    Ok(PathBuf::from(path))
}

/// Copies the live database into `to` (which must not exist), as of one
/// instant; returns the copy's rows per table.
pub async fn backup(db: &Db, to: &Path) -> DomainResult<Counts> {
    if db.dialect() != Dialect::Sqlite {
        return Err(DomainError::invalid(
            "database_url",
            "not_sqlite",
            "backups are for SQLite; PostgreSQL uses pg_dump (see README)",
        ));
    }
    if to.exists() {
        return Err(DomainError::invalid(
            "to",
            "exists",
            format!("{} exists: choose a new file", to.display()),
        ));
    }
    let target = to
        .to_str()
        .ok_or_else(|| DomainError::invalid("to", "invalid", "the path is not UTF-8"))?;
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(db.pool())
        .await
        .map_err(db_error)?;
    inspect(to).await
}

/// Checks the SQLite file at `path` and counts its rows per table: an error
/// if SQLite finds it damaged or it is not a platform's database.
pub async fn inspect(path: &Path) -> DomainResult<Counts> {
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}?mode=ro", path.display());
    let options: AnyConnectOptions = url.parse().map_err(DomainError::internal)?;
    let mut conn = options.connect().await.map_err(|err| {
        DomainError::invalid(
            "from",
            "unreadable",
            format!(
                "{} is not a readable SQLite database: {err}",
                path.display()
            ),
        )
    })?;
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .map_err(|err| {
            DomainError::invalid("from", "damaged", format!("{}: {err}", path.display()))
        })?;
    if check != "ok" {
        return Err(DomainError::invalid(
            "from",
            "damaged",
            format!("{} is damaged: {check}", path.display()),
        ));
    }
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await
    .map_err(db_error)?;
    if !tables.iter().any(|t| t == "_sqlx_migrations") {
        return Err(DomainError::invalid(
            "from",
            "not_a_platform",
            format!("{} is not a MedPlat database", path.display()),
        ));
    }
    let mut counts = Vec::with_capacity(tables.len());
    for table in tables {
        // Names come from the database's own catalogue, quoted.
        let sql = format!(
            "SELECT COUNT(*) AS n FROM \"{}\"",
            table.replace('"', "\"\"")
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_one(&mut conn)
            .await
            .map_err(db_error)?;
        counts.push((table, row.try_get::<i64, _>("n").map_err(db_error)?));
    }
    conn.close().await.map_err(db_error)?;
    Ok(counts)
}

/// Puts the backup `from` in place of the SQLite database at `url`. A
/// database already there is replaced only with `replace` (the server must
/// be stopped). Returns the restored rows per table.
pub async fn restore(from: &Path, url: &str, replace: bool) -> DomainResult<Counts> {
    let target = sqlite_file(url)?;
    let counts = inspect(from).await?;
    if target.exists() && !replace {
        return Err(DomainError::invalid(
            "to",
            "exists",
            format!(
                "{} exists: stop the server and restore with --replace to overwrite it",
                target.display()
            ),
        ));
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io("creating", dir, e))?;
    }
    let staged = target.with_extension("restoring");
    std::fs::copy(from, &staged).map_err(|e| io("copying to", &staged, e))?;
    std::fs::File::open(&staged)
        .and_then(|f| f.sync_all())
        .map_err(|e| io("syncing", &staged, e))?;
    // The old database's write-ahead log must not be replayed onto the new one.
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", target.display()));
        if side.exists() {
            std::fs::remove_file(&side).map_err(|e| io("removing", &side, e))?;
        }
    }
    std::fs::rename(&staged, &target).map_err(|e| io("moving into place", &target, e))?;
    Ok(counts)
}
