//! Headers every response carries: a Content-Security-Policy (pages allow only
//! their own scripts, the WebAssembly and the inline hydration scripts marked
//! with this response's nonce), `nosniff`, a referrer policy, no framing, and
//! HSTS when the site runs behind HTTPS (`COOKIE_SECURE`). Also the on-the-fly
//! compression of pages and API answers.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::compression::CompressionLayer;

use crate::state::AppState;

/// The random value that marks this response's inline scripts as ours. The
/// browser door hands it to Leptos, which writes it on the scripts it inlines.
#[derive(Clone, Debug)]
pub struct CspNonce(pub Arc<str>);

impl CspNonce {
    /// 128 random bits, hex-encoded (hex digits are valid base64 characters,
    /// which is what the CSP grammar asks of a nonce).
    pub fn generate() -> Self {
        let mut bytes = [0u8; 16];
        if getrandom::fill(&mut bytes).is_err() {
            // No randomness: a nonce nobody can predict cannot be made, so the
            // page policy then allows no inline script (hydration fails closed).
            return Self(Arc::from(""));
        }
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Self(Arc::from(hex))
    }
}

/// Swagger UI lives here; it styles itself inline.
const DOCS_PREFIX: &str = "/api/docs";

/// Directives shared by every HTML policy.
const PAGE_COMMON: &str = "default-src 'self'; img-src 'self' data:; font-src 'self'; \
     connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// The policy of anything that is not a page (JSON, WASM, scripts, images).
const NON_PAGE_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// How long browsers keep to HTTPS once they have seen it (one year).
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// The policy of a portal page: scripts from this origin or carrying the
/// nonce, WebAssembly compilation, styles from this origin only.
pub fn page_policy(nonce: &str) -> String {
    let inline = if nonce.is_empty() {
        String::new()
    } else {
        format!(" 'nonce-{nonce}'")
    };
    format!("{PAGE_COMMON}; script-src 'self'{inline} 'wasm-unsafe-eval'; style-src 'self'")
}

/// The policy of Swagger UI: its own scripts (no inline script), inline styles.
pub fn docs_policy() -> String {
    format!("{PAGE_COMMON}; script-src 'self'; style-src 'self' 'unsafe-inline'")
}

/// Middleware: gives the request a nonce, then sets the security headers on
/// whatever answer comes back (a handler's own policy is kept).
pub async fn security_headers(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = CspNonce::generate();
    let is_docs = request.uri().path().starts_with(DOCS_PREFIX);
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        let policy = if !is_html(headers) {
            NON_PAGE_POLICY.to_owned()
        } else if is_docs {
            docs_policy()
        } else {
            page_policy(&nonce.0)
        };
        if let Ok(value) = HeaderValue::from_str(&policy) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if state.settings.cookie_secure {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    response
}

fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("text/html"))
}

/// Brotli or gzip on the fly, as the client asks, for pages and API answers.
/// Static files arrive already compressed (`Content-Encoding` set) and pass
/// through untouched.
pub fn compression() -> CompressionLayer {
    CompressionLayer::new().br(true).gzip(true)
}
