//! Appointments over REST (`/api/v1/appointments/`): booking, the lists of
//! patients and doctors, and moving an appointment along.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::DomainError;
use domain::scheduling::ConsultationType;
use domain::scheduling::appointments::{Action, AppointmentStatus};
use domain::services::appointments::NewBooking;
use domain::store::appointments::{AppointmentRow, EventRow, ListFilter};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::authn::CurrentUser;
use crate::http_error::{ApiError, ApiJson, ErrorBody};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/appointments/", get(list).post(book))
        .route("/api/v1/appointments/{id}/", get(one))
        .route("/api/v1/appointments/{id}/{action}/", post(act))
}

/// An appointment.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppointmentBody {
    pub id: i64,
    pub patient_id: i64,
    pub doctor_id: i64,
    /// RFC 3339, UTC.
    pub start: String,
    pub end: String,
    pub consultation_type: String,
    /// `pending`, `confirmed`, `refused`, `cancelled`, `completed` or `no_show`.
    pub status: String,
    pub reason: String,
    /// The doctor's message (acceptance or refusal).
    pub doctor_message: String,
    pub location: Option<String>,
    /// In lists: the patient's and the doctor's full names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patient_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doctor_name: Option<String>,
}

impl From<AppointmentRow> for AppointmentBody {
    fn from(a: AppointmentRow) -> Self {
        Self {
            id: a.id,
            patient_id: a.patient_id,
            doctor_id: a.doctor_id,
            start: a.starts_at.to_string(),
            end: a.ends_at.to_string(),
            consultation_type: a.consultation_type.as_str().into(),
            status: a.status.as_str().into(),
            reason: a.reason,
            doctor_message: a.doctor_message,
            location: a.location,
            patient_name: None,
            doctor_name: None,
        }
    }
}

/// One step of an appointment's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventBody {
    pub status: String,
    pub actor_id: Option<i64>,
    pub note: String,
    pub at: String,
}

impl From<EventRow> for EventBody {
    fn from(e: EventRow) -> Self {
        Self {
            status: e.status.as_str().into(),
            actor_id: e.actor_id,
            note: e.note,
            at: e.at.to_string(),
        }
    }
}

/// An appointment with its history.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppointmentDetail {
    #[serde(flatten)]
    pub appointment: AppointmentBody,
    pub history: Vec<EventBody>,
}

/// A booking.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BookingRequest {
    pub doctor_id: Option<i64>,
    /// Start of a free slot (RFC 3339).
    pub start: Option<String>,
    /// `in_person` or `remote` (default: what the slot offers; `both` slots ask).
    pub consultation_type: Option<String>,
    pub reason: Option<String>,
}

fn parse_start(raw: Option<&str>) -> Result<Timestamp, DomainError> {
    let raw =
        raw.ok_or_else(|| DomainError::invalid("start", "required", "this field is required"))?;
    raw.trim().parse().map_err(|_| {
        DomainError::invalid(
            "start",
            "invalid_datetime",
            "expected an RFC 3339 date-time",
        )
    })
}

/// Book a free slot (patients). 409 `slot_full` when the last place was just taken.
#[utoipa::path(post, path = "/api/v1/appointments/", tag = "appointments", request_body = BookingRequest, security(("bearer" = [])),
    responses(
        (status = 201, body = AppointmentBody),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, description = "Slot full, unavailable, or overlapping another appointment of the patient", body = ErrorBody),
    ))]
pub async fn book(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiJson(body): ApiJson<BookingRequest>,
) -> Result<Response, ApiError> {
    let booking = NewBooking {
        doctor_id: body.doctor_id.ok_or_else(|| {
            DomainError::invalid("doctor_id", "required", "this field is required")
        })?,
        starts_at: parse_start(body.start.as_deref())?,
        consultation_type: ConsultationType::parse(
            "consultation_type",
            body.consultation_type.as_deref().unwrap_or("both"),
        )?,
        reason: body.reason.unwrap_or_default(),
    };
    let appointment = state
        .services
        .appointments
        .book(&principal, &booking, Timestamp::now())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(AppointmentBody::from(appointment)),
    )
        .into_response())
}

/// Filters of the list (all optional).
#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    pub status: Option<String>,
    /// Starting at or after (RFC 3339).
    pub from: Option<String>,
    /// Starting before (RFC 3339).
    pub to: Option<String>,
    pub doctor_id: Option<i64>,
    pub patient_id: Option<i64>,
}

fn instant(field: &'static str, raw: Option<&str>) -> Result<Option<Timestamp>, DomainError> {
    raw.map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| {
            r.parse().map_err(|_| {
                DomainError::invalid(field, "invalid_datetime", "expected an RFC 3339 date-time")
            })
        })
        .transpose()
}

/// The caller's appointments (administrators: all), by start time, with the
/// names of the people concerned; at most 1000.
#[utoipa::path(get, path = "/api/v1/appointments/", tag = "appointments", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = [AppointmentBody]), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    Query(query): Query<ListQuery>,
) -> Result<Json<Vec<AppointmentBody>>, ApiError> {
    let status = query
        .status
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(AppointmentStatus::parse)
        .transpose()?;
    let filter = ListFilter {
        status,
        from: instant("from", query.from.as_deref())?,
        to: instant("to", query.to.as_deref())?,
        doctor_id: query.doctor_id,
        patient_id: query.patient_id,
    };
    let appointments = &state.services.appointments;
    let list = appointments.appointments(&principal, filter).await?;
    let names = appointments.names(&list).await?;
    Ok(Json(
        list.into_iter()
            .map(|a| {
                let (patient, doctor) = (names.get(&a.patient_id), names.get(&a.doctor_id));
                AppointmentBody {
                    patient_name: patient.cloned(),
                    doctor_name: doctor.cloned(),
                    ..a.into()
                }
            })
            .collect(),
    ))
}

/// One appointment with its history (its patient, its doctor, administrators).
#[utoipa::path(get, path = "/api/v1/appointments/{id}/", tag = "appointments", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = AppointmentDetail), (status = 404, body = ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<AppointmentDetail>, ApiError> {
    let appointments = &state.services.appointments;
    let appointment = appointments.appointment(&principal, id).await?;
    let history = appointments.history(&principal, id).await?;
    Ok(Json(AppointmentDetail {
        appointment: appointment.into(),
        history: history.into_iter().map(Into::into).collect(),
    }))
}

/// What to do: `accept`, `refuse`, `cancel`, `complete`, `no-show` (with an
/// optional `message`) or `reschedule` (with `start`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ActionRequest {
    pub message: Option<String>,
    /// New start, for `reschedule`.
    pub start: Option<String>,
}

/// Move an appointment along. Patients cancel or reschedule (before the doctor's
/// cut-off); doctors accept, refuse, cancel, and mark completed or no-show.
#[utoipa::path(post, path = "/api/v1/appointments/{id}/{action}/", tag = "appointments", request_body = ActionRequest, security(("bearer" = [])),
    params(("id" = i64, Path), ("action" = String, Path, description = "accept | refuse | cancel | complete | no-show | reschedule")),
    responses(
        (status = 200, body = AppointmentBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
    ))]
pub async fn act(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    Path((id, action)): Path<(i64, String)>,
    body: axum::body::Bytes,
) -> Result<Json<AppointmentBody>, ApiError> {
    // The body is optional: most actions need none.
    let body: ActionRequest = if body.iter().all(u8::is_ascii_whitespace) {
        ActionRequest {
            message: None,
            start: None,
        }
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| DomainError::invalid("body", "invalid_body", e.to_string()))?
    };
    let appointments = &state.services.appointments;
    let now = Timestamp::now();
    let action = match action.as_str() {
        "reschedule" => {
            let start = parse_start(body.start.as_deref())?;
            return Ok(Json(
                appointments
                    .reschedule(&principal, id, start, now)
                    .await?
                    .into(),
            ));
        }
        "accept" => Action::Accept,
        "refuse" => Action::Refuse,
        "cancel" => Action::Cancel,
        "complete" => Action::Complete,
        "no-show" => Action::MarkNoShow,
        _ => return Err(DomainError::NotFound("action").into()),
    };
    Ok(Json(
        appointments
            .act(&principal, id, action, body.message.as_deref(), now)
            .await?
            .into(),
    ))
}
