//! The doctors' directory on SQLite and PostgreSQL.

use crate::support;

use domain::accounts::Role;
use domain::doctors::{LanguageList, ProfileForm, SpecialtyForm};
use domain::scheduling::ConsultationType;
use domain::scheduling::forms::AvailabilityForm;
use domain::services::Services;
use domain::services::directory::DoctorSearch;
use jiff::civil::date;
use support::{now, principal};

fn search(specialty: Option<&str>, name: Option<&str>) -> DoctorSearch {
    DoctorSearch {
        specialty: specialty.map(str::to_owned),
        name: name.map(str::to_owned),
        ..DoctorSearch::default()
    }
}

fn weekly(day: i64, kind: &str) -> AvailabilityForm {
    AvailabilityForm {
        day_of_week: Some(day),
        start_time: Some("09:00".into()),
        end_time: Some("10:00".into()),
        consultation_type: Some(kind.into()),
        duration_minutes: Some(30),
        max_consultations: Some(1),
        location: None,
        is_active: Some(true),
    }
}

async fn the_directory_filters_by_specialty_and_name(s: &Services) {
    let form = |username: &str, first: &str, last: &str| domain::accounts::SignUpForm {
        username: username.into(),
        email: format!("{username}@example.org"),
        password: support::PASSWORD.into(),
        first_name: first.into(),
        last_name: last.into(),
    };
    let cardio = s
        .accounts
        .create_unchecked(
            Role::Doctor,
            &form("dr.a", "Linh", "Nguyen"),
            Some("cardiology"),
        )
        .await
        .unwrap();
    s.accounts
        .create_unchecked(
            Role::Doctor,
            &form("dr.b", "Jean", "Dupont"),
            Some("general"),
        )
        .await
        .unwrap();
    let gone = s
        .accounts
        .create_unchecked(Role::Doctor, &form("dr.c", "Anne", "Nguyen-Roy"), None)
        .await
        .unwrap();
    let admin = principal(s, Role::Admin, "boss").await;
    s.accounts.deactivate(&admin, gone.id).await.unwrap();

    let names = |list: Vec<domain::store::doctors::DoctorListing>| {
        list.into_iter().map(|d| d.last_name).collect::<Vec<_>>()
    };
    assert_eq!(
        names(s.directory.doctors(&search(None, None)).await.unwrap()),
        ["Dupont", "Nguyen"],
        "active doctors only"
    );
    let cardiologists = s
        .directory
        .doctors(&search(Some("cardiology"), None))
        .await
        .unwrap();
    assert_eq!(
        cardiologists.iter().map(|d| d.id).collect::<Vec<_>>(),
        [cardio.id]
    );
    assert_eq!(
        cardiologists[0]
            .specialty
            .as_ref()
            .map(|sp| sp.name_fr.as_str()),
        Some("Cardiologie")
    );
    assert_eq!(
        names(
            s.directory
                .doctors(&search(None, Some("jean DUP")))
                .await
                .unwrap()
        ),
        ["Dupont"]
    );
    assert!(
        s.directory
            .doctors(&search(Some("cardiology"), Some("dupont")))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn patients_search_by_consultation_type_and_earliest_date(s: &Services) {
    // Dr A: Wednesdays in person; Dr B: Fridays remote.
    let a = principal(s, Role::Doctor, "dr.a").await;
    let b = principal(s, Role::Doctor, "dr.b").await;
    s.scheduling
        .add_availability(&a, &weekly(2, "presentiel"))
        .await
        .unwrap();
    s.scheduling
        .add_availability(&b, &weekly(4, "distanciel"))
        .await
        .unwrap();
    let found = |kind, by| DoctorSearch {
        consultation_type: kind,
        available_by: by,
        ..DoctorSearch::default()
    };
    let ids = |list: Vec<domain::services::directory::DoctorMatch>| {
        list.iter().map(|m| m.doctor.id).collect::<Vec<_>>()
    };
    let remote = s
        .directory
        .search(&found(Some(ConsultationType::Remote), None), now())
        .await
        .unwrap();
    assert_eq!(ids(remote), [b.user_id]);
    let all = s.directory.search(&found(None, None), now()).await.unwrap();
    let next: Vec<String> = all
        .iter()
        .map(|m| m.next_free.as_ref().unwrap().slot.starts_at.to_string())
        .collect();
    // Wednesday 09:00 Paris and Friday 09:00 Paris.
    assert!(
        next.contains(&"2030-01-09T08:00:00Z".to_owned()),
        "{next:?}"
    );
    assert!(
        next.contains(&"2030-01-11T08:00:00Z".to_owned()),
        "{next:?}"
    );
    let by_thursday = s
        .directory
        .search(&found(None, Some(date(2030, 1, 10))), now())
        .await
        .unwrap();
    assert_eq!(
        ids(by_thursday),
        [a.user_id],
        "only Dr A is free by Thursday"
    );
    let by_tuesday_next = s
        .directory
        .search(&found(None, Some(date(2030, 1, 15))), now())
        .await
        .unwrap();
    assert_eq!(
        ids(by_tuesday_next),
        [a.user_id, b.user_id],
        "soonest first"
    );
}

async fn doctors_edit_their_profile(s: &Services) {
    let doctor = principal(s, Role::Doctor, "dr.p").await;
    let patient = principal(s, Role::Patient, "pat").await;
    let form = ProfileForm {
        specialty: Some("pediatrics".into()),
        bio: Some("Pédiatre, 15 ans d'expérience".into()),
        phone: Some("01 42 68 53 00".into()),
        address: Some("12 rue de la Paix, Paris".into()),
        languages: Some(LanguageList::List(vec!["fr".into(), "ln".into()])),
    };
    let saved = s.directory.update_profile(&doctor, &form).await.unwrap();
    assert_eq!(saved.phone, "+33142685300");
    assert_eq!(saved.languages, ["fr", "ln"]);
    assert_eq!(
        saved.specialty.map(|sp| sp.code).as_deref(),
        Some("pediatrics")
    );
    assert_eq!(
        s.directory.doctor(doctor.user_id).await.unwrap().address,
        "12 rue de la Paix, Paris"
    );
    let bad = ProfileForm {
        specialty: Some("astrology".into()),
        bio: Some("changed".into()),
        ..ProfileForm::default()
    };
    let err = s.directory.update_profile(&doctor, &bad).await.unwrap_err();
    assert_eq!(err.field(), Some("specialty"));
    assert_eq!(
        s.directory.doctor(doctor.user_id).await.unwrap().bio,
        "Pédiatre, 15 ans d'expérience",
        "nothing half-written"
    );
    assert!(matches!(
        s.directory.update_profile(&patient, &form).await,
        Err(domain::DomainError::Forbidden)
    ));
}

async fn administrators_manage_specialties(s: &Services) {
    let admin = principal(s, Role::Admin, "boss").await;
    let doctor = principal(s, Role::Doctor, "dr.s").await;
    let form = SpecialtyForm {
        code: "neurology".into(),
        name_fr: "Neurologie".into(),
        name_en: "Neurology".into(),
    };
    let created = s.directory.add_specialty(&admin, &form).await.unwrap();
    assert_eq!(
        s.directory
            .add_specialty(&admin, &form)
            .await
            .unwrap_err()
            .code(),
        "code_taken"
    );
    assert!(matches!(
        s.directory.add_specialty(&doctor, &form).await,
        Err(domain::DomainError::Forbidden)
    ));
    let renamed = SpecialtyForm {
        name_en: "Neurosciences".into(),
        ..form
    };
    s.directory
        .update_specialty(&admin, created.id, &renamed)
        .await
        .unwrap();
    let join = ProfileForm {
        specialty: Some("neurology".into()),
        ..ProfileForm::default()
    };
    s.directory.update_profile(&doctor, &join).await.unwrap();
    assert_eq!(
        s.directory
            .delete_specialty(&admin, created.id)
            .await
            .unwrap_err()
            .code(),
        "specialty_in_use"
    );
    let leave = ProfileForm {
        specialty: Some(String::new()),
        ..ProfileForm::default()
    };
    s.directory.update_profile(&doctor, &leave).await.unwrap();
    s.directory
        .delete_specialty(&admin, created.id)
        .await
        .unwrap();
    assert!(
        !s.accounts
            .specialties()
            .await
            .unwrap()
            .iter()
            .any(|sp| sp.code == "neurology")
    );
}

support::contract!(
    the_directory_filters_by_specialty_and_name,
    patients_search_by_consultation_type_and_earliest_date,
    doctors_edit_their_profile,
    administrators_manage_specialties,
);
