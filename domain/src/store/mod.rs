//! Storage: one sqlx `Any` pool over SQLite (the embedded default) or PostgreSQL.
//!
//! Queries are written once in portable SQL (`$1` placeholders, `RETURNING`); what
//! differs by dialect — connection set-up, migrations, how a write transaction
//! starts, how a unique violation reads — lives in this file only.

pub mod activity;
pub mod alerts;
pub mod appointments;
pub mod availability;
pub mod backup;
pub mod care;
pub mod chat;
pub mod consultations;
pub mod devices;
pub mod doctors;
pub mod export_rows;
pub mod exports;
pub mod feeds;
pub mod jobs;
pub mod messaging;
pub mod notifications;
pub mod openings;
pub mod password_resets;
pub mod past;
pub mod profiles;
pub mod readings;
pub mod recipients;
pub mod sessions;
pub mod settings;
pub mod sockets;
pub mod specialties;
pub mod stats;
pub mod symptoms;
pub mod trail;
pub mod treatments;
pub mod users;
pub mod waitlist;
pub mod wards;
pub mod webhooks;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

use crate::error::DomainError;

/// The two supported databases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// Reads the dialect off a connection URL.
    pub fn from_url(url: &str) -> Result<Self, DomainError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Self::Postgres)
        } else {
            Err(DomainError::internal(
                "DATABASE_URL must start with sqlite: or postgres:",
            ))
        }
    }
}

/// A connection pool and the dialect it speaks.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    dialect: Dialect,
    /// SQLite has one writer at a time: writers of this process queue here
    /// (in order, without polling) rather than in SQLite's busy handler.
    writers: Arc<tokio::sync::Mutex<()>>,
}

/// A write transaction; on SQLite it also holds this process's writer turn
/// until it commits or is dropped (rolled back).
pub struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTx {
    /// Commits, then lets the next writer in.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::Transaction<'static, sqlx::Any>;

    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

impl Db {
    /// Connects to `url`. A SQLite file is created if missing and opened in WAL mode
    /// with foreign keys on.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, DomainError> {
        sqlx::any::install_default_drivers();
        let dialect = Dialect::from_url(url)?;
        let url = match dialect {
            Dialect::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url).map_err(DomainError::internal)?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            // A SQLite connection is a file this process holds open: it cannot
            // drop out from under a pool, and checking it before every use is
            // a round trip to its worker thread for each read. A PostgreSQL
            // connection can (the server restarted), so it is checked.
            .test_before_acquire(dialect == Dialect::Postgres)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if dialect == Dialect::Sqlite {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(DomainError::internal)?;
        Ok(Self {
            pool,
            dialect,
            writers: Arc::new(tokio::sync::Mutex::new(())),
        })
    }

    /// Applies the pending migrations of this dialect.
    pub async fn migrate(&self) -> Result<(), DomainError> {
        let migrator = match self.dialect {
            Dialect::Sqlite => &SQLITE_MIGRATIONS,
            Dialect::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&self.pool)
            .await
            .map_err(DomainError::internal)
    }

    /// The pool, for reads and single statements.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The dialect of this database.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Starts a transaction that will write. On SQLite, writers of this process
    /// take turns first, then take the database's write lock at once (`BEGIN
    /// IMMEDIATE`) so that no transaction fails on upgrading a read lock.
    pub async fn begin_write(&self) -> Result<WriteTx, DomainError> {
        let (begin, turn) = match self.dialect {
            Dialect::Sqlite => (
                "BEGIN IMMEDIATE",
                Some(self.writers.clone().lock_owned().await),
            ),
            Dialect::Postgres => ("BEGIN", None),
        };
        let tx = self
            .pool
            .begin_with(begin)
            .await
            .map_err(DomainError::internal)?;
        Ok(WriteTx { tx, _turn: turn })
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), DomainError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(drop)
            .map_err(DomainError::internal)
    }

    /// Closes every connection (graceful shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Any sqlx error is ours, except a unique violation, which the caller turns into
/// a conflict on the field the violated index names.
pub(crate) fn db_error(err: sqlx::Error) -> DomainError {
    DomainError::internal(err)
}

/// If `err` is a unique violation, the name of the column it is about, as it
/// appears in the index name (`users_email_key`) or SQLite's message
/// (`UNIQUE constraint failed: users.email`).
pub(crate) fn unique_violation_on(
    err: &sqlx::Error,
    columns: &[&'static str],
) -> Option<&'static str> {
    let db_err = err.as_database_error()?;
    if !matches!(db_err.kind(), sqlx::error::ErrorKind::UniqueViolation) {
        return None;
    }
    let text = format!(
        "{} {}",
        db_err.message(),
        db_err.constraint().unwrap_or_default()
    );
    columns.iter().copied().find(|column| {
        text.contains(&format!("_{column}_key")) || text.contains(&format!(".{column}"))
    })
}

/// What a query that claims rows for work adds after its `LIMIT`: on
/// PostgreSQL, rows another worker holds are skipped rather than waited for;
/// SQLite has one writer at a time, so nothing needs adding.
pub(crate) fn skip_locked(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
        Dialect::Sqlite => "",
    }
}

/// Now, in Unix milliseconds.
pub(crate) fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// Unix milliseconds as RFC 3339 UTC.
pub(crate) fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}
