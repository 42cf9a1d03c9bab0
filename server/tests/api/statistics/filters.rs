//! Bad filters refused by the name of the field, and the tables downloaded
//! as CSV.

use super::{PERIOD, fortnight, stats};
use crate::common::spawn_app;
use domain::accounts::Role;

#[tokio::test]
async fn bad_filters_are_refused_by_name_and_tables_download_as_csv() {
    let app = spawn_app().await;
    let (a, _, _) = fortnight(&app).await;
    let (_, admin, _) = app.user_with_tokens(Role::Admin, "chef").await;
    for (query, field) in [
        ("?from=2026-11-15&to=2026-11-02", "to"),
        ("?from=2025-01-01&to=2026-11-02", "to"),
        ("?from=2026-13-01", "from"),
        ("?tz=Mars%2FOlympus", "tz"),
        ("?specialty=astrology", "specialty"),
        ("?doctor_id=0", "doctor_id"),
        ("?doctor_id=999999", "doctor_id"),
        ("?from=", "from"),
    ] {
        let (status, body) = stats(&app, &admin, query).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["field"], field, "{query}: {body}");
    }
    let patient_as_doctor = app.create_user(Role::Patient, "not.a.doctor").await;
    let (status, _) = stats(&app, &admin, &format!("?doctor_id={patient_as_doctor}")).await;
    assert_eq!(status, 400);

    let response = app
        .get_auth(
            &format!("/api/v1/stats/appointments.csv{PERIOD}&tz=Europe%2FParis"),
            &admin,
        )
        .await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("stats-appointments-2026-11-02-2026-11-15.csv")
    );
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "day,completed,confirmed,pending,no_show,cancelled,refused,total"
    );
    assert_eq!(lines.len(), 15);
    assert!(lines.contains(&"2026-11-02,1,0,0,1,1,0,3"), "{csv}");
    assert!(lines.contains(&"2026-11-10,0,0,1,0,0,0,1"), "{csv}");
    let doctors = app
        .get_auth(&format!("/api/v1/stats/doctors.csv{PERIOD}"), &admin)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        doctors
            .lines()
            .any(|l| l.starts_with(&format!("{a},Test dr.cardio,cardiology,10,5,0.5000"))),
        "{doctors}"
    );
    let alerts = app
        .get_auth(&format!("/api/v1/stats/alerts.csv{PERIOD}"), &admin)
        .await
        .text()
        .await
        .unwrap();
    assert!(alerts.contains("critical,3,3,120,600"), "{alerts}");
    for bad in ["nothing.csv", "appointments.json", "appointments"] {
        let response = app.get_auth(&format!("/api/v1/stats/{bad}"), &admin).await;
        assert_eq!(response.status(), 404, "{bad}");
    }
}
