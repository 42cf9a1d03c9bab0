//! Starts the real server on port 0 with a fresh SQLite database per test.
#![allow(dead_code)]

pub mod exports;
pub mod iot;
pub mod medical;
pub mod records;
pub mod twilio;

use std::collections::HashMap;

use domain::accounts::{Role, SignUpForm};
use serde_json::{Value, json};
use server::state::AppState;

/// Signing key of test servers (tests forge tokens with it).
pub const SECRET: &str = "test-secret-0123456789abcdef0123456789";
/// Password of accounts made by the helpers.
pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub state: AppState,
    pub data_dir: std::path::PathBuf,
}

/// A server with default settings.
pub async fn spawn_app() -> TestApp {
    spawn_with(&[]).await
}

/// A server with some settings overridden.
pub async fn spawn_with(overrides: &[(&str, &str)]) -> TestApp {
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).unwrap();
    let id: String = random.iter().map(|b| format!("{b:02x}")).collect();
    let data_dir = std::env::temp_dir().join(format!("medplat-test-{id}"));
    let mut vars: HashMap<String, String> = [
        ("DATA_DIR", data_dir.to_string_lossy().to_string()),
        ("JWT_SECRET", SECRET.to_owned()),
        ("DEMO_DATA", "false".to_owned()),
        ("REFRESH_REUSE_GRACE_SECONDS", "0".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    // The server's links (FHIR bundles, export manifests) point at itself
    // unless a test says otherwise.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    vars.insert("PUBLIC_BASE_URL".to_owned(), format!("http://{addr}"));
    for (k, v) in overrides {
        vars.insert((*k).to_owned(), (*v).to_owned());
    }
    let settings = server::config::Settings::from_lookup(|k| vars.get(k).cloned()).unwrap();
    let state = server::build_state(settings).await.unwrap();
    tokio::spawn(server::serve(
        listener,
        server::router(state.clone()),
        std::future::pending(),
    ));
    // A response that never ends fails its test instead of the whole run
    // waiting for it (nothing here takes a tenth of that).
    let client = domain::http::client_builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(120))
        .build()
        .unwrap();
    TestApp {
        base: format!("http://{addr}"),
        client,
        state,
        data_dir,
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post(&self, path: &str, body: Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_auth(&self, path: &str, token: &str, body: Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get_auth(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    /// Creates an account of any role directly through the services.
    pub async fn create_user(&self, role: Role, username: &str) -> i64 {
        let form = SignUpForm {
            username: username.into(),
            email: format!("{username}@example.org"),
            password: PASSWORD.into(),
            first_name: "Test".into(),
            last_name: username.into(),
        };
        self.state
            .services
            .accounts
            .create_unchecked(role, &form, None)
            .await
            .unwrap()
            .id
    }

    /// Signs in over the API; returns (access, refresh).
    pub async fn login(&self, username: &str) -> (String, String) {
        let response = self
            .post(
                "/api/token/",
                json!({"username": username, "password": PASSWORD}),
            )
            .await;
        assert_eq!(response.status(), 200, "login of {username}");
        let body: Value = response.json().await.unwrap();
        (
            body["access"].as_str().unwrap().to_owned(),
            body["refresh"].as_str().unwrap().to_owned(),
        )
    }

    /// Creates an account and signs it in; returns (id, access, refresh).
    pub async fn user_with_tokens(&self, role: Role, username: &str) -> (i64, String, String) {
        let id = self.create_user(role, username).await;
        let (access, refresh) = self.login(username).await;
        (id, access, refresh)
    }
}

/// Two servers sharing a fresh PostgreSQL database and Redis (on channels
/// of their own, named after `tag`), as two instances behind a load
/// balancer; returns them and the database's URL (to drop at the end).
pub async fn two_instances(tag: &str) -> (TestApp, TestApp, String) {
    let redis = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let database = fresh_postgres_url().await;
    let prefix = format!("medplat-{tag}-test-{}", std::process::id());
    let settings = [
        ("DATABASE_URL", database.as_str()),
        ("REDIS_URL", redis.as_str()),
        ("REDIS_CHANNEL_PREFIX", prefix.as_str()),
    ];
    let one = spawn_with(&settings).await;
    let two = spawn_with(&settings).await;
    (one, two, database)
}

/// Status and JSON body of a response.
pub async fn parts(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

/// A fresh PostgreSQL database at `TEST_POSTGRES_URL`'s server; returns its URL.
pub async fn fresh_postgres_url() -> String {
    let admin = std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let mut random = [0u8; 6];
    getrandom::fill(&mut random).unwrap();
    let name = format!(
        "medplat_it_{}",
        random
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let db = domain::store::Db::connect(&admin, 1)
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
    format!("{base}/{name}")
}

/// Drops a database made by [`fresh_postgres_url`].
pub async fn drop_postgres(url: &str) {
    let admin = std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = url.rsplit('/').next().unwrap_or_default().to_owned();
    let db = domain::store::Db::connect(&admin, 1).await.unwrap();
    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(db.pool())
    .await;
    db.close().await;
}

/// A port nobody listens on now (for a server started as a process).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// This build's binary started as a server on `port` with `DATA_DIR` and the
/// demo data (the demo logins work), quiet, with `settings` on top.
pub fn start_binary(
    data_dir: &std::path::Path,
    port: u16,
    settings: &[(&str, &str)],
) -> std::process::Child {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_medplat"));
    command
        .arg("serve")
        .env("DATA_DIR", data_dir)
        .env("PORT", port.to_string())
        .env("DEMO_DATA", "true")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    for (key, value) in settings {
        command.env(key, value);
    }
    command.spawn().unwrap()
}

/// Signs in at the server at `base`; the access token.
pub async fn access_token(
    client: &reqwest::Client,
    base: &str,
    username: &str,
    password: &str,
) -> String {
    let token: serde_json::Value = client
        .post(format!("{base}/api/token/"))
        .json(&serde_json::json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    token["access"]
        .as_str()
        .unwrap_or_else(|| panic!("{token}"))
        .to_owned()
}

/// Waits until the server at `base` answers `/health` (at most 30 s).
pub async fn wait_ready(client: &reqwest::Client, base: &str) {
    for _ in 0..300 {
        if client
            .get(format!("{base}/health"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the server did not start");
}
