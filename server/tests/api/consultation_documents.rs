//! Around a consultation record: the thread with its notifications and read
//! marks, treatments prescribed from a record, and the PDFs of the report
//! and the prescription read back.

use crate::common;

use common::medical::*;
use common::records::*;
use common::spawn_app;
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_thread_notifies_the_other_side_and_marks_what_was_read() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    let doctor = &w.by_appointment;
    let id = open(&app, &w, json!({"reason": "Suivi de tension"})).await;
    let messages = format!("/api/v1/consultations/{id}/messages/");

    assert_eq!(get(&app, &w.patient, &messages).await.body, json!([]));
    field_error(
        &post(&app, &w.patient, &messages, json!({"body": "   "})).await,
        "body",
    );
    let sent = post(
        &app,
        &w.patient,
        &messages,
        json!({"body": "Dois-je venir à jeun ?"}),
    )
    .await;
    assert_eq!(sent.status, 201, "{}", sent.text);
    assert_eq!(sent.body["mine"], true);
    assert_eq!(sent.body["channel"], "portal");
    assert_eq!(sent.body["read_at"], Value::Null);
    assert_trail(
        &sent,
        &want(
            &w.patient,
            "create",
            "consultation_message",
            w.patient.id,
            Trail::Allowed,
        ),
        "posting",
    );
    assert!(
        kinds_of_notifications(&app, doctor.id)
            .await
            .contains(&"consultation_message".to_owned())
    );
    // The notification never carries the text.
    let data: Vec<String> =
        sqlx::query_scalar("SELECT data FROM notifications WHERE kind = 'consultation_message'")
            .fetch_all(app.state.services.db().pool())
            .await
            .unwrap();
    assert!(data.iter().all(|d| !d.contains("jeun")), "{data:?}");

    let listed = get(&app, doctor, "/api/v1/consultations/").await;
    assert_eq!(listed.body[0]["unread_messages"], 1, "{}", listed.text);
    // An emergency reader sees the thread without marking it read.
    let emergency = get(&app, &w.emergency, &messages).await;
    assert_eq!(emergency.body[0]["body"], "Dois-je venir à jeun ?");
    assert_eq!(emergency.body[0]["read_at"], Value::Null);
    let read = get(&app, doctor, &messages).await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.body[0]["mine"], false);
    assert_eq!(read.body[0]["sender"]["id"], w.patient.id);
    assert_trail(
        &read,
        &want(
            doctor,
            "read",
            "consultation_message",
            w.patient.id,
            Trail::Allowed,
        ),
        "reading",
    );
    assert_eq!(
        get(&app, doctor, "/api/v1/consultations/").await.body[0]["unread_messages"],
        0
    );

    let answer = post(
        &app,
        doctor,
        &messages,
        json!({"body": "Oui, pour la prise de sang."}),
    )
    .await;
    assert_eq!(answer.status, 201, "{}", answer.text);
    assert!(
        kinds_of_notifications(&app, w.patient.id)
            .await
            .contains(&"consultation_message".to_owned())
    );
    let seen = get(&app, &w.patient, &messages).await.body;
    let thread = seen.as_array().unwrap();
    assert_eq!(thread.len(), 2);
    assert!(
        thread[0]["read_at"].is_string(),
        "the doctor read it: {seen}"
    );
    assert_eq!(thread[1]["body"], "Oui, pour la prise de sang.");
    assert_eq!(thread[1]["mine"], false);
}

/// The text a PDF shows: its literal and hexadecimal strings, read as
/// WinAnsi (Latin-1 for the letters used here), joined by spaces.
fn pdf_text(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'<' && bytes.get(i + 1) == Some(&b'<') {
            i += 2;
            continue;
        }
        if bytes[i] == b'<' {
            let end = i + bytes[i..].iter().position(|&b| b == b'>').unwrap();
            let hex: Vec<u8> = bytes[i + 1..end]
                .iter()
                .copied()
                .filter(u8::is_ascii_hexdigit)
                .collect();
            for pair in hex.chunks(2) {
                let byte = u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap();
                out.push(byte as char);
            }
            out.push(' ');
            i = end + 1;
            continue;
        }
        if bytes[i] != b'(' {
            i += 1;
            continue;
        }
        let (mut depth, mut s) = (1, Vec::new());
        i += 1;
        while i < bytes.len() && depth > 0 {
            match bytes[i] {
                b'\\' if i + 1 < bytes.len() => {
                    i += 1;
                    let digits = bytes[i..]
                        .iter()
                        .take(3)
                        .take_while(|b| (b'0'..=b'7').contains(b))
                        .count();
                    if digits > 0 {
                        let octal = std::str::from_utf8(&bytes[i..i + digits]).unwrap();
                        s.push(u8::from_str_radix(octal, 8).unwrap());
                        i += digits - 1;
                    } else {
                        s.push(match bytes[i] {
                            b'n' => b'\n',
                            b'r' => b'\r',
                            b't' => b'\t',
                            other => other,
                        });
                    }
                }
                b'(' => {
                    depth += 1;
                    s.push(b'(');
                }
                b')' => {
                    depth -= 1;
                    if depth > 0 {
                        s.push(b')');
                    }
                }
                other => s.push(other),
            }
            i += 1;
        }
        out.extend(s.iter().map(|&b| b as char));
        out.push(' ');
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_validated_record_and_its_prescription_print_with_the_doctors_letterhead() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    let doctor = &w.by_appointment;
    let id = open(&app, &w, json!({"reason": "Essoufflement à l'effort"})).await;
    let base = format!("/api/v1/consultations/{id}");
    let profile = send(
        &app,
        doctor,
        Method::PATCH,
        "/api/v1/profile/",
        Some(json!({
            "address": "12 rue de la Paix, 75002 Paris", "phone": "+33 1 42 00 00 00"
        })),
    )
    .await;
    assert!(profile.status == 200, "{}", profile.text);

    // Prescribed from the record; a record of another patient is refused.
    let prescribed = post(
        &app,
        doctor,
        "/api/treatments/",
        json!({
            "medocs_name": "Bisoprolol 2,5 mg", "frequency": 1, "duration_days": 30,
            "patient_id": w.patient.id, "consultation_id": id, "instructions": "Le matin"
        }),
    )
    .await;
    assert_eq!(prescribed.status, 201, "{}", prescribed.text);
    assert_eq!(prescribed.body["consultation_id"], id);
    let wrong = post(
        &app,
        &w.other_patient,
        "/api/treatments/",
        json!({
            "medocs_name": "Doliprane", "frequency": 1, "duration_days": 3, "consultation_id": id
        }),
    )
    .await;
    field_error(&wrong, "consultation_id");

    assert_eq!(
        post(&app, &w.patient, &format!("{base}/submit/"), json!({}))
            .await
            .status,
        200
    );
    let exam = json!({"diagnosis": "Insuffisance cardiaque débutante", "icd10_code": "I50.9"});
    assert_eq!(
        patch(
            &app,
            doctor,
            &format!("{base}/"),
            json!({"examination": exam})
        )
        .await
        .status,
        200
    );
    let validated = post(&app, doctor, &format!("{base}/validate/"), json!({})).await;
    assert_eq!(validated.status, 200, "{}", validated.text);
    assert_eq!(
        validated.body["prescriptions"][0]["medocs_name"],
        "Bisoprolol 2,5 mg"
    );

    let pdf = send(&app, &w.patient, Method::GET, &format!("{base}/pdf/"), None).await;
    assert_eq!(pdf.status, 200, "{}", pdf.text);
    assert_eq!(pdf.content_type, "application/pdf");
    assert_trail(
        &pdf,
        &want(
            &w.patient,
            "export",
            "consultation",
            w.patient.id,
            Trail::Allowed,
        ),
        "printing",
    );
    let bytes = app
        .client
        .get(app.url(&format!("{base}/pdf/")))
        .bearer_auth(&doctor.token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let text = pdf_text(&bytes);
    for expected in [
        "Compte rendu de consultation",
        "dr.appointment",
        "12 rue de la Paix",
        "Essoufflement",
        "Insuffisance cardiaque",
        "I50.9",
        "Bisoprolol",
    ] {
        assert!(text.contains(expected), "{expected:?} in {text}");
    }
    let english = app
        .client
        .get(app.url(&format!("{base}/pdf/?lang=en")))
        .bearer_auth(&doctor.token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(pdf_text(&english).contains("Consultation report"));
    field_error(
        &get(&app, doctor, &format!("{base}/pdf/?lang=de")).await,
        "lang",
    );

    let prescription = app
        .client
        .get(app.url(&format!("{base}/prescription/pdf/")))
        .bearer_auth(&w.patient.token)
        .send()
        .await
        .unwrap();
    assert_eq!(prescription.status(), 200);
    let text = pdf_text(&prescription.bytes().await.unwrap());
    for expected in [
        "Ordonnance",
        "Bisoprolol 2,5 mg",
        "Le matin",
        "+33142000000",
    ] {
        assert!(text.contains(expected), "{expected:?} in {text}");
    }
    // A record with nothing prescribed has no prescription.
    let bare = post(
        &app,
        &w.assigned,
        "/api/v1/consultations/",
        json!({"patient_id": w.patient.id}),
    )
    .await;
    let bare_id = bare.body["id"].as_i64().unwrap();
    let none = get(
        &app,
        &w.assigned,
        &format!("/api/v1/consultations/{bare_id}/prescription/pdf/"),
    )
    .await;
    assert_eq!(none.status, 404, "{}", none.text);
}
