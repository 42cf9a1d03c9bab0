//! The OpenAPI document (`/api/openapi.json`) and Swagger UI (`/api/docs/`),
//! served from files built into the binary (works offline).

use axum::Router;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

use domain::wire_formats::{ClockTime, ConsultationKind, Day, Instant, RoleName};

use super::required::RequiredFields;
use super::responses::CommonResponses;
use super::{
    account_settings, accounts, activity, appointments, availability, calendars, chat,
    consultations, doctors, exceptions, exports, health, iot, medical, messages, settings, slots,
    specialties, stats, symptoms, tokens, treatments, waitlist, webhooks,
};
use crate::state::AppState;

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "MedPlat API", description = "REST API of the medical platform. Errors share one shape: `{code, detail, field?}`."),
    paths(
        tokens::obtain, tokens::refresh, tokens::logout,
        accounts::register, accounts::me, accounts::list, accounts::create_staff, accounts::one,
        accounts::deactivate,
        accounts::reactivate,
        account_settings::update_me, account_settings::change_password, account_settings::update_account,
        account_settings::issue_reset, account_settings::reset_password,
        specialties::specialties, specialties::create, specialties::update, specialties::remove,
        availability::list, availability::create, availability::one, availability::replace, availability::patch,
        availability::remove, availability::available_slots, exceptions::list_exceptions,
        exceptions::create_exception, exceptions::one_exception, exceptions::replace_exception, exceptions::patch_exception,
        exceptions::remove_exception, exceptions::schedule, exceptions::update_schedule,
        doctors::list, doctors::search, doctors::one, doctors::my_profile, doctors::update_profile,
        slots::create, slots::available, slots::reserve, slots::of_doctor, slots::of_patient,
        waitlist::join, waitlist::mine, waitlist::leave, waitlist::accept, waitlist::notifications,
        waitlist::mark_read,
        calendars::availability_ics, calendars::feed_info, calendars::renew, calendars::revoke,
        appointments::book, appointments::list, appointments::one, appointments::act, appointments::reschedule,
        medical::profile, medical::save_profile, medical::care_team, medical::break_glass,
        medical::relationships, medical::assign, medical::end, medical::my_trail, medical::search_trail,
        medical::export_trail,
        treatments::list, treatments::create, treatments::one, treatments::replace, treatments::remove,
        treatments::day, treatments::record_dose,
        consultations::list, consultations::create, consultations::one, consultations::change,
        consultations::submit, consultations::validate, consultations::reject, consultations::add_addendum,
        consultations::messages, consultations::post_message, consultations::record_pdf, consultations::prescription_pdf,
        chat::rooms, chat::history, chat::post,
        symptoms::check, symptoms::models, symptoms::train, symptoms::activate,
        iot::devices::list, iot::devices::register, iot::devices::one, iot::devices::replace, iot::devices::remove,
        iot::devices::status, iot::devices::latest_data, iot::devices::rekey, iot::devices::revoke, iot::devices::send_command,
        iot::wards::list, iot::wards::create, iot::wards::one, iot::wards::replace, iot::wards::remove, iot::wards::board, iot::wards::my_board,
        iot::sessions::all, iot::sessions::active, iot::alerts::list, iot::alerts::active, iot::alerts::critical, iot::alerts::acknowledge, iot::alerts::rules, iot::alerts::set_rules,
        iot::data::ingest, iot::data::add, iot::data::list, iot::data::statistics, iot::data::real_time, iot::data::latest_data, iot::data::news2,
        messages::preferences, messages::set_preferences, messages::mine, messages::outbound,
        messages::events, webhooks::whatsapp, webhooks::sms, webhooks::status,
        exports::list, exports::create, exports::preview, exports::one, exports::remove, exports::download,
        health::health,
        health::ready,
        activity::search, activity::export,
        stats::figures, stats::table,
        settings::read, settings::change,
    ),
    components(schemas(Instant, Day, ClockTime, ConsultationKind, RoleName)),
    modifiers(&BearerAuth, &CommonResponses, &RequiredFields),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// Swagger UI and the document.
pub fn router() -> Router<AppState> {
    Router::new().merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", ApiDoc::openapi()))
}
