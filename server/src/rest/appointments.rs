//! Appointments over REST (`/api/v1/appointments/`): booking, the lists of
//! patients and doctors, and moving an appointment along.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::scheduling::ConsultationType;
use domain::scheduling::appointments::{Action, AppointmentStatus};
use domain::services::appointments::NewBooking;
use domain::store::appointments::{AppointmentRow, EventRow, ListFilter};
use domain::{DomainError, bounds};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::authn::CurrentUser;
use crate::extract::{ApiJson, ApiPath, ApiQuery, OptionalJson};
use crate::http_error::{ApiError, ErrorBody};
use crate::state::AppState;
use domain::wire_formats::{ConsultationKind, Instant};

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/appointments/", get(list).post(book))
        .route("/api/v1/appointments/{id}/", get(one))
        .route("/api/v1/appointments/{id}/reschedule/", post(reschedule))
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
    #[schema(minimum = 1, example = 2)]
    pub doctor_id: i64,
    /// Start of a free slot.
    #[schema(value_type = Instant)]
    pub start: String,
    /// `in_person` or `remote` (default: what the slot offers; `both` slots ask).
    #[schema(value_type = Option<ConsultationKind>)]
    pub consultation_type: Option<String>,
    /// Up to 1000 characters.
    #[schema(max_length = 1000, example = "Renouvellement d'ordonnance")]
    pub reason: Option<String>,
}

/// Book a free slot (patients). 409 `slot_full` when the last place was just taken.
#[utoipa::path(post, path = "/api/v1/appointments/", tag = "appointments", request_body = BookingRequest, security(("bearer" = [])),
    responses(
        (status = 201, body = AppointmentBody),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, description = "Slot full, unavailable, or overlapping another appointment of the patient", body = ErrorBody), (status = 404, description = "No such doctor", body = ErrorBody)))]
pub async fn book(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiJson(body): ApiJson<BookingRequest>,
) -> Result<Response, ApiError> {
    let booking = NewBooking {
        doctor_id: body.doctor_id,
        starts_at: bounds::parse_instant("start", &body.start)?,
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
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `pending`, `confirmed`, `refused`, `cancelled`, `completed` or `no_show`.
    #[param(pattern = "^(pending|confirmed|refused|cancelled|completed|no_show)$")]
    pub status: Option<String>,
    /// Starting at or after.
    #[param(value_type = Option<Instant>)]
    pub from: Option<String>,
    /// Starting before.
    #[param(value_type = Option<Instant>)]
    pub to: Option<String>,

    #[param(minimum = 1)]
    pub doctor_id: Option<i64>,

    #[param(minimum = 1)]
    pub patient_id: Option<i64>,
}

fn instant(field: &'static str, raw: Option<&str>) -> Result<Option<Timestamp>, DomainError> {
    raw.map(|r| bounds::parse_instant(field, r)).transpose()
}

/// The caller's appointments (administrators: all), by start time, with the
/// names of the people concerned; at most 1000.
#[utoipa::path(get, path = "/api/v1/appointments/", tag = "appointments", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = [AppointmentBody]), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Vec<AppointmentBody>>, ApiError> {
    let status = query
        .status
        .as_deref()
        .map(AppointmentStatus::parse)
        .transpose()?;
    let filter = ListFilter {
        status,
        from: instant("from", query.from.as_deref())?,
        to: instant("to", query.to.as_deref())?,
        doctor_id: domain::bounds::optional_id("doctor_id", query.doctor_id)?,
        patient_id: domain::bounds::optional_id("patient_id", query.patient_id)?,
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
    params(("id" = i64, Path, minimum = 1)), responses((status = 200, body = AppointmentDetail), (status = 404, body = ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<AppointmentDetail>, ApiError> {
    let appointments = &state.services.appointments;
    let appointment = appointments.appointment(&principal, id).await?;
    let history = appointments.history(&principal, id).await?;
    Ok(Json(AppointmentDetail {
        appointment: appointment.into(),
        history: history.into_iter().map(Into::into).collect(),
    }))
}

/// A word to the other side, for any action but `reschedule`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ActionRequest {
    /// Up to 1000 characters.
    #[schema(
        max_length = 1000,
        example = "Merci d'apporter vos derniers résultats."
    )]
    pub message: Option<String>,
}

/// Move an appointment along. Patients cancel (before the doctor's cut-off);
/// doctors accept, refuse, cancel, and mark completed or no-show. The body is
/// optional.
#[utoipa::path(post, path = "/api/v1/appointments/{id}/{action}/", tag = "appointments", request_body = ActionRequest, security(("bearer" = [])),
    params(("id" = i64, Path, minimum = 1), ("action" = String, Path, pattern = "^(accept|refuse|cancel|complete|no-show)$", description = "accept | refuse | cancel | complete | no-show")),
    responses(
        (status = 200, body = AppointmentBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
    ))]
pub async fn act(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath((id, action)): ApiPath<(i64, String)>,
    OptionalJson(body): OptionalJson<ActionRequest>,
) -> Result<Json<AppointmentBody>, ApiError> {
    let action = match action.as_str() {
        "accept" => Action::Accept,
        "refuse" => Action::Refuse,
        "cancel" => Action::Cancel,
        "complete" => Action::Complete,
        "no-show" => Action::MarkNoShow,
        _ => return Err(DomainError::NotFound("action").into()),
    };
    let appointments = &state.services.appointments;
    let now = Timestamp::now();
    Ok(Json(
        appointments
            .act(&principal, id, action, body.message.as_deref(), now)
            .await?
            .into(),
    ))
}

/// A new start for an appointment.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RescheduleRequest {
    /// Start of a free slot of the same doctor.
    #[schema(value_type = Instant)]
    pub start: String,
}

/// Move an appointment to another free slot of its doctor (its patient, before
/// the doctor's cut-off; or its doctor). It waits for the doctor's acceptance
/// again.
#[utoipa::path(post, path = "/api/v1/appointments/{id}/reschedule/", tag = "appointments", request_body = RescheduleRequest, security(("bearer" = [])),
    params(("id" = i64, Path, minimum = 1)),
    responses(
        (status = 200, body = AppointmentBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "The new slot is full, unavailable or overlaps another appointment", body = ErrorBody),
    ))]
pub async fn reschedule(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<RescheduleRequest>,
) -> Result<Json<AppointmentBody>, ApiError> {
    let start = bounds::parse_instant("start", &body.start)?;
    Ok(Json(
        state
            .services
            .appointments
            .reschedule(&principal, id, start, Timestamp::now())
            .await?
            .into(),
    ))
}
