//! The device registry: its policy, and only a hash of each device's secret kept.

use crate::common::iot::{device_form, register, ward};
use crate::common::{parts, spawn_app};

#[tokio::test]
async fn the_registry_follows_the_policy_and_keeps_only_a_hash() {
    let app = spawn_app().await;
    let w = ward(&app).await;
    let (id, token) = register(&app, &w, "AA:BB:CC:DD:EE:01").await;
    assert!(token.starts_with(&format!("dev_{id}.")));

    let stored: String = sqlx::query_scalar("SELECT secret_hash FROM devices WHERE id = $1")
        .bind(id)
        .fetch_one(app.state.services.db().pool())
        .await
        .unwrap();
    let secret = token.split_once('.').unwrap().1;
    assert!(
        !stored.contains(secret) && stored.len() == 64,
        "only a SHA-256 is kept"
    );

    // Who may register for this patient.
    for (n, (who, token, expected)) in [
        ("stranger", &w.stranger.1, 403),
        ("patient", &w.patient.1, 403),
        ("other patient", &w.other.1, 403),
        ("admin", &w.admin.1, 201),
    ]
    .into_iter()
    .enumerate()
    {
        let mac = format!("AA:BB:CC:DD:EF:{n:02X}");
        let (status, body) = parts(
            app.post_auth(
                "/api/iot/dispositifs/",
                token,
                device_form(w.patient.0, &mac),
            )
            .await,
        )
        .await;
        assert_eq!(status, expected, "{who}: {body}");
    }

    // Bad fields are named; a taken MAC is a conflict on it.
    let (status, body) = parts(
        app.post_auth(
            "/api/iot/dispositifs/",
            &w.doctor.1,
            device_form(w.patient.0, "AA:BB"),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("adresse_mac")),
        "{body}"
    );
    let (status, body) = parts(
        app.post_auth(
            "/api/iot/dispositifs/",
            &w.doctor.1,
            device_form(w.patient.0, "aa-bb-cc-dd-ee-01"),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (409, Some("adresse_mac")),
        "{body}"
    );

    // Reading the device: the patient and their doctor, not others, who
    // learn no more than of a device that does not exist.
    for (token, expected) in [
        (&w.patient.1, 200),
        (&w.doctor.1, 200),
        (&w.admin.1, 200),
        (&w.stranger.1, 404),
        (&w.other.1, 404),
    ] {
        let status = app
            .get_auth(&format!("/api/iot/dispositifs/{id}/"), token)
            .await
            .status()
            .as_u16();
        assert_eq!(status, expected);
    }
    let (status, list) = parts(app.get_auth("/api/iot/dispositifs/", &w.other.1).await).await;
    assert_eq!(
        (status, list["count"].as_i64()),
        (200, Some(0)),
        "another patient sees none"
    );
    let (_, list) = parts(app.get_auth("/api/iot/dispositifs/", &w.doctor.1).await).await;
    assert_eq!(list["count"].as_i64(), Some(2), "{list}");
}
