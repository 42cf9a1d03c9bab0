//! Logs: `tracing` to standard error, as text or JSON lines. Spans carry ids and
//! routes, never names, readings, messages, passwords or tokens.

use axum::extract::MatchedPath;
use axum::http::Request;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// The header carrying each request's id (kept when a proxy sets it, made
/// here otherwise, and echoed on the response).
pub const REQUEST_ID: &str = "x-request-id";

/// Makes request ids: 16 random hexadecimal digits.
#[derive(Clone, Copy, Default)]
pub struct RandomRequestId;

impl tower_http::request_id::MakeRequestId for RandomRequestId {
    fn make_request_id<B>(
        &mut self,
        _request: &Request<B>,
    ) -> Option<tower_http::request_id::RequestId> {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).ok()?;
        let text: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        axum::http::HeaderValue::from_str(&text)
            .ok()
            .map(tower_http::request_id::RequestId::new)
    }
}

/// Installs the global subscriber (`RUST_LOG` filters, default `info`).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// Request spans named by route template (`/api/v1/users/{id}/`), not by the raw
/// URI, so that no identifier or query string reaches the logs.
pub fn http_trace_layer() -> TraceLayer<
    tower_http::classify::SharedClassifier<tower_http::classify::ServerErrorsAsFailures>,
    impl Fn(&Request<axum::body::Body>) -> tracing::Span + Clone,
    tower_http::trace::DefaultOnRequest,
    DefaultOnResponse,
> {
    TraceLayer::new_for_http()
        .make_span_with(|req: &Request<axum::body::Body>| {
            let route = req
                .extensions()
                .get::<MatchedPath>()
                .map_or("(unmatched)", MatchedPath::as_str);
            let id = req
                .headers()
                .get(REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            tracing::info_span!("request", method = %req.method(), route = route, request_id = id)
        })
        .on_response(DefaultOnResponse::new().level(Level::INFO))
}
