//! Signatures checked as Twilio computes them, and the check off only when said.

use super::{PUBLIC, SMS_PATH, WHATSAPP_PATH, deliver, events, platform};
use crate::common::spawn_with;
use crate::common::twilio::{TOKEN, Twilio, twilio_signature};
use serde_json::{Value, json};

#[tokio::test]
async fn signatures_are_checked_as_twilio_computes_them() {
    let twilio = Twilio::start().await.unwrap();
    let app = platform(&twilio).await;
    let url = format!("{PUBLIC}{WHATSAPP_PATH}");
    let params = [
        ("MessageSid", "SM00000000000000000000000000000001"),
        ("From", "whatsapp:+33612345678"),
        ("To", "whatsapp:+33757000000"),
        ("Body", "Bonjour"),
        ("ProfileName", "Claire"),
    ];
    let (status, body) = deliver(&app, WHATSAPP_PATH, &params, Some((TOKEN, &url))).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("<Response"), "TwiML: {body}");

    let forged = deliver(&app, WHATSAPP_PATH, &params, Some(("another-token", &url))).await;
    let stale = deliver(
        &app,
        WHATSAPP_PATH,
        &params,
        Some((
            TOKEN,
            "https://old-clinic.example/api/v1/webhooks/twilio/whatsapp/",
        )),
    )
    .await;
    let missing = deliver(&app, WHATSAPP_PATH, &params, None).await;
    for (what, (status, body)) in [
        ("forged", forged),
        ("stale URL", stale),
        ("missing", missing),
    ] {
        assert_eq!(status, 403, "{what}: {body}");
        let error: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(error["code"], "permission_denied", "{what}");
    }
    // A changed parameter breaks the signature too.
    let mut tampered = params;
    tampered[3] = ("Body", "Bonjour !");
    let request = app
        .client
        .post(app.url(WHATSAPP_PATH))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-twilio-signature", twilio_signature(TOKEN, &url, &params))
        .body(
            form_urlencoded::Serializer::new(String::new())
                .extend_pairs(tampered)
                .finish(),
        );
    assert_eq!(request.send().await.unwrap().status(), 403);

    let logged = events(&app).await;
    let refused: Vec<_> = logged.iter().filter(|e| e.0 == "refused").collect();
    assert_eq!(refused.len(), 4, "{logged:?}");
    assert_eq!(
        refused
            .iter()
            .filter(|e| e.1.as_deref() == Some("bad_signature"))
            .count(),
        3
    );
    assert!(
        refused
            .iter()
            .any(|e| e.1.as_deref() == Some("missing_signature"))
    );
    // The accepted one is logged once; the refused ones keep nothing of the message.
    assert_eq!(logged.iter().filter(|e| e.0 != "refused").count(), 1);
    assert!(refused.iter().all(|e| e.2.is_none()));

    // Not form-encoded: 415.
    let response = app
        .client
        .post(app.url(SMS_PATH))
        .json(&json!({"MessageSid": "SM1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
}

#[tokio::test]
async fn the_check_is_off_only_when_said_and_unset_tokens_refuse() {
    // No token set: every request is refused (nothing is accepted unsigned by default).
    let app = spawn_with(&[]).await;
    let params = [
        ("MessageSid", "SM2"),
        ("From", "+33612345678"),
        ("To", "+33757000000"),
    ];
    assert_eq!(deliver(&app, SMS_PATH, &params, None).await.0, 403);
    let app = spawn_with(&[("TWILIO_SIGNATURE_CHECK", "off")]).await;
    assert_eq!(deliver(&app, SMS_PATH, &params, None).await.0, 200);
    // Bad input is still named.
    let (status, body) = deliver(&app, SMS_PATH, &[("From", "+33612345678")], None).await;
    assert_eq!(status, 400);
    assert!(body.contains("MessageSid"), "{body}");
}
