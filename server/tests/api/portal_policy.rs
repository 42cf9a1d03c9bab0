//! The medical-data policy through the portal's door: the server functions
//! the pages call, tried by every role and relationship of `World` over
//! HTTP (as the hydrated pages call them), and pages rendered on the server,
//! with what each left in the access trail — one entry per access, door
//! `web`, however often Leptos builds a page while rendering it.

use crate::common;

use std::sync::atomic::{AtomicU64, Ordering};

use app::api::appointments::{ActOnAppointment, ListAppointments};
use app::api::medical::{BreakGlass, CareRelationships, MyAccessTrail, ReadMedicalProfile};
use app::api::vitals::VitalsOverview;
use common::medical::*;
use common::{TestApp, spawn_app};
use leptos::server_fn::ServerFn;
use serde_json::Value;

static CALLS: AtomicU64 = AtomicU64::new(1);

/// Calls the server function at `path` as `actor` with its form-encoded
/// arguments (the portal's encoding), and collects the trail entries.
async fn call(app: &TestApp, actor: &Actor, path: &str, args: &[(&str, String)]) -> Sent {
    let request_id = format!("fn-{}", CALLS.fetch_add(1, Ordering::Relaxed));
    let before = trail_head(app).await;
    let response = app
        .client
        .post(app.url(path))
        .header("cookie", format!("medplat_access={}", actor.token))
        .header("x-request-id", &request_id)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(args).unwrap())
        .send()
        .await
        .unwrap();
    collect(app, response, request_id, before).await
}

/// A page rendered on the server for `actor`.
async fn page(app: &TestApp, actor: &Actor, path: &str) -> Sent {
    let request_id = format!("page-{}", CALLS.fetch_add(1, Ordering::Relaxed));
    let before = trail_head(app).await;
    let response = app
        .client
        .get(app.url(path))
        .header("cookie", format!("medplat_access={}", actor.token))
        .header("x-request-id", &request_id)
        .send()
        .await
        .unwrap();
    collect(app, response, request_id, before).await
}

async fn collect(
    app: &TestApp,
    response: reqwest::Response,
    request_id: String,
    before: i64,
) -> Sent {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Sent {
        status,
        body,
        text,
        content_type,
        request_id,
        door: "web",
        entries: trail_after(app, before).await,
    }
}

/// Tries one server function as every actor of `rows`: allowed calls answer
/// 200, refused ones the portal's error with `permission_denied`.
#[allow(clippy::too_many_arguments)]
async fn fn_table(
    app: &TestApp,
    path: &str,
    args: &[(&str, String)],
    action: &str,
    resource: &str,
    patient: i64,
    rows: &[(&Actor, bool, Trail)],
) -> Vec<Sent> {
    let mut all = Vec::new();
    for (actor, allowed, trail) in rows {
        let sent = call(app, actor, path, args).await;
        let what = format!("{path} as {}", actor.label);
        if *allowed {
            assert_eq!(sent.status, 200, "{what}: {}", sent.text);
        } else {
            assert_ne!(sent.status, 200, "{what}: {}", sent.text);
            assert_eq!(
                sent.body["code"], "permission_denied",
                "{what}: {}",
                sent.text
            );
        }
        assert_trail(
            &sent,
            &want(actor, action, resource, patient, *trail),
            &what,
        );
        all.push(sent);
    }
    all
}

/// Who reads a patient's clinical data (profile, vitals): the patient, the
/// doctors in their care, a doctor under emergency access; nobody else.
fn clinical_reads(w: &World) -> [(&Actor, bool, Trail); 9] {
    use Trail::*;
    [
        (&w.patient, true, Allowed),
        (&w.by_appointment, true, Allowed),
        (&w.assigned, true, Allowed),
        (&w.withdrawn, false, Refused),
        (&w.stranger, false, Refused),
        (&w.emergency, true, AllowedEmergency),
        (&w.expired, false, Refused),
        (&w.admin, false, Refused),
        (&w.other_patient, false, Refused),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_functions_read_medical_data_as_the_policy_says() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    use Trail::*;
    let of_patient = [("patient_id", w.patient.id.to_string())];

    let reads = fn_table(
        &app,
        ReadMedicalProfile::PATH,
        &of_patient,
        "read",
        "medical_profile",
        w.patient.id,
        &clinical_reads(&w),
    )
    .await;
    assert_eq!(reads[0].body["patient_id"], w.patient.id);
    // Without a patient: the caller's own profile.
    let own = call(&app, &w.patient, ReadMedicalProfile::PATH, &[]).await;
    assert_eq!(own.status, 200, "{}", own.text);
    assert_trail(
        &own,
        &want(&w.patient, "read", "medical_profile", w.patient.id, Allowed),
        "own profile",
    );

    let overview_args = [
        ("patient_id", w.patient.id.to_string()),
        ("window", "day".to_owned()),
    ];
    fn_table(
        &app,
        VitalsOverview::PATH,
        &overview_args,
        "read",
        "vitals",
        w.patient.id,
        &clinical_reads(&w),
    )
    .await;

    // The patient's own care team is a recorded read.
    let team = call(
        &app,
        &w.patient,
        CareRelationships::PATH,
        &[("with_ended", "true".to_owned())],
    )
    .await;
    assert_eq!(team.status, 200, "{}", team.text);
    assert_eq!(team.body.as_array().map(Vec::len), Some(3), "{}", team.text);
    assert_trail(
        &team,
        &want(
            &w.patient,
            "read",
            "care_relationship",
            w.patient.id,
            Allowed,
        ),
        "care team",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_functions_break_the_glass_and_show_the_patient_who_saw_their_data() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    use Trail::*;
    let args = [
        ("patient_id", w.patient.id.to_string()),
        (
            "reason",
            "Patient admis inconscient aux urgences".to_owned(),
        ),
    ];
    fn_table(
        &app,
        BreakGlass::PATH,
        &args,
        "break_glass",
        "emergency_access",
        w.patient.id,
        &[
            (&w.patient, false, Refused),
            (&w.admin, false, Refused),
            (&w.other_patient, false, Refused),
            (&w.stranger, true, AllowedEmergency),
        ],
    )
    .await;
    // Now the stranger reads under emergency access.
    let read = call(
        &app,
        &w.stranger,
        ReadMedicalProfile::PATH,
        &[("patient_id", w.patient.id.to_string())],
    )
    .await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert!(read.entries.iter().all(|e| e.emergency), "flagged");

    // The patient sees it, newest first, and reading their own trail
    // records nothing more about them.
    let trail = call(
        &app,
        &w.patient,
        MyAccessTrail::PATH,
        &[("page", "1".to_owned())],
    )
    .await;
    assert_eq!(trail.status, 200, "{}", trail.text);
    let newest = &trail.body["entries"][0];
    assert_eq!(newest["actor_id"], w.stranger.id, "{}", trail.text);
    assert_eq!(newest["resource"], "medical_profile");
    assert_eq!(newest["door"], "web");
    assert_eq!(newest["emergency"], true);
    assert_trail(&trail, &[], "reading one's own trail");
    // Another patient's account sees none of it.
    let theirs = call(
        &app,
        &w.other_patient,
        MyAccessTrail::PATH,
        &[("page", "1".to_owned())],
    )
    .await;
    assert_eq!(theirs.status, 200, "{}", theirs.text);
    assert!(
        theirs.body["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["patient_id"] == w.other_patient.id),
        "{}",
        theirs.text
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appointment_reasons_through_the_portal_are_read_once_per_page_and_not_by_actions() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    use Trail::*;
    let list_args = [
        ("query[status]", String::new()),
        ("query[from]", String::new()),
        ("query[to]", String::new()),
    ];

    // Listing through the server function: one entry for the patient whose
    // reasons were read; none for an administrator (reasons blank).
    let doctor_list = call(&app, &w.by_appointment, ListAppointments::PATH, &list_args).await;
    assert_eq!(doctor_list.status, 200, "{}", doctor_list.text);
    assert_eq!(doctor_list.body[0]["reason"], "Douleur thoracique");
    assert_trail(
        &doctor_list,
        &want(
            &w.by_appointment,
            "read",
            "appointment_reason",
            w.patient.id,
            Allowed,
        ),
        "doctor's list",
    );
    let admin_list = call(&app, &w.admin, ListAppointments::PATH, &list_args).await;
    assert_eq!(admin_list.status, 200, "{}", admin_list.text);
    assert!(
        admin_list
            .body
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["reason"] == ""),
        "administrators see no reason: {}",
        admin_list.text
    );
    assert_trail(&admin_list, &[], "administrator's list");

    // A page rendered on the server reads the reasons once, although
    // Leptos builds its Suspense more than once. The agenda's week view: the
    // first free slot may be tomorrow (late in the day, booking notice).
    for (actor, path) in [
        (&w.patient, "/patient/appointments"),
        (&w.by_appointment, "/doctor/agenda?view=week"),
    ] {
        let rendered = page(&app, actor, path).await;
        assert_eq!(rendered.status, 200, "{path}");
        assert!(rendered.content_type.starts_with("text/html"), "{path}");
        assert!(
            rendered.text.contains("Douleur thoracique"),
            "{path} shows the reason"
        );
        assert_trail(
            &rendered,
            &want(actor, "read", "appointment_reason", w.patient.id, Allowed),
            path,
        );
    }

    // Accepting an appointment from the portal does not show its reason, so
    // it records no read of it (the care relationship already runs).
    let start = free_starts(&app, &w.by_appointment, &w.patient).await[0].clone();
    let second = book(
        &app,
        &w.patient,
        &w.by_appointment,
        &start,
        "Contrôle tensionnel",
    )
    .await;
    let done = call(
        &app,
        &w.by_appointment,
        ActOnAppointment::PATH,
        &[
            ("id", second.to_string()),
            ("action", "accept".to_owned()),
            ("message", String::new()),
        ],
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_trail(&done, &[], "accepting from the portal");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn medical_pages_rendered_on_the_server_leave_one_entry_per_read() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    let file = format!("/doctor/patients/{}", w.patient.id);
    for (actor, path, resource) in [
        (&w.patient, "/patient/profile", "medical_profile"),
        (&w.patient, "/patient/vitals", "vitals"),
        (&w.assigned, file.as_str(), "medical_profile"),
        (&w.emergency, file.as_str(), "medical_profile"),
    ] {
        let rendered = page(&app, actor, path).await;
        assert_eq!(rendered.status, 200, "{path}");
        let mut seen: Vec<(String, String, Option<i64>)> = rendered
            .entries
            .iter()
            .map(|e| (e.action.clone(), e.resource.clone(), e.patient_id))
            .collect();
        let total = seen.len();
        seen.sort();
        seen.dedup();
        assert_eq!(
            seen.len(),
            total,
            "{path} as {}: one entry per read: {seen:?}",
            actor.label
        );
        let reads = rendered
            .entries
            .iter()
            .filter(|e| e.action == "read" && e.resource == resource)
            .count();
        assert_eq!(reads, 1, "{path} as {}: {resource} read once", actor.label);
        for entry in &rendered.entries {
            assert_eq!(entry.door, "web", "{path}: {entry:?}");
            assert_eq!(entry.patient_id, Some(w.patient.id), "{path}: {entry:?}");
            let emergency = actor.label == w.emergency.label;
            assert_eq!(entry.emergency, emergency, "{path}: {entry:?}");
        }
    }
    // A doctor outside the team renders the file's page but reads nothing:
    // the refusal is recorded once.
    let refused = page(&app, &w.stranger, &file).await;
    assert_eq!(refused.status, 200);
    let refusals = refused.entries.iter().filter(|e| !e.allowed).count();
    assert!(refusals >= 1, "the refusal is recorded");
    assert!(refused.entries.iter().all(|e| !e.allowed), "nothing read");
}
