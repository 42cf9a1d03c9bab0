//! A fresh database per test, on SQLite or PostgreSQL, with the services on it.
#![allow(dead_code)]

pub mod fixtures;

use domain::accounts::{Role, SignUpForm};
use domain::auth::{AuthConfig, Principal};
use domain::services::Services;
use domain::store::Db;

/// The fixed "now" of the scheduling scenarios: Monday 2030-01-07, midnight UTC.
pub fn now() -> jiff::Timestamp {
    "2030-01-07T00:00:00Z".parse().unwrap()
}

/// The code of an expected refusal.
pub fn code<T: std::fmt::Debug>(result: Result<T, domain::DomainError>) -> &'static str {
    match result {
        Ok(value) => panic!("expected a refusal, got {value:?}"),
        Err(err) => err.code(),
    }
}

/// Password of the accounts the helpers create.
pub const PASSWORD: &str = "correct horse battery staple";

pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct Fresh {
    pub services: Services,
    cleanup: Option<(String, String)>,
    dir: Option<std::path::PathBuf>,
}

fn random_suffix() -> String {
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes).unwrap();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub async fn fresh(backend: Backend) -> Fresh {
    let suffix = random_suffix();
    let (url, cleanup, dir) = match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("medplat-contract-{suffix}"));
            std::fs::create_dir_all(&dir).unwrap();
            (
                format!("sqlite://{}", dir.join("test.db").display()),
                None,
                Some(dir),
            )
        }
        Backend::Postgres => {
            let admin = std::env::var("TEST_POSTGRES_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
            let name = format!("medplat_contract_{suffix}");
            let db = Db::connect(&admin, 1)
                .await
                .expect("PostgreSQL at TEST_POSTGRES_URL");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(db.pool())
                .await
                .unwrap();
            db.close().await;
            let base = admin
                .rsplit_once('/')
                .map_or(admin.as_str(), |(base, _)| base)
                .to_owned();
            (format!("{base}/{name}"), Some((admin, name)), None)
        }
    };
    let db = Db::connect(&url, 5).await.unwrap();
    db.migrate().await.unwrap();
    let config = AuthConfig {
        jwt_secret: b"contract-secret-contract-secret!".to_vec(),
        access_ttl_secs: 300,
        refresh_ttl_secs: 86_400,
        reuse_grace_secs: 0,
        login_attempts_per_account: 1000,
        login_attempts_per_address: 1000,
    };
    let services = Services::new(db, config).await.unwrap();
    domain::demo::ensure_specialties(&services).await.unwrap();
    Fresh {
        services,
        cleanup,
        dir,
    }
}

impl Fresh {
    pub async fn teardown(self) {
        self.services.db().close().await;
        if let Some((admin, name)) = self.cleanup {
            let db = Db::connect(&admin, 1).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(db.pool())
            .await
            .unwrap();
            db.close().await;
        }
        if let Some(dir) = self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Creates an account of `role` and returns it signed in.
pub async fn principal(s: &Services, role: Role, username: &str) -> Principal {
    let form = SignUpForm {
        username: username.into(),
        email: format!("{username}@example.org"),
        password: PASSWORD.into(),
        first_name: "First".into(),
        last_name: "Last".into(),
    };
    s.accounts
        .create_unchecked(role, &form, None)
        .await
        .unwrap();
    let signed_in = s.auth.login(username, PASSWORD, None).await.unwrap();
    s.auth.authenticate(&signed_in.tokens.access).await.unwrap()
}

/// Runs each scenario (an `async fn(&Services)`) on a fresh SQLite and a fresh
/// PostgreSQL database.
macro_rules! contract {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $scenario() {
                let db = $crate::support::fresh($crate::support::Backend::Sqlite).await;
                super::$scenario(&db.services).await;
                db.teardown().await;
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $scenario() {
                let db = $crate::support::fresh($crate::support::Backend::Postgres).await;
                super::$scenario(&db.services).await;
                db.teardown().await;
            })*
        }
    };
}
pub(crate) use contract;
