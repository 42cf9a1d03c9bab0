//! The waitlist and in-app notifications over REST.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use domain::bounds;
use domain::notifications::Notice;
use domain::scheduling::ConsultationType;
use domain::store::waitlist::EntryRow;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::authn::CurrentUser;
use crate::extract::{ApiJson, ApiPath};
use crate::http_error::{ApiError, ErrorBody};
use crate::rest::appointments::AppointmentBody;
use crate::state::AppState;
use domain::wire_formats::{ConsultationKind, Day};

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/waitlist/", get(mine).post(join))
        .route("/api/v1/waitlist/{id}/", delete(leave))
        .route("/api/v1/waitlist/{id}/accept/", post(accept))
        .route("/api/v1/notifications/", get(notifications))
        .route("/api/v1/notifications/read/", post(mark_read))
}

/// A waitlist entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryBody {
    pub id: i64,
    pub doctor_id: i64,
    /// `YYYY-MM-DD`, in the doctor's time zone.
    pub date: String,
    pub consultation_type: String,
    /// `waiting`, `offered`, `booked`, `expired`, `declined` or `left`.
    pub status: String,
    /// The place held for the patient, while `offered` (RFC 3339).
    pub offer_start: Option<String>,
    pub offer_end: Option<String>,
    pub offer_expires_at: Option<String>,
    pub appointment_id: Option<i64>,
}

impl From<EntryRow> for EntryBody {
    fn from(e: EntryRow) -> Self {
        Self {
            id: e.id,
            doctor_id: e.doctor_id,
            date: e.day.to_string(),
            consultation_type: e.consultation_type.as_str().into(),
            status: e.status.as_str().into(),
            offer_start: e.offer.map(|o| o.starts_at.to_string()),
            offer_end: e.offer.map(|o| o.ends_at.to_string()),
            offer_expires_at: e.offer.map(|o| o.expires_at.to_string()),
            appointment_id: e.appointment_id,
        }
    }
}

/// Joining a doctor's waitlist for a day.
#[derive(Debug, Deserialize, ToSchema)]
pub struct JoinRequest {
    #[schema(minimum = 1, example = 2)]
    pub doctor_id: i64,
    /// The day, in the doctor's time zone.
    #[schema(value_type = Day)]
    pub date: String,
    /// `in_person`, `remote` or `both` (default).
    #[schema(value_type = Option<ConsultationKind>)]
    pub consultation_type: Option<String>,
}

/// Join a doctor's waitlist for a day with no free slot left (patients).
#[utoipa::path(post, path = "/api/v1/waitlist/", tag = "waitlist", request_body = JoinRequest, security(("bearer" = [])),
    responses((status = 201, body = EntryBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "Already waiting, or the day still has free slots", body = ErrorBody), (status = 404, description = "No such doctor", body = ErrorBody)))]
pub async fn join(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiJson(body): ApiJson<JoinRequest>,
) -> Result<(StatusCode, Json<EntryBody>), ApiError> {
    let doctor_id = body.doctor_id;
    let day = bounds::parse_date("date", &body.date)?;
    let kind = ConsultationType::parse(
        "consultation_type",
        body.consultation_type.as_deref().unwrap_or("both"),
    )?;
    let entry = state
        .services
        .waitlist
        .join(&principal, doctor_id, day, kind, Timestamp::now())
        .await?;
    Ok((StatusCode::CREATED, Json(entry.into())))
}

/// The calling patient's waitlist entries.
#[utoipa::path(get, path = "/api/v1/waitlist/", tag = "waitlist", security(("bearer" = [])),
    responses((status = 200, body = [EntryBody]), (status = 403, body = ErrorBody)))]
pub async fn mine(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
) -> Result<Json<Vec<EntryBody>>, ApiError> {
    let list = state
        .services
        .waitlist
        .mine(&principal, Timestamp::now())
        .await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Leave the waitlist, or turn down the place offered (it passes on).
#[utoipa::path(delete, path = "/api/v1/waitlist/{id}/", tag = "waitlist", params(("id" = i64, Path, minimum = 1)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn leave(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .services
        .waitlist
        .leave(&principal, id, Timestamp::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Take the place offered: a pending appointment for the doctor to accept.
#[utoipa::path(post, path = "/api/v1/waitlist/{id}/accept/", tag = "waitlist", params(("id" = i64, Path, minimum = 1)), security(("bearer" = [])),
    responses((status = 201, body = AppointmentBody), (status = 404, body = ErrorBody),
        (status = 409, description = "No offer, or it expired", body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn accept(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<(StatusCode, Json<AppointmentBody>), ApiError> {
    let appointment = state
        .services
        .waitlist
        .accept(&principal, id, Timestamp::now())
        .await?;
    Ok((StatusCode::CREATED, Json(appointment.into())))
}

/// One notification: `notice.kind` says what happened, the other fields of
/// `notice` what it concerns.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationBody {
    pub id: i64,
    #[schema(value_type = Object)]
    pub notice: Notice,
    pub created_at: String,
    pub read: bool,
}

/// The caller's notifications.
#[derive(Debug, Serialize, ToSchema)]
pub struct Inbox {
    pub unread: i64,
    pub items: Vec<NotificationBody>,
}

/// The caller's 50 latest notifications, newest first.
#[utoipa::path(get, path = "/api/v1/notifications/", tag = "waitlist", security(("bearer" = [])),
    responses((status = 200, body = Inbox), (status = 401, body = ErrorBody)))]
pub async fn notifications(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
) -> Result<Json<Inbox>, ApiError> {
    let (items, unread) = state.services.notifications.mine(&principal).await?;
    Ok(Json(Inbox {
        unread,
        items: items
            .into_iter()
            .map(|n| NotificationBody {
                id: n.id,
                notice: n.notice,
                created_at: n.created_at.to_string(),
                read: n.read,
            })
            .collect(),
    }))
}

/// Which notification to mark read (all when `id` is absent).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReadRequest {
    /// The notification; leave it out to mark them all read.
    #[schema(minimum = 1)]
    pub id: Option<i64>,
}

/// Mark one notification (or all) read.
#[utoipa::path(post, path = "/api/v1/notifications/read/", tag = "waitlist", request_body = ReadRequest, security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn mark_read(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiJson(body): ApiJson<ReadRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .services
        .notifications
        .mark_read(&principal, domain::bounds::optional_id("id", body.id)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
