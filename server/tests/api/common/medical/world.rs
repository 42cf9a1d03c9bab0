//! The [`World`]: everyone who may try a patient's data, in every relationship.

use super::{
    Actor, Trail, actor, assert_trail, book, free_starts, get, open_every_day, post, want,
};
use crate::common::TestApp;
use domain::accounts::Role;
use serde_json::json;

/// Sets an emergency access's end to now (it no longer opens anything).
pub async fn expire(app: &TestApp, grant_id: i64) {
    let now = jiff::Timestamp::now().as_millisecond();
    let done = sqlx::query("UPDATE emergency_access SET expires_at = $1 WHERE id = $2")
        .bind(now - 1)
        .bind(grant_id)
        .execute(app.state.services.db().pool())
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 1);
}

pub const REASON: &str = "Patient admis inconscient aux urgences";

/// Everyone who may try a patient's data, standing as the issue lists.
pub struct World {
    pub patient: Actor,
    pub other_patient: Actor,
    /// In care: accepted the patient's appointment.
    pub by_appointment: Actor,
    /// In care: assigned by an administrator.
    pub assigned: Actor,
    /// Was in care; the patient withdrew them.
    pub withdrawn: Actor,
    /// No relationship.
    pub stranger: Actor,
    /// Under emergency access.
    pub emergency: Actor,
    /// Emergency access that has expired.
    pub expired: Actor,
    pub admin: Actor,
    /// The appointment `by_appointment` accepted.
    pub appointment_id: i64,
    /// The relationship the patient ended.
    pub withdrawn_relationship: i64,
}

impl World {
    pub async fn new(app: &TestApp) -> Self {
        let patient = actor(app, Role::Patient, "marie").await;
        let other_patient = actor(app, Role::Patient, "paul").await;
        let by_appointment = actor(app, Role::Doctor, "dr.appointment").await;
        let assigned = actor(app, Role::Doctor, "dr.assigned").await;
        let withdrawn = actor(app, Role::Doctor, "dr.withdrawn").await;
        let stranger = actor(app, Role::Doctor, "dr.stranger").await;
        let emergency = actor(app, Role::Doctor, "dr.emergency").await;
        let expired = actor(app, Role::Doctor, "dr.expired").await;
        let admin = actor(app, Role::Admin, "admin").await;

        // Accepting an appointment starts the care relationship.
        open_every_day(app, &by_appointment).await;
        let start = free_starts(app, &by_appointment, &patient).await[0].clone();
        let appointment_id =
            book(app, &patient, &by_appointment, &start, "Douleur thoracique").await;
        let accepted = post(
            app,
            &by_appointment,
            &format!("/api/v1/appointments/{appointment_id}/accept/"),
            json!({}),
        )
        .await;
        assert_eq!(accepted.status, 200, "{}", accepted.text);
        assert_eq!(accepted.body["status"], "confirmed");
        let mut expected = want(
            &by_appointment,
            "create",
            "care_relationship",
            patient.id,
            Trail::Allowed,
        );
        expected.extend(want(
            &by_appointment,
            "read",
            "appointment_reason",
            patient.id,
            Trail::Allowed,
        ));
        assert_trail(
            &accepted,
            &expected,
            "accepting starts care and reads the reason",
        );

        for doctor in [&assigned, &withdrawn] {
            let sent = post(
                app,
                &admin,
                "/api/v1/care-relationships/",
                json!({"doctor_id": doctor.id, "patient_id": patient.id}),
            )
            .await;
            assert_eq!(sent.status, 201, "{}", sent.text);
            assert_eq!(sent.body["origin"], "assigned");
        }
        let withdrawn_relationship = relationship_of(app, &admin, &withdrawn, &patient).await;
        let sent = post(
            app,
            &patient,
            &format!("/api/v1/care-relationships/{withdrawn_relationship}/end/"),
            json!({}),
        )
        .await;
        assert_eq!(sent.status, 200, "{}", sent.text);
        assert_eq!(sent.body["end"], "withdrawn");

        for doctor in [&emergency, &expired] {
            let sent = post(
                app,
                doctor,
                &format!("/api/v1/patients/{}/emergency-access/", patient.id),
                json!({"reason": REASON}),
            )
            .await;
            assert_eq!(sent.status, 201, "{}", sent.text);
        }
        let expired_grant: i64 = sqlx::query_scalar(
            "SELECT id FROM emergency_access WHERE doctor_id = $1 AND patient_id = $2",
        )
        .bind(expired.id)
        .bind(patient.id)
        .fetch_one(app.state.services.db().pool())
        .await
        .unwrap();
        expire(app, expired_grant).await;

        Self {
            patient,
            other_patient,
            by_appointment,
            assigned,
            withdrawn,
            stranger,
            emergency,
            expired,
            admin,
            appointment_id,
            withdrawn_relationship,
        }
    }

    pub fn profile_path(&self) -> String {
        format!("/api/v1/patients/{}/profile/", self.patient.id)
    }
}

/// The id of the (latest) relationship of `doctor` with `patient`, as an
/// administrator lists it.
pub async fn relationship_of(app: &TestApp, admin: &Actor, doctor: &Actor, patient: &Actor) -> i64 {
    let sent = get(
        app,
        admin,
        &format!(
            "/api/v1/care-relationships/?doctor_id={}&patient_id={}&with_ended=true",
            doctor.id, patient.id
        ),
    )
    .await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    sent.body[0]["id"].as_i64().unwrap()
}
