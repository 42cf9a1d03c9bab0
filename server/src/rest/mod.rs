//! The REST API: thin handlers over the domain services. Every route accepts
//! `Authorization: Bearer <access token>`.

pub mod account_settings;
pub mod accounts;
pub mod activity;
pub mod appointments;
pub mod availability;
pub mod calendars;
pub mod chat;
pub mod consultations;
pub mod doctors;
pub mod exceptions;
pub mod exports;
pub mod fhir;
pub mod health;
pub mod iot;
pub mod medical;
pub mod messages;
pub mod openapi;
pub mod rejections;
pub mod required;
pub mod responses;
pub mod settings;
pub mod slots;
pub mod specialties;
pub mod stats;
pub mod symptoms;
pub mod tokens;
pub mod treatments;
pub mod waitlist;
pub mod webhooks;

use axum::Router;
use axum::routing::any;

use crate::state::AppState;

/// All REST routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(tokens::router())
        .merge(accounts::router())
        .merge(account_settings::router())
        .merge(activity::router())
        .merge(stats::router())
        .merge(settings::router())
        .merge(availability::router())
        .merge(doctors::router())
        .merge(exceptions::router())
        .merge(appointments::router())
        .merge(slots::router())
        .merge(specialties::router())
        .merge(waitlist::router())
        .merge(calendars::router())
        .merge(medical::router())
        .merge(treatments::router())
        .merge(consultations::router())
        .merge(chat::router())
        .merge(symptoms::router())
        .merge(iot::router())
        .merge(messages::router())
        .merge(exports::router())
        .merge(webhooks::router())
        .merge(fhir::router())
        .merge(health::router())
        .merge(openapi::router())
        .route("/api/{*rest}", any(rejections::not_found))
        .route("/api", any(rejections::not_found))
        .route("/api/", any(rejections::not_found))
}
