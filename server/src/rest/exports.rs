//! Research exports (seed 003's `DataExportJob`), for administrators:
//! create a job, follow it, download its file (streamed from disk), cancel
//! or remove it, and preview what a request would export.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::exports::{ExportJob, NewExport, Preview};
use domain::services::exports::Download;
use serde::Deserialize;
use tower::ServiceExt;
use utoipa::IntoParams;

use crate::authn::CurrentUser;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http_error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/exports/", get(list).post(create))
        .route("/api/v1/exports/preview/", post(preview))
        .route("/api/v1/exports/{id}/", get(one).delete(remove))
        .route("/api/v1/exports/{id}/download/", get(download))
}

/// Export jobs, newest first.
#[utoipa::path(get, path = "/api/v1/exports/", tag = "exports", security(("bearer" = [])),
    responses((status = 200, body = [ExportJob]), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
) -> Result<Json<Vec<ExportJob>>, ApiError> {
    Ok(Json(state.services.exports.list(&principal).await?))
}

/// Creates an export job; it runs in the background (follow `status` and
/// `rows_done`). Anonymised unless `include_personal_data` with a reason.
#[utoipa::path(post, path = "/api/v1/exports/", tag = "exports", security(("bearer" = [])),
    request_body = NewExport,
    responses((status = 201, body = ExportJob), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiJson(body): ApiJson<NewExport>,
) -> Result<(StatusCode, Json<ExportJob>), ApiError> {
    let job = state.services.exports.create(&principal, &body).await?;
    state.services.messaging.wake().now();
    Ok((StatusCode::CREATED, Json(job)))
}

/// What a request would export: its first rows, and the rows and patients
/// k-anonymity would leave out. Nothing is recorded.
#[utoipa::path(post, path = "/api/v1/exports/preview/", tag = "exports", security(("bearer" = [])),
    request_body = NewExport,
    responses((status = 200, body = Preview), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn preview(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiJson(body): ApiJson<NewExport>,
) -> Result<Json<Preview>, ApiError> {
    Ok(Json(
        state.services.exports.preview(&principal, &body).await?,
    ))
}

/// One export job.
#[utoipa::path(get, path = "/api/v1/exports/{id}/", tag = "exports", security(("bearer" = [])),
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, body = ExportJob), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ExportJob>, ApiError> {
    Ok(Json(state.services.exports.get(&principal, id).await?))
}

/// Cancels a job that is not over, or removes a finished one with its file.
#[utoipa::path(delete, path = "/api/v1/exports/{id}/", tag = "exports", security(("bearer" = [])),
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state.services.exports.remove(&principal, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Which file of a FHIR export.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DownloadQuery {
    /// A FHIR export's resource type (`Patient`, `Observation`…); without
    /// it, a FHIR export answers its Bulk Data manifest.
    #[param(example = "Patient")]
    pub r#type: Option<String>,
}

/// A FHIR export's Bulk Data manifest (what `download` answers without
/// `?type=`; written by the domain, described here for the contract).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
#[schema(rename_all = "camelCase")]
struct BulkManifest {
    /// When the export completed.
    #[schema(format = DateTime)]
    transaction_time: Option<String>,
    /// The export job's URL.
    request: String,
    requires_access_token: bool,
    /// One file per resource type.
    output: Vec<BulkFile>,
    /// Always empty: a failed export has no manifest.
    error: Vec<BulkFile>,
}

/// One NDJSON file of a FHIR export.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct BulkFile {
    /// Its resource type (`Patient`).
    r#type: String,
    /// Where to download it (`?type=`).
    url: String,
    /// Resources in it.
    count: i64,
}

/// The file of a completed job, streamed (recorded in the access trail). A
/// FHIR export answers its Bulk Data manifest, and each resource type's
/// NDJSON file with `?type=`.
#[utoipa::path(get, path = "/api/v1/exports/{id}/download/", tag = "exports", security(("bearer" = [])),
    params(("id" = i64, Path, minimum = 1), DownloadQuery),
    responses(
        (status = 200, description = "The file in the export's format, or a FHIR export's Bulk Data manifest",
            content(
                (Vec<u8> = "text/csv"),
                (Vec<u8> = "application/x-ndjson"),
                (Vec<u8> = "application/vnd.apache.parquet"),
                (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (Vec<u8> = "application/fhir+ndjson"),
                (BulkManifest = "application/json"))),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Not completed, or its file removed", body = ErrorBody)))]
pub async fn download(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<DownloadQuery>,
    request: Request,
) -> Result<Response, ApiError> {
    let base = state.settings.messaging.public_base_url.clone();
    let download = state
        .services
        .exports
        .download(&principal, id, query.r#type.as_deref(), &base)
        .await?;
    let (path, file_name, media_type) = match download {
        Download::Manifest(manifest) => return Ok(Json(manifest).into_response()),
        Download::File {
            path,
            file_name,
            media_type,
        } => (path, file_name, media_type),
    };
    let served = tower_http::services::ServeFile::new(&path)
        .oneshot(request)
        .await
        .map_err(|e| ApiError(domain::DomainError::internal(e)))?;
    let (mut parts, body) = served.into_parts();
    parts
        .headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        parts.headers.insert(header::CONTENT_DISPOSITION, value);
    }
    parts.headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(Response::from_parts(parts, Body::new(body)).into_response())
}
