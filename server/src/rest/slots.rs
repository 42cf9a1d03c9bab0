//! The seed API's slot and appointment routes, in the shapes existing clients
//! read: `POST /api/slots/` (doctors open a one-off slot), `GET
//! /api/slots/available/` and `POST /api/slots/reserve/` (patients),
//! `GET /api/appointments/doctor/` and `GET /api/appointments/patient/`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::accounts::Role;
use domain::scheduling::openings::OpeningForm;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::authn::CurrentUser;
use crate::extract::{ApiJson, ApiQuery};
use crate::http_error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/slots/", post(create))
        .route("/api/slots/available/", get(available))
        .route("/api/slots/reserve/", post(reserve))
        .route("/api/appointments/doctor/", get(of_doctor))
        .route("/api/appointments/patient/", get(of_patient))
}

/// A confirmation.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub message: String,
    /// The slot (`POST /api/slots/`) or the appointment (`reserve`).
    pub id: i64,
}

/// Open a one-off slot (doctors).
#[utoipa::path(post, path = "/api/slots/", tag = "seed", request_body = OpeningForm, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "Overlaps another slot or an exception", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiJson(form): ApiJson<OpeningForm>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let slot = state
        .services
        .scheduling
        .open_slot(&principal, &form, Timestamp::now())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(Created {
            message: "Slot crée avec succès".into(),
            id: slot.opening_id.unwrap_or_default(),
        }),
    ))
}

/// Somebody, as the seed names them.
#[derive(Debug, Serialize, ToSchema)]
pub struct Person {
    pub id: i64,
    pub name: String,
}

/// A one-off slot with places left.
#[derive(Debug, Serialize, ToSchema)]
pub struct AvailableSlot {
    pub id: i64,
    pub start_time: String,
    pub end_time: String,
    pub doctor: Person,
    pub remaining: i32,
    pub consultation_type: String,
    pub location: Option<String>,
}

/// Filter of the available slots.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AvailableQuery {
    /// One doctor only.
    #[param(minimum = 1)]
    pub doctor_id: Option<i64>,
}

/// One-off slots open for booking (patients), by start.
#[utoipa::path(get, path = "/api/slots/available/", tag = "seed", params(AvailableQuery), security(("bearer" = [])),
    responses((status = 200, body = [AvailableSlot]), (status = 403, body = ErrorBody)))]
pub async fn available(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(query): ApiQuery<AvailableQuery>,
) -> Result<Json<Vec<AvailableSlot>>, ApiError> {
    let services = &state.services;
    let slots = services
        .scheduling
        .bookable_openings(
            &principal,
            domain::bounds::optional_id("doctor_id", query.doctor_id)?,
            Timestamp::now(),
        )
        .await?;
    let doctors = services.directory.doctors(&Default::default()).await?;
    let name = |id: i64| {
        doctors
            .iter()
            .find(|d| d.id == id)
            .map(|d| format!("Dr. {} {}", d.first_name, d.last_name))
            .unwrap_or_default()
    };
    Ok(Json(
        slots
            .into_iter()
            .map(|f| AvailableSlot {
                id: f.slot.opening_id.unwrap_or_default(),
                start_time: f.slot.starts_at.to_string(),
                end_time: f.slot.ends_at.to_string(),
                doctor: Person {
                    id: f.doctor_id,
                    name: name(f.doctor_id),
                },
                remaining: f.remaining,
                consultation_type: f.slot.consultation_type.as_str().into(),
                location: f.slot.location,
            })
            .collect(),
    ))
}

/// A reservation.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReserveRequest {
    #[schema(minimum = 1, example = 1)]
    pub slot_id: i64,
    #[schema(minimum = 1, example = 2)]
    pub doctor_id: i64,
}

/// Reserve a one-off slot (patients); the appointment then waits for the doctor.
#[utoipa::path(post, path = "/api/slots/reserve/", tag = "seed", request_body = ReserveRequest, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Full, or overlapping another appointment of the patient", body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn reserve(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiJson(body): ApiJson<ReserveRequest>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let (slot_id, doctor_id) = (body.slot_id, body.doctor_id);
    let appointment = state
        .services
        .appointments
        .reserve(&principal, slot_id, doctor_id, Timestamp::now())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(Created {
            message: "Slot réservé avec succès".into(),
            id: appointment.id,
        }),
    ))
}

/// A slot's times.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlotTimes {
    pub start_time: String,
    pub end_time: String,
}

/// An appointment in the seed's shape: the other person and the slot.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeedAppointment {
    pub id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patient: Option<Person>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doctor: Option<Person>,
    pub slot: SlotTimes,
    pub status: String,
    pub consultation_type: String,
}

async fn seed_list(
    state: &AppState,
    principal: &domain::auth::Principal,
    role: Role,
) -> Result<Json<Vec<SeedAppointment>>, ApiError> {
    let appointments = &state.services.appointments;
    let rows = appointments.appointments_as(principal, role).await?;
    let names = appointments.names(&rows).await?;
    let person = |id: i64, doctor: bool| Person {
        id,
        name: names
            .get(&id)
            .map(|n| {
                if doctor {
                    format!("Dr. {n}")
                } else {
                    n.clone()
                }
            })
            .unwrap_or_default(),
    };
    Ok(Json(
        rows.into_iter()
            .map(|a| SeedAppointment {
                id: a.id,
                patient: (role == Role::Doctor).then(|| person(a.patient_id, false)),
                doctor: (role == Role::Patient).then(|| person(a.doctor_id, true)),
                slot: SlotTimes {
                    start_time: a.starts_at.to_string(),
                    end_time: a.ends_at.to_string(),
                },
                status: a.status.as_str().into(),
                consultation_type: a.consultation_type.as_str().into(),
            })
            .collect(),
    ))
}

/// The doctor's appointments, with their patients (doctors).
#[utoipa::path(get, path = "/api/appointments/doctor/", tag = "seed", security(("bearer" = [])),
    responses((status = 200, body = [SeedAppointment]), (status = 403, body = ErrorBody)))]
pub async fn of_doctor(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
) -> Result<Json<Vec<SeedAppointment>>, ApiError> {
    seed_list(&state, &principal, Role::Doctor).await
}

/// The patient's appointments, with their doctors (patients).
#[utoipa::path(get, path = "/api/appointments/patient/", tag = "seed", security(("bearer" = [])),
    responses((status = 200, body = [SeedAppointment]), (status = 403, body = ErrorBody)))]
pub async fn of_patient(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
) -> Result<Json<Vec<SeedAppointment>>, ApiError> {
    seed_list(&state, &principal, Role::Patient).await
}
