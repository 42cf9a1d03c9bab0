//! Authentication of every request, once, for every door.
//!
//! `Authorization: Bearer …` wins when present (API clients). Otherwise the
//! browser's cookies: an expired access cookie is renewed from the refresh cookie
//! on the fly, and the new cookies ride back on the response. The outcome is an
//! [`Authn`] in the request extensions, read by REST extractors and by server
//! functions alike.

use std::net::IpAddr;

use app::session::{ACCESS_COOKIE, Authn, ClientAddress, REFRESH_COOKIE, read_cookie};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header::{AUTHORIZATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, request::Parts};
use axum::middleware::Next;
use axum::response::Response;
use domain::DomainError;
use domain::auth::Principal;
use domain::trail::Door;

use crate::http_error::ApiError;
use crate::state::AppState;

/// Middleware: authenticates the request and records the client address.
pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    // Static assets need no identity (and no database round trip).
    if req.uri().path().starts_with("/pkg/") || req.uri().path() == "/favicon.svg" {
        return next.run(req).await;
    }
    let client = client_address(&req, state.settings.trust_forwarded_for);
    req.extensions_mut().insert(ClientAddress(client));
    let door = door_of(req.uri().path());
    let request_id = request_id(req.headers());

    let mut new_cookies = Vec::new();
    let authn = match bearer_token(req.headers()) {
        Some(Ok(token)) => outcome(state.services.auth.authenticate(token).await),
        Some(Err(())) => Authn::Rejected {
            code: "not_authenticated",
            message: "the Authorization header must be 'Bearer <token>'",
        },
        None => {
            let (authn, cookies) = from_cookies(&state, req.headers()).await;
            new_cookies = cookies;
            authn
        }
    };
    let authn = match authn {
        Authn::Authenticated(principal) => {
            Authn::Authenticated(principal.entering(door, request_id))
        }
        other => other,
    };
    req.extensions_mut().insert(authn);

    let mut response = next.run(req).await;
    for cookie in new_cookies {
        if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}

fn outcome(result: Result<Principal, DomainError>) -> Authn {
    match result {
        Ok(principal) => Authn::Authenticated(principal),
        Err(DomainError::Unauthenticated { code, message }) => Authn::Rejected { code, message },
        Err(err) => {
            tracing::error!(error = %err, "authentication failed");
            Authn::Rejected {
                code: "not_authenticated",
                message: "authentication is unavailable",
            }
        }
    }
}

/// Which door a path belongs to, for the access trail.
fn door_of(path: &str) -> Door {
    if path.starts_with("/api/") {
        Door::Rest
    } else if path.starts_with("/fhir/") {
        Door::Fhir
    } else if path.starts_with("/ws/") {
        Door::WebSocket
    } else {
        Door::Web
    }
}

/// The request's id (set by the request-id layer, or sent by a trusted
/// proxy), if it looks like one.
fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get(crate::telemetry::REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            (1..=64).contains(&v.len())
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        })
        .map(str::to_owned)
}

pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<Result<&str, ()>> {
    let value = headers.get(AUTHORIZATION)?;
    let token = value
        .to_str()
        .ok()
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty());
    Some(token.ok_or(()))
}

async fn from_cookies(
    state: &AppState,
    headers: &HeaderMap,
) -> (Authn, Vec<cookie::Cookie<'static>>) {
    let auth = &state.services.auth;
    if let Some(access) = read_cookie(headers, ACCESS_COOKIE)
        && let Ok(principal) = auth.authenticate(&access).await
    {
        return (Authn::Authenticated(principal), Vec::new());
    }
    let Some(refresh) = read_cookie(headers, REFRESH_COOKIE) else {
        return (Authn::Anonymous, Vec::new());
    };
    match auth.refresh(&refresh).await {
        Ok(tokens) => match auth.authenticate(&tokens.access).await {
            Ok(principal) => (
                Authn::Authenticated(principal),
                state.cookies.session(&tokens).to_vec(),
            ),
            Err(_) => (Authn::Anonymous, state.cookies.cleared().to_vec()),
        },
        // A racing request already rotated this cookie: stay anonymous for this
        // one request, leave the cookies alone.
        Err(DomainError::Unauthenticated {
            code: "token_already_rotated",
            ..
        }) => (Authn::Anonymous, Vec::new()),
        Err(_) => (Authn::Anonymous, state.cookies.cleared().to_vec()),
    }
}

fn client_address(req: &Request, trust_forwarded_for: bool) -> Option<IpAddr> {
    if trust_forwarded_for
        && let Some(ip) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return Some(ip);
    }
    req.extensions()
        .get::<ConnectInfo<crate::listener::PeerAddr>>()
        .map(|info| info.0.0.ip())
}

/// The authenticated principal of a REST request; 401 otherwise.
pub struct CurrentUser(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Authn>() {
            Some(Authn::Authenticated(principal)) => Ok(Self(principal.clone())),
            Some(Authn::Rejected { code, message }) => {
                Err(ApiError(DomainError::Unauthenticated { code, message }))
            }
            _ => Err(ApiError(DomainError::Unauthenticated {
                code: "not_authenticated",
                message: "authentication credentials were not provided",
            })),
        }
    }
}

/// The client address of a REST request.
pub struct Client(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts.extensions.get::<ClientAddress>().and_then(|c| c.0),
        ))
    }
}
