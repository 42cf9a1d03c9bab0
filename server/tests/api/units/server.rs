//! The server's small parts, tested through the `server` crate's public
//! items: settings, body errors, headers, the listener's error bodies, TwiML,
//! the device simulator, hashed site files and the sockets' guard.

/// `server/src/config.rs`
mod config {
    use server::config::Settings;
    use std::collections::HashMap;

    fn settings(pairs: &[(&str, &str)]) -> anyhow::Result<Settings> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_run_on_sqlite() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.addr.port(), 3000);
        assert_eq!(s.database_url, "sqlite://data/medplat.db");
        assert_eq!((s.access_ttl_secs, s.refresh_ttl_secs), (300, 86_400));
        assert!(s.demo_data);
    }

    #[test]
    fn bad_values_name_the_variable() {
        let err = settings(&[("PORT", "eighty")]).err().unwrap().to_string();
        assert!(err.contains("PORT"), "{err}");
        assert!(settings(&[("JWT_SECRET", "short")]).is_err());
        assert!(settings(&[("DEMO_DATA", "maybe")]).is_err());
    }

    #[test]
    fn debug_hides_secrets() {
        let s = settings(&[
            ("JWT_SECRET", "0123456789abcdef0123456789abcdef-secret"),
            ("DATABASE_URL", "postgres://app:hunter2@db:5432/medplat"),
        ])
        .unwrap();
        let shown = format!("{s:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("abcdef-secret"),
            "{shown}"
        );
        assert!(shown.contains("postgres://app:<redacted>@db:5432/medplat"));
    }
}

/// `server/src/extract.rs`
mod extract {
    use axum::response::Response;
    use serde::Deserialize;
    use server::extract::{param_names, parse_json};

    #[derive(Debug, Deserialize)]
    struct Form {
        #[allow(dead_code)]
        start: String,
        count: i64,
    }

    async fn body_of(response: Response) -> serde_json::Value {
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap_or_default();
        serde_json::from_slice(&bytes).unwrap_or_default()
    }

    #[tokio::test]
    async fn body_errors_name_the_field_not_the_value() {
        let Err(missing) = parse_json::<Form>(br#"{"count": 1}"#) else {
            panic!("accepted a form without start");
        };
        let body = body_of(missing).await;
        assert_eq!(body["code"], "required");
        assert_eq!(body["field"], "start");

        let Err(wrong) = parse_json::<Form>(br#"{"start": "x", "count": "many"}"#) else {
            panic!("accepted a string count");
        };
        let body = body_of(wrong).await;
        assert_eq!(body["code"], "invalid");
        assert_eq!(body["field"], "count");

        let Ok(form) = parse_json::<Form>(br#"{"start": "x", "count": 3.0}"#) else {
            panic!("refused 3.0 for an integer");
        };
        assert_eq!(form.count, 3);

        let Err(syntax) = parse_json::<Form>(b"{\"start\": ") else {
            panic!("accepted truncated JSON");
        };
        let body = body_of(syntax).await;
        assert_eq!(body["code"], "invalid_json");
        assert!(body.get("field").is_none());
    }

    #[test]
    fn templates_give_their_parameter_names() {
        assert_eq!(
            param_names("/api/v1/appointments/{id}/{action}/"),
            ["id", "action"]
        );
        assert!(param_names("/api/v1/users/").is_empty());
    }
}

/// `server/src/headers.rs`
mod headers {
    use server::headers::{CspNonce, page_policy};

    #[test]
    fn page_policy_allows_the_nonce_and_the_wasm_only() {
        let policy = page_policy("abc123");
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(!page_policy("").contains("nonce-"));
    }

    #[test]
    fn nonces_differ() {
        let (a, b) = (CspNonce::generate(), CspNonce::generate());
        assert_eq!(a.0.len(), 32);
        assert_ne!(a.0, b.0);
    }
}

/// `server/src/listener.rs`
mod listener {
    use server::listener::with_json_body;

    #[test]
    fn hyper_s_bodiless_errors_get_the_json_shape() {
        let head =
            b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\ndate: Sat, 05 Dec 2026 10:00:00 GMT\r\n\r\n";
        let answer = String::from_utf8(with_json_body(head).unwrap()).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 414 URI Too Long\r\n"), "{head}");
        assert!(head.contains("content-type: application/json"), "{head}");
        assert!(
            head.contains(&format!("content-length: {}", body.len())),
            "{head}"
        );
        assert!(head.contains("date: Sat"), "{head}");
        let body: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(body["code"], "uri_too_long");
    }

    #[test]
    fn anything_else_is_left_alone() {
        for bytes in [
            &b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"[..],
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 5\r\n\r\nhello",
            b"{\"HTTP/1.1 414 \": 1}",
        ] {
            assert!(
                with_json_body(bytes).is_none(),
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
}

/// `server/src/rest/webhooks.rs`
mod webhooks {
    #[test]
    fn twiml_text_is_escaped() {
        assert_eq!(
            server::rest::webhooks::escape("a < b & \"c\""),
            "a &lt; b &amp; &quot;c&quot;"
        );
    }
}

/// `server/src/simulate`
mod simulate {
    use server::simulate::{Rate, Scenario, values};

    #[test]
    fn rates_parse_with_their_unit() {
        assert_eq!("1/s".parse::<Rate>().unwrap().0, 1.0);
        assert_eq!("30/min".parse::<Rate>().unwrap().0, 0.5);
        assert!("0/s".parse::<Rate>().is_err());
        assert!("5/day".parse::<Rate>().is_err());
    }

    #[test]
    fn scenarios_shape_the_values() {
        let early = values(Scenario::Deteriorating, 0.0, 0, 0).unwrap();
        let late = values(Scenario::Deteriorating, 1.0, 0, 0).unwrap();
        assert!(late["spo2"].as_f64() < early["spo2"].as_f64());
        assert!(late["heart_rate"].as_f64().unwrap() >= 125.0);
        assert!(values(Scenario::Silent, 0.5, 0, 0).is_none());
        for step in 0..20 {
            let spo2 = values(Scenario::Flapping, 0.5, 0, step).unwrap()["spo2"]
                .as_f64()
                .unwrap();
            assert!((91.0..=93.0).contains(&spo2), "{spo2}");
        }
    }
}

/// `server/src/site.rs`
mod site {
    use server::site::{hash_of, is_hashed};

    #[test]
    fn hashed_names_are_recognised() {
        assert!(is_hashed("/pkg/medplat.aZ09-_aZ09-_aZ09-_aZ09.wasm"));
        assert!(!is_hashed("/pkg/medplat.wasm"));
        assert!(!is_hashed("/favicon.svg"));
        assert!(!is_hashed("/pkg/.aZ09-_aZ09-_aZ09-_aZ09.js"));
    }

    #[test]
    fn hash_file_lines_are_read() {
        let text = "js: AAA\nwasm: BBB\ncss: CCC\n";
        assert_eq!(hash_of(text, "css").as_deref(), Some("CCC"));
        assert_eq!(hash_of(text, "wasm").as_deref(), Some("BBB"));
        assert_eq!(hash_of(text, "manifest"), None);
    }
}

/// `server/src/ws/chatbot.rs`
mod chatbot_socket {
    use server::ws::chatbot::question;

    #[test]
    fn messages_are_read_as_the_seed_sends_them() {
        assert_eq!(
            question(r#"{"message":"Bonjour gemini!"}"#).unwrap(),
            "Bonjour gemini!"
        );
        assert!(question("Bonjour").is_err());
        assert!(question(r#"{"text":"Bonjour"}"#).is_err());
        assert!(question(r#"{"message":3}"#).is_err());
    }
}

/// `server/src/ws/guard.rs`
mod socket_guard {
    use axum::http::{HeaderMap, header};
    use server::ws::guard::{Flood, Rate, Verdict, origin_allowed};
    use std::time::Duration;

    fn headers(origin: Option<&str>, host: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, host.parse().unwrap());
        if let Some(origin) = origin {
            h.insert(header::ORIGIN, origin.parse().unwrap());
        }
        h
    }

    #[test]
    fn the_site_itself_and_listed_origins_only() {
        let allowed = vec!["https://app.clinique.fr".to_owned()];
        assert!(origin_allowed(&headers(None, "medplat.fr"), &allowed));
        assert!(origin_allowed(
            &headers(Some("https://medplat.fr"), "medplat.fr"),
            &allowed
        ));
        assert!(origin_allowed(
            &headers(Some("http://127.0.0.1:3000"), "127.0.0.1:3000"),
            &allowed
        ));
        assert!(origin_allowed(
            &headers(Some("https://APP.clinique.fr/"), "medplat.fr"),
            &allowed
        ));
        assert!(!origin_allowed(
            &headers(Some("https://evil.example"), "medplat.fr"),
            &allowed
        ));
        assert!(!origin_allowed(
            &headers(Some("https://medplat.fr.evil.example"), "medplat.fr"),
            &allowed
        ));
        assert!(!origin_allowed(
            &headers(Some("null"), "medplat.fr"),
            &allowed
        ));
    }

    #[test]
    fn a_flood_is_refused_then_closed() {
        let flood = Flood::new(Rate {
            per_second: 1,
            burst: 3,
        });
        let verdicts: Vec<Verdict> = (0..10).map(|_| flood.check()).collect();
        assert!(verdicts[..3].iter().all(|v| *v == Verdict::Take));
        assert!(verdicts[3..6].iter().all(
            |v| matches!(v, Verdict::Refuse { retry_after } if *retry_after > Duration::ZERO)
        ));
        assert_eq!(verdicts[6], Verdict::Close);
    }
}
