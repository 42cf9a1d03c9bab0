//! The portals' own rules, tested through the `app` crate's public items:
//! languages and their texts, session cookies, times in the reader's zone.

/// `app/src/i18n/mod.rs`
mod i18n {
    use app::i18n::{EN, FR, Lang};

    #[test]
    fn tags_parse() {
        assert_eq!(Lang::from_tag("en-GB"), Some(Lang::En));
        assert_eq!(Lang::from_tag("FR"), Some(Lang::Fr));
        assert_eq!(Lang::from_tag("de"), None);
        assert_eq!(Lang::default(), Lang::Fr);
    }

    #[test]
    fn every_error_code_of_the_domain_is_translated() {
        for code in [
            "required",
            "invalid_credentials",
            "rate_limited",
            "email_taken",
            "password_too_short",
        ] {
            assert_ne!(FR.error(code), FR.err_unexpected, "{code}");
            assert_ne!(EN.error(code), FR.error(code), "{code} untranslated");
        }
    }
}

/// `app/src/i18n/medical.rs`
mod medical_texts {
    use app::i18n::{EN, FR};

    #[test]
    fn the_medical_codes_and_fields_are_translated_in_both_languages() {
        for code in [
            "reason_length",
            "already_has_access",
            "already_in_care",
            "already_ended",
            "too_many",
            "invalid_choice",
            "in_future",
            "not_integer",
            "before_start",
            "invalid_number",
            "count_mismatch",
            "not_a_dose_time",
            "outside_treatment",
            "unknown_consultation",
            "invalid_postal_code",
        ] {
            assert_ne!(FR.error(code), FR.err_unexpected, "{code}");
            assert_ne!(EN.error(code), FR.error(code), "{code} untranslated");
        }
        for field in [
            "date_of_birth",
            "blood_group",
            "height_cm",
            "emergency_contact_phone",
            "mobile_phone",
            "postal_code",
            "cholesterol_level",
            "doctor_id",
            "patient_id",
            "medocs_name",
            "frequency",
            "duration_days",
            "started_on",
            "dose_times",
            "instructions",
        ] {
            assert!(FR.field(field).is_some(), "{field}");
            assert_ne!(FR.field(field), EN.field(field), "{field} untranslated");
        }
    }
}

/// `app/src/i18n/texts.rs`
mod texts_files {
    use app::i18n::texts::{SEPARATOR, Texts, base, file, parse};
    use app::i18n::{EN, FR, Tr};

    fn listed(tr: &Tr) -> Vec<&'static str> {
        let mut out = Vec::new();
        tr.list(&mut out);
        out
    }

    #[test]
    fn no_text_holds_the_separator() {
        for text in listed(&FR).into_iter().chain(listed(&EN)) {
            assert!(!text.contains(SEPARATOR), "{text:?}");
        }
    }

    #[test]
    fn a_file_rebuilds_the_same_texts() {
        let hash = base();
        let hash = hash.trim_start_matches("/texts/").trim_end_matches('/');
        for (tr, name) in [(&FR, "fr.txt"), (&EN, "en.txt")] {
            let content = file(hash, name).expect("served");
            let rebuilt = parse(content).expect("parsed");
            assert_eq!(listed(&rebuilt), listed(tr));
            assert_eq!(rebuilt.s.weekdays, tr.s.weekdays);
            assert_eq!(rebuilt.c.red_flag_patient, tr.c.red_flag_patient);
        }
    }

    #[test]
    fn other_files_are_refused() {
        let hash = base();
        let hash = hash.trim_start_matches("/texts/").trim_end_matches('/');
        assert!(file("0000000000000000", "fr.txt").is_none());
        assert!(file(hash, "de.txt").is_none());
        assert!(file(hash, "fr-FR.txt").is_none());
        assert!(file(hash, "fr").is_none());
        assert!(parse("trop court").is_none());
    }
}

/// `app/src/session.rs`
mod session {
    use app::i18n::Lang;
    use app::session::{CookiePolicy, LANG_COOKIE, read_cookie, request_lang};
    use axum::http::HeaderMap;
    use axum::http::header::COOKIE;
    use domain::services::TokenPair;

    #[test]
    fn cookies_are_read_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, "a=1; medplat_lang=en; b=2".parse().unwrap());
        assert_eq!(read_cookie(&headers, LANG_COOKIE).as_deref(), Some("en"));
        assert_eq!(request_lang(&headers), Lang::En);
    }

    #[test]
    fn french_is_the_default_whatever_the_browser_says() {
        let mut headers = HeaderMap::new();
        headers.insert(
            axum::http::header::ACCEPT_LANGUAGE,
            "en-US,en;q=0.8".parse().unwrap(),
        );
        assert_eq!(request_lang(&headers), Lang::Fr);
        assert_eq!(request_lang(&HeaderMap::new()), Lang::Fr);
    }

    #[test]
    fn session_cookies_are_http_only_and_same_site() {
        let tokens = TokenPair {
            access: "a".into(),
            refresh: "r".into(),
            access_expires_in: 300,
            refresh_expires_in: 86_400,
        };
        for cookie in (CookiePolicy { secure: true }).session(&tokens) {
            let text = cookie.to_string();
            assert!(
                text.contains("HttpOnly")
                    && text.contains("SameSite=Lax")
                    && text.contains("Secure"),
                "{text}"
            );
        }
    }
}

/// `app/src/time.rs`
mod time {
    use app::i18n::Lang;
    use app::time::{civil_in, hour_words, moment_words};
    use jiff::Timestamp;
    use jiff::civil::DateTime;

    fn dt(text: &str) -> DateTime {
        text.parse().unwrap()
    }

    #[test]
    fn today_is_said_and_other_days_dated() {
        let today = dt("2026-12-08T10:00").date();
        assert_eq!(
            moment_words(Lang::Fr, dt("2026-12-08T14:05"), today),
            "aujourd’hui 14:05"
        );
        assert_eq!(
            moment_words(Lang::En, dt("2026-12-08T14:05"), today),
            "today 14:05"
        );
        assert_eq!(
            moment_words(Lang::Fr, dt("2026-12-09T09:30"), today),
            "mer. 09/12 09:30"
        );
        assert_eq!(
            moment_words(Lang::En, dt("2026-12-09T09:30"), today),
            "Wed 9 Dec 09:30"
        );
        assert_eq!(
            moment_words(Lang::Fr, dt("2025-11-24T18:00"), today),
            "24/11/2025 18:00"
        );
        assert_eq!(
            moment_words(Lang::En, dt("2025-11-24T18:00"), today),
            "24 Nov 2025 18:00"
        );
    }

    #[test]
    fn instants_are_read_in_the_zone_asked() {
        let at: Timestamp = "2026-11-25T10:00:00Z".parse().unwrap();
        assert_eq!(hour_words(civil_in("Europe/Paris", at)), "11:00");
        assert_eq!(hour_words(civil_in("America/New_York", at)), "05:00");
        // The clocks change: summer time in Paris is UTC+2.
        let summer: Timestamp = "2026-07-01T10:00:00Z".parse().unwrap();
        assert_eq!(hour_words(civil_in("Europe/Paris", summer)), "12:00");
        assert_eq!(hour_words(civil_in("Nowhere/Unknown", at)), "10:00");
    }
}
