//! The doctors' directory on SQLite and PostgreSQL.

mod support;

use domain::accounts::Role;
use domain::services::Services;
use support::principal;

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

    let names = |list: Vec<domain::store::specialties::DoctorListing>| {
        list.into_iter().map(|d| d.last_name).collect::<Vec<_>>()
    };
    assert_eq!(
        names(s.scheduling.doctors(None, None).await.unwrap()),
        ["Dupont", "Nguyen"],
        "active doctors only"
    );
    let cardiologists = s
        .scheduling
        .doctors(Some("cardiology"), None)
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
        names(s.scheduling.doctors(None, Some("jean DUP")).await.unwrap()),
        ["Dupont"]
    );
    assert!(
        s.scheduling
            .doctors(Some("cardiology"), Some("dupont"))
            .await
            .unwrap()
            .is_empty()
    );
}

support::contract!(the_directory_filters_by_specialty_and_name);
