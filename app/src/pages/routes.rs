//! The public pages and the patient's way to a booking (home, sign-in,
//! sign-up, the doctor search and a doctor's page) are
//! in the main bundle: they are where people arrive, often on a phone, and
//! they share most of their code, which split apart became dozens of small
//! chunks fetched one round trip after another. Every other page is a lazy
//! route. A split release build (`cargo leptos build
//! --release --split`) moves each page's code into its own WebAssembly chunk,
//! fetched when the page is first shown (and preloaded by the server for the
//! page it renders), so the main bundle keeps the shell, the router, the
//! portal frames and those arrival pages however many pages the portals grow. Unsplit builds (the
//! `cargo leptos watch` loop, the server) run the same routes eagerly.
//!
//! A new page gets a line in [`lazy_pages!`] and is routed with
//! `view={Lazy::<ItsRoute>::new()}`.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// Declares, for each `Route => page component`, a route type whose view is
/// loaded lazily. The components take no props: a page reads what it needs
/// from the URL and the session.
macro_rules! lazy_pages {
    ($($route:ident => $page:path),* $(,)?) => {$(
        #[doc = concat!("The lazily loaded route of `", stringify!($page), "`.")]
        #[derive(Debug, Clone, Copy)]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_route: Self) -> AnyView {
                $page().into_any()
            }
        }
    )*};
}

lazy_pages! {
    PatientHomeRoute => super::portals::PatientHome,
    MyAppointmentsRoute => super::my_appointments::MyAppointmentsPage,
    WaitlistRoute => super::my_appointments::WaitlistPage,
    PatientProfileRoute => super::medical_profile::PatientProfilePage,
    CareTeamRoute => super::care_team::CareTeamPage,
    MyAccessRoute => super::access_trail::MyAccessPage,
    DoctorHomeRoute => super::portals::DoctorHome,
    AgendaRoute => super::agenda::AgendaPage,
    DoctorCalendarRoute => super::doctor_calendar::DoctorCalendarPage,
    MyPatientsRoute => super::my_patients::MyPatientsPage,
    PatientFileRoute => super::my_patients::PatientFilePage,
    AdminHomeRoute => super::portals::AdminHome,
    AccountsRoute => super::accounts_admin::AccountsPage,
    SpecialtiesRoute => super::agenda::SpecialtiesPage,
    AllAppointmentsRoute => super::agenda::AllAppointmentsPage,
    AuditTrailRoute => super::access_trail::AuditTrailPage,
    AdminCareRoute => super::care_team::AdminCarePage,
    MyVitalsRoute => super::vitals::MyVitalsPage,
    PatientVitalsRoute => super::vitals::PatientVitalsPage,
    MonitoringRoute => super::vitals::MonitoringPage,
    DevicesRoute => super::devices::DevicesPage,
    TreatmentsRoute => super::treatments::TreatmentsPage,
    SymptomsRoute => super::symptoms::SymptomsPage,
    PatientRecordsRoute => super::records::PatientRecordsPage,
    DoctorRecordsRoute => super::records::DoctorRecordsPage,
    PatientRecordRoute => super::record::PatientRecordPage,
    DoctorRecordRoute => super::record::DoctorRecordPage,
    MessagesRoute => super::messages::MessagesPage,
    AccountRoute => super::account::AccountPage,
    ResetPasswordRoute => super::account::ResetPasswordPage,
    DoctorProfileRoute => super::doctor_profile::DoctorProfilePage,
}
