//! Who reads which figures: a doctor their own only, a patient and an
//! anonymous caller nothing.

use super::{PERIOD, fortnight, level_of, stats};
use crate::common::spawn_app;

#[tokio::test]
async fn doctors_read_their_own_and_patients_nothing() {
    let app = spawn_app().await;
    let (a, b, _) = fortnight(&app).await;
    let (doctor, _) = app.login("dr.cardio").await;
    let (patient, _) = app.login("pat").await;

    let (status, own) = stats(&app, &doctor, PERIOD).await;
    assert_eq!(status, 200, "{own}");
    assert_eq!(own["doctor_id"].as_i64(), Some(a));
    assert_eq!(
        own["by_status"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["count"].as_i64().unwrap())
            .sum::<i64>(),
        6
    );
    assert!(own["assistant"].is_null() && own["delivery"].is_null());
    assert_eq!(level_of(&own, "warning")["raised"].as_i64(), Some(1));
    let (status, _) = stats(&app, &doctor, &format!("{PERIOD}&doctor_id={b}")).await;
    assert_eq!(status, 403, "another doctor's figures");
    let refused = app
        .get_auth(&format!("/api/v1/stats/delivery.csv{PERIOD}"), &doctor)
        .await;
    assert_eq!(refused.status(), 403);
    for path in [
        format!("/api/v1/stats/{PERIOD}"),
        format!("/api/v1/stats/appointments.csv{PERIOD}"),
    ] {
        assert_eq!(app.get_auth(&path, &patient).await.status(), 403, "{path}");
    }
    let anonymous = app
        .client
        .get(app.url("/api/v1/stats/"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}
