//! The symptom checker over REST: seed 000's `POST /api/symptoms/` exactly
//! (plus the platform's fields beside `prediction` and `confidence`), and the
//! administrators' models: list, train from a CSV, activate.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::symptoms::check::{ModelInfo, SymptomAnswer, SymptomRequest};
use jiff::Timestamp;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::authn::CurrentUser;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http_error::{ApiError, ErrorBody, error_response};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/symptoms/", post(check))
        .route("/api/v1/symptom-models/", get(models).post(train))
        .route("/api/v1/symptom-models/{version}/activate/", post(activate))
}

/// The reader's language from `Accept-Language` (French unless English
/// comes first).
fn language(headers: &HeaderMap) -> &'static str {
    let first = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if first.starts_with("en") { "en" } else { "fr" }
}

/// A patient checks their symptoms; age, sex and cholesterol come from their
/// medical profile. Not a diagnosis: the answer says how sure it is, what
/// else it could be, the specialty to book and how soon.
#[utoipa::path(post, path = "/api/symptoms/", tag = "seed", request_body = SymptomRequest, security(("bearer" = [])),
    responses((status = 200, body = SymptomAnswer), (status = 400, description = "A missing or wrong field, named", body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn check(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    headers: HeaderMap,
    ApiJson(request): ApiJson<SymptomRequest>,
) -> Result<Json<SymptomAnswer>, ApiError> {
    let answer = state
        .services
        .symptoms
        .check(&principal, &request, language(&headers), Timestamp::now())
        .await?;
    Ok(Json(answer))
}

/// Every stored model, newest first (administrators).
#[utoipa::path(get, path = "/api/v1/symptom-models/", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = [ModelInfo]), (status = 403, body = ErrorBody)))]
pub async fn models(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
) -> Result<Json<Vec<ModelInfo>>, ApiError> {
    Ok(Json(
        state.services.symptoms.models(Some(&principal)).await?,
    ))
}

/// How to train.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrainQuery {
    /// Cross-validate over this many folds first (2–20) and keep the figures.
    #[param(minimum = 2, maximum = 20)]
    pub folds: Option<usize>,
    /// Make it the active model at once.
    pub activate: Option<bool>,
}

/// Trains a model from a CSV in the layout of the "Disease Symptoms and
/// Patient Profile" data set (`Content-Type: text/csv`), administrators.
#[utoipa::path(post, path = "/api/v1/symptom-models/", tag = "admin", params(TrainQuery),
    request_body(content = String, content_type = "text/csv"), security(("bearer" = [])),
    responses((status = 201, body = ModelInfo), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 415, body = ErrorBody)))]
pub async fn train(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(query): ApiQuery<TrainQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<ModelInfo>), axum::response::Response> {
    let csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("text/csv"));
    if !csv {
        return Err(error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "expected a body with Content-Type: text/csv".into(),
            None,
        ));
    }
    let (info, _) = state
        .services
        .symptoms
        .train_from_csv(
            Some(&principal),
            &body,
            query.folds,
            query.activate.unwrap_or(false),
            &mut |_, _, _| {},
        )
        .await
        .map_err(|e| axum::response::IntoResponse::into_response(ApiError::from(e)))?;
    Ok((StatusCode::CREATED, Json(info)))
}

/// Makes a stored model the active one (by version or id); the previous one
/// stays stored and can be switched back.
#[utoipa::path(post, path = "/api/v1/symptom-models/{version}/activate/", tag = "admin",
    params(("version" = String, Path, example = "kb-1")), security(("bearer" = [])),
    responses((status = 200, body = ModelInfo), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn activate(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(version): ApiPath<String>,
) -> Result<Json<ModelInfo>, ApiError> {
    Ok(Json(
        state
            .services
            .symptoms
            .activate(Some(&principal), &version)
            .await?,
    ))
}
