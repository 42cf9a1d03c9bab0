//! A local Twilio for tests and benchmarks: an HTTP server that answers
//! like Twilio's REST API (`POST /2010-04-01/Accounts/{sid}/Messages.json`),
//! records what it is asked to send, fails on demand, and — like a provider
//! honouring an idempotency key — delivers each key once however often it is
//! sent. Never part of a running platform.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

pub const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
pub const TOKEN: &str = "twilio-test-auth-token";
pub const SMS_FROM: &str = "+33757000000";
pub const CLINIC_NUMBER: &str = "+33757000000";
pub const ASSISTANT_NUMBER: &str = "+33757000001";

/// One message Twilio was asked to send.
#[derive(Debug, Clone)]
pub struct Sent {
    pub to: String,
    pub from: String,
    pub body: String,
    pub key: String,
}

fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[derive(Default)]
struct Inner {
    requests: Mutex<Vec<Sent>>,
    delivered: Mutex<Vec<Sent>>,
    keys: Mutex<HashSet<String>>,
    /// Requests to answer 503 before answering normally.
    fail_next: AtomicUsize,
    /// Record the request, then never answer (the sender is to be killed).
    hang: AtomicUsize,
}

/// The local Twilio.
#[derive(Clone)]
pub struct Twilio {
    pub base: String,
    inner: Arc<Inner>,
}

async fn create(
    State(inner): State<Arc<Inner>>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let authorised = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            use base64::Engine;
            v == format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{ACCOUNT}:{TOKEN}"))
            )
        });
    if account.trim_end_matches(".json") != ACCOUNT || !authorised {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(
                serde_json::json!({"code": 20003, "message": "Authenticate", "status": 401}),
            ),
        )
            .into_response();
    }
    let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let sent = Sent {
        to: field("To"),
        from: field("From"),
        body: field("Body"),
        key: headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
    };
    locked(&inner.requests).push(sent.clone());
    if inner
        .fail_next
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(
                serde_json::json!({"code": 20500, "message": "Service unavailable", "status": 503}),
            ),
        )
            .into_response();
    }
    let new = locked(&inner.keys).insert(sent.key.clone());
    if new {
        locked(&inner.delivered).push(sent.clone());
    }
    if inner
        .hang
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        std::future::pending::<()>().await;
    }
    let sid = format!("SM{:032x}", fnv(&sent.key));
    (
        StatusCode::CREATED,
        axum::Json(serde_json::json!({"sid": sid, "status": "queued", "to": sent.to})),
    )
        .into_response()
}

fn fnv(text: &str) -> u128 {
    text.bytes()
        .fold(0x6c62272e07bb014262b821756295c58d_u128, |h, b| {
            (h ^ u128::from(b)).wrapping_mul(0x0000000001000000000000000000013B)
        })
}

impl Twilio {
    /// Starts the stand-in on a free port.
    pub async fn start() -> std::io::Result<Self> {
        let inner = Arc::new(Inner::default());
        let app = Router::new()
            .route("/2010-04-01/Accounts/{account}/Messages.json", post(create))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(Self { base, inner })
    }

    /// The settings that point a platform at this stand-in.
    pub fn settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("TWILIO_ACCOUNT_SID", ACCOUNT.to_owned()),
            ("TWILIO_AUTH_TOKEN", TOKEN.to_owned()),
            ("TWILIO_API_BASE", self.base.clone()),
            ("TWILIO_SMS_FROM", SMS_FROM.to_owned()),
            ("TWILIO_WHATSAPP_FROM", CLINIC_NUMBER.to_owned()),
            ("TWILIO_ASSISTANT_NUMBER", ASSISTANT_NUMBER.to_owned()),
            ("PUBLIC_BASE_URL", "https://clinic.example".to_owned()),
            ("JOBS_RETRY_AFTER", "200ms".to_owned()),
            ("JOBS_POLL", "100ms".to_owned()),
            ("JOBS_LEASE", "3s".to_owned()),
        ]
    }

    /// Answers the next `n` requests with 503.
    pub fn fail_next(&self, n: usize) {
        self.inner.fail_next.store(n, Ordering::SeqCst);
    }

    /// Records the next request, then never answers it.
    pub fn hang_next(&self) {
        self.inner.hang.store(1, Ordering::SeqCst);
    }

    /// Every request, failed ones included.
    pub fn requests(&self) -> Vec<Sent> {
        locked(&self.inner.requests).clone()
    }

    /// What reached phones: one per idempotency key.
    pub fn delivered(&self) -> Vec<Sent> {
        locked(&self.inner.delivered).clone()
    }

    /// Waits until `n` messages were delivered (at most `patience`); what
    /// was delivered, or `None` if too few were.
    pub async fn wait_delivered(&self, n: usize, patience: Duration) -> Option<Vec<Sent>> {
        let until = tokio::time::Instant::now() + patience;
        loop {
            let delivered = self.delivered();
            if delivered.len() >= n {
                return Some(delivered);
            }
            if tokio::time::Instant::now() >= until {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
