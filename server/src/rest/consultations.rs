//! Consultation records over REST (`/api/v1/consultations/`): the record,
//! its statuses, its addenda, its message thread, and its printable
//! documents. Every handler calls one service.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::consultations::{
    Consultation, ConsultationChanges, ConsultationFilter, ConsultationSummary, NewConsultation,
    NewText, Rejection, ThreadMessage,
};
use domain::services::consultations::Printed;
use jiff::Timestamp;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::authn::CurrentUser;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http_error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/consultations/", get(list).post(create))
        .route("/api/v1/consultations/{id}/", get(one).patch(change))
        .route("/api/v1/consultations/{id}/submit/", post(submit))
        .route("/api/v1/consultations/{id}/validate/", post(validate))
        .route("/api/v1/consultations/{id}/reject/", post(reject))
        .route("/api/v1/consultations/{id}/addenda/", post(add_addendum))
        .route(
            "/api/v1/consultations/{id}/messages/",
            get(messages).post(post_message),
        )
        .route("/api/v1/consultations/{id}/pdf/", get(record_pdf))
        .route(
            "/api/v1/consultations/{id}/prescription/pdf/",
            get(prescription_pdf),
        )
}

/// Records: a patient's history; a doctor's records (`status=submitted`: the
/// queue to validate) or one patient's.
#[utoipa::path(get, path = "/api/v1/consultations/", tag = "clinical", params(ConsultationFilter), security(("bearer" = [])),
    responses((status = 200, body = [ConsultationSummary]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(filter): ApiQuery<ConsultationFilter>,
) -> Result<Json<Vec<ConsultationSummary>>, ApiError> {
    let services = &state.services;
    Ok(Json(
        services
            .consultations
            .list(&principal, &filter, Timestamp::now())
            .await?,
    ))
}

/// Opens a draft record (a patient for themself, addressed to a doctor of
/// their care team or through an appointment; a doctor for a patient in
/// their care).
#[utoipa::path(post, path = "/api/v1/consultations/", tag = "clinical", request_body = NewConsultation, security(("bearer" = [])),
    responses((status = 201, body = Consultation), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiJson(form): ApiJson<NewConsultation>,
) -> Result<(StatusCode, Json<Consultation>), ApiError> {
    let record = state
        .services
        .consultations
        .create(&principal, &form, Timestamp::now())
        .await?;
    Ok((StatusCode::CREATED, Json(record)))
}

/// One record, whole.
#[utoipa::path(get, path = "/api/v1/consultations/{id}/", tag = "clinical", params(("id" = i64, Path, minimum = 1)),
    security(("bearer" = [])), responses((status = 200, body = Consultation), (status = 404, body = ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Consultation>, ApiError> {
    let services = &state.services;
    Ok(Json(
        services
            .consultations
            .get(&principal, id, Timestamp::now())
            .await?,
    ))
}

/// Saves sections: each given replaces the stored one (409 once validated).
#[utoipa::path(patch, path = "/api/v1/consultations/{id}/", tag = "clinical", params(("id" = i64, Path, minimum = 1)),
    request_body = ConsultationChanges, security(("bearer" = [])),
    responses((status = 200, body = Consultation), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn change(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(changes): ApiJson<ConsultationChanges>,
) -> Result<Json<Consultation>, ApiError> {
    let record = state
        .services
        .consultations
        .update(&principal, id, &changes, Timestamp::now())
        .await?;
    Ok(Json(record))
}

/// Sends a draft (or a record sent back) to the doctor; needs a reason.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/submit/", tag = "clinical", params(("id" = i64, Path, minimum = 1)),
    security(("bearer" = [])), responses((status = 200, body = Consultation), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn submit(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Consultation>, ApiError> {
    let services = &state.services;
    Ok(Json(
        services
            .consultations
            .submit(&principal, id, Timestamp::now())
            .await?,
    ))
}

/// A doctor of the care team validates a submitted record (needs a
/// diagnosis); it becomes read-only.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/validate/", tag = "clinical", params(("id" = i64, Path, minimum = 1)),
    security(("bearer" = [])), responses((status = 200, body = Consultation), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn validate(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Consultation>, ApiError> {
    let services = &state.services;
    Ok(Json(
        services
            .consultations
            .validate(&principal, id, Timestamp::now())
            .await?,
    ))
}

/// A doctor of the care team sends a submitted record back, with a reason.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/reject/", tag = "clinical", params(("id" = i64, Path, minimum = 1)),
    request_body = Rejection, security(("bearer" = [])), responses((status = 200, body = Consultation),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn reject(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(rejection): ApiJson<Rejection>,
) -> Result<Json<Consultation>, ApiError> {
    let record = state
        .services
        .consultations
        .reject(&principal, id, &rejection, Timestamp::now())
        .await?;
    Ok(Json(record))
}

/// A doctor of the care team adds a dated addendum to a validated record.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/addenda/", tag = "clinical", params(("id" = i64, Path, minimum = 1)),
    request_body = NewText, security(("bearer" = [])), responses((status = 201, body = Consultation),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn add_addendum(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(text): ApiJson<NewText>,
) -> Result<(StatusCode, Json<Consultation>), ApiError> {
    let record = state
        .services
        .consultations
        .add_addendum(&principal, id, &text, Timestamp::now())
        .await?;
    Ok((StatusCode::CREATED, Json(record)))
}

/// The record's thread, oldest first (marks the other side's messages read).
#[utoipa::path(get, path = "/api/v1/consultations/{id}/messages/", tag = "clinical", params(("id" = i64, Path, minimum = 1)),
    security(("bearer" = [])), responses((status = 200, body = [ThreadMessage]), (status = 404, body = ErrorBody)))]
pub async fn messages(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<ThreadMessage>>, ApiError> {
    let services = &state.services;
    Ok(Json(
        services
            .consultations
            .messages(&principal, id, Timestamp::now())
            .await?,
    ))
}

/// Writes in the record's thread; the other side is notified.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/messages/", tag = "clinical", params(("id" = i64, Path, minimum = 1)),
    request_body = NewText, security(("bearer" = [])), responses((status = 201, body = ThreadMessage),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn post_message(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(text): ApiJson<NewText>,
) -> Result<(StatusCode, Json<ThreadMessage>), ApiError> {
    let message = state
        .services
        .consultations
        .post(&principal, id, &text, Timestamp::now())
        .await?;
    Ok((StatusCode::CREATED, Json(message)))
}

/// The language of a document.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PrintQuery {
    /// `fr` (default) or `en`.
    #[param(pattern = "^(fr|en)$", example = "fr")]
    pub lang: Option<String>,
}

impl PrintQuery {
    fn french(&self) -> Result<bool, ApiError> {
        match self.lang.as_deref() {
            None | Some("fr") => Ok(true),
            Some("en") => Ok(false),
            Some(_) => {
                Err(domain::DomainError::invalid("lang", "unknown_language", "fr or en").into())
            }
        }
    }
}

fn pdf_response(printed: Printed) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    let disposition = format!("inline; filename=\"{}\"", printed.file_name);
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    (headers, printed.bytes).into_response()
}

/// The report of a validated record, as PDF (409 before validation).
#[utoipa::path(get, path = "/api/v1/consultations/{id}/pdf/", tag = "clinical", params(("id" = i64, Path, minimum = 1), PrintQuery),
    security(("bearer" = [])), responses((status = 200, content_type = "application/pdf", body = Vec<u8>),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn record_pdf(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<PrintQuery>,
) -> Result<Response, ApiError> {
    let french = query.french()?;
    let printed = state
        .services
        .consultations
        .record_pdf(&principal, id, french, Timestamp::now())
        .await?;
    Ok(pdf_response(printed))
}

/// The prescription written from a record, as PDF (404 when none was).
#[utoipa::path(get, path = "/api/v1/consultations/{id}/prescription/pdf/", tag = "clinical",
    params(("id" = i64, Path, minimum = 1), PrintQuery), security(("bearer" = [])),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn prescription_pdf(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<PrintQuery>,
) -> Result<Response, ApiError> {
    let french = query.french()?;
    let printed = state
        .services
        .consultations
        .prescription_pdf(&principal, id, french, Timestamp::now())
        .await?;
    Ok(pdf_response(printed))
}
