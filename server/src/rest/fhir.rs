//! FHIR R4 read API under `/fhir/`: `metadata`, reads (`GET [type]/[id]`),
//! searches (`GET [type]?…`, searchset Bundles with paging links) and
//! `Patient/[id]/$everything`, answered as `application/fhir+json`; every
//! error is an OperationOutcome. The same bearer tokens as the REST API;
//! the services decide who reads what and record it in the access trail.

use app::session::Authn;
use axum::Router;
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::DomainError;
use domain::auth::Principal;
use domain::fhir::search::{CapabilityStatement, ResourceType, Search, everything_range};
use domain::fhir::{
    Bundle, BundleEntry, BundleLink, EntrySearch, Issue, OperationOutcome, Resource,
};
use jiff::Timestamp;

use crate::http_error::status_of;
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    let fhir = Router::new()
        .route("/metadata", get(metadata))
        .route("/Patient/{id}/$everything", get(everything))
        .route("/{kind}", get(search))
        .route("/{kind}/{id}", get(read))
        .fallback(unknown)
        .method_not_allowed_fallback(read_only);
    Router::new().nest("/fhir", fhir)
}

/// A FHIR answer: the resource as `application/fhir+json`.
struct Fhir(StatusCode, Resource);

impl IntoResponse for Fhir {
    fn into_response(self) -> Response {
        let body = match serde_json::to_vec(&self.1) {
            Ok(body) => body,
            Err(err) => return FhirError(DomainError::internal(err)).into_response(),
        };
        let mut response = (self.0, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/fhir+json; charset=utf-8"),
        );
        response
    }
}

/// An OperationOutcome for `status`.
fn outcome(
    status: StatusCode,
    code: &'static str,
    diagnostics: String,
    field: Option<&str>,
) -> Response {
    let severity = if status.is_server_error() {
        "fatal"
    } else {
        "error"
    };
    Fhir(
        status,
        Resource::OperationOutcome(OperationOutcome {
            issue: vec![Issue {
                severity,
                code,
                diagnostics: Some(diagnostics),
                expression: field.map(|f| vec![f.to_owned()]).unwrap_or_default(),
            }],
        }),
    )
    .into_response()
}

/// A domain error as an OperationOutcome (a 5xx logs its cause and says
/// nothing internal).
struct FhirError(DomainError);

impl From<DomainError> for FhirError {
    fn from(err: DomainError) -> Self {
        Self(err)
    }
}

impl IntoResponse for FhirError {
    fn into_response(self) -> Response {
        let err = self.0;
        let status = status_of(&err);
        let (code, diagnostics) = match &err {
            DomainError::Internal(cause) => {
                tracing::error!(error = %cause, "FHIR request failed");
                ("exception", "internal server error".to_owned())
            }
            DomainError::Validation { message, .. } => ("invalid", message.clone()),
            DomainError::InvalidCredentials | DomainError::Unauthenticated { .. } => {
                ("login", err.to_string())
            }
            DomainError::Forbidden => ("forbidden", err.to_string()),
            DomainError::NotFound(_) => ("not-found", err.to_string()),
            DomainError::Conflict { .. } => ("conflict", err.to_string()),
            DomainError::RateLimited { .. } => ("throttled", err.to_string()),
        };
        let mut response = outcome(status, code, diagnostics, err.field());
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"fhir\""),
            );
        }
        response
    }
}

/// The signed-in caller; 401 as an OperationOutcome otherwise.
struct Reader(Principal);

impl<S: Send + Sync> FromRequestParts<S> for Reader {
    type Rejection = FhirError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Authn>() {
            Some(Authn::Authenticated(principal)) => Ok(Self(principal.clone())),
            Some(Authn::Rejected { code, message }) => {
                Err(FhirError(DomainError::Unauthenticated { code, message }))
            }
            _ => Err(FhirError(DomainError::Unauthenticated {
                code: "not_authenticated",
                message: "authentication credentials were not provided",
            })),
        }
    }
}

/// The query's pairs in order (a parameter may repeat: `date=ge…&date=lt…`),
/// without `_format` when it asks for JSON.
fn pairs(query: Option<&str>) -> Result<Vec<(String, String)>, FhirError> {
    let mut out = Vec::new();
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if key == "_format" {
            if value.contains("json") {
                continue;
            }
            return Err(FhirError(DomainError::invalid(
                "_format",
                "not_supported",
                "only JSON is served (application/fhir+json)",
            )));
        }
        out.push((key.into_owned(), value.into_owned()));
    }
    Ok(out)
}

fn kind_of(raw: &str) -> Result<ResourceType, FhirError> {
    ResourceType::parse(raw).ok_or(FhirError(DomainError::NotFound("resource type")))
}

fn base(state: &AppState) -> String {
    format!("{}/fhir", state.settings.messaging.public_base_url)
}

/// `GET /fhir/metadata`: the CapabilityStatement (no sign-in needed).
async fn metadata(State(state): State<AppState>) -> Response {
    let statement =
        CapabilityStatement::of_server(&base(&state), env!("CARGO_PKG_VERSION"), Timestamp::now());
    Fhir(StatusCode::OK, Resource::CapabilityStatement(statement)).into_response()
}

/// `GET /fhir/{type}/{id}`.
async fn read(
    State(state): State<AppState>,
    Reader(principal): Reader,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Fhir, FhirError> {
    let kind = kind_of(&kind)?;
    let resource = state
        .services
        .fhir
        .read(&principal, kind, &id, Timestamp::now())
        .await?;
    Ok(Fhir(StatusCode::OK, resource))
}

/// The address of page `page` of the search `pairs` of `kind`.
fn page_url(base: &str, kind: ResourceType, pairs: &[(String, String)], page: i64) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs.iter().filter(|(k, _)| k != "_page") {
        query.append_pair(key, value);
    }
    if page > 1 {
        query.append_pair("_page", &page.to_string());
    }
    let query = query.finish();
    if query.is_empty() {
        format!("{base}/{}", kind.as_str())
    } else {
        format!("{base}/{}?{query}", kind.as_str())
    }
}

fn entry(base: &str, resource: Resource, matched: bool) -> BundleEntry {
    BundleEntry {
        full_url: format!("{base}/{}", resource.reference().unwrap_or_default()),
        resource,
        search: EntrySearch {
            mode: if matched { "match" } else { "include" },
        },
    }
}

/// `GET /fhir/{type}?…`: a searchset Bundle with `self`, `next` and
/// `previous` links.
async fn search(
    State(state): State<AppState>,
    Reader(principal): Reader,
    Path(kind): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Fhir, FhirError> {
    let kind = kind_of(&kind)?;
    let pairs = pairs(query.as_deref())?;
    let search = Search::parse(kind, &pairs)?;
    let found = state
        .services
        .fhir
        .search(&principal, &search, Timestamp::now())
        .await?;
    let base = base(&state);
    let mut link = vec![BundleLink {
        relation: "self",
        url: page_url(&base, kind, &pairs, search.page),
    }];
    if search.page * search.count < found.total {
        link.push(BundleLink {
            relation: "next",
            url: page_url(&base, kind, &pairs, search.page + 1),
        });
    }
    if search.page > 1 {
        link.push(BundleLink {
            relation: "previous",
            url: page_url(&base, kind, &pairs, search.page - 1),
        });
    }
    let bundle = Bundle {
        kind: "searchset",
        total: Some(found.total),
        link,
        entry: found
            .resources
            .into_iter()
            .map(|r| entry(&base, r, true))
            .collect(),
    };
    Ok(Fhir(StatusCode::OK, Resource::Bundle(bundle)))
}

/// `GET /fhir/Patient/{id}/$everything[?start=…&end=…]`.
async fn everything(
    State(state): State<AppState>,
    Reader(principal): Reader,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Fhir, FhirError> {
    let range = everything_range(&pairs(query.as_deref())?)?;
    let id = id
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(FhirError(DomainError::NotFound("patient")))?;
    let found = state
        .services
        .fhir
        .everything(&principal, id, range, Timestamp::now())
        .await?;
    let base = base(&state);
    let bundle = Bundle {
        kind: "searchset",
        total: Some(found.iter().filter(|(_, matched)| *matched).count() as i64),
        link: vec![BundleLink {
            relation: "self",
            url: match query.filter(|q| !q.is_empty()) {
                Some(q) => format!("{base}/Patient/{id}/$everything?{q}"),
                None => format!("{base}/Patient/{id}/$everything"),
            },
        }],
        entry: found
            .into_iter()
            .map(|(r, matched)| entry(&base, r, matched))
            .collect(),
    };
    Ok(Fhir(StatusCode::OK, Resource::Bundle(bundle)))
}

/// Anything else under `/fhir/`.
async fn unknown() -> Response {
    outcome(
        StatusCode::NOT_FOUND,
        "not-found",
        "no such FHIR address: see /fhir/metadata".to_owned(),
        None,
    )
}

/// Any method but GET.
async fn read_only() -> Response {
    let mut response = outcome(
        StatusCode::METHOD_NOT_ALLOWED,
        "not-supported",
        "this FHIR API is read-only (GET)".to_owned(),
        None,
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET"));
    response
}
