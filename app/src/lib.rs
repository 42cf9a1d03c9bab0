//! The portals of the medical platform, rendered on the server and hydrated in
//! the browser: a public site, and one portal per role (patient, doctor,
//! administrator).

pub mod api;
pub mod components;
pub mod error;
pub mod i18n;
pub mod islands;
pub mod live;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod session;
pub mod session_state;
pub mod time;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::components::assistant::AssistantWidget;
use crate::components::layout::Header;
use crate::i18n::{initial_lang, initial_zone, provide_i18n, use_i18n};
use crate::pages::access_trail::{AuditTrailPage, MyAccessPage};
use crate::pages::account::{AccountPage, ResetPasswordPage};
use crate::pages::accounts_admin::AccountsPage;
use crate::pages::activity_log::ActivityLogPage;
use crate::pages::agenda::{AgendaPage, AllAppointmentsPage, SpecialtiesPage};
use crate::pages::care_team::{AdminCarePage, CareTeamPage};
use crate::pages::devices::DevicesPage;
use crate::pages::doctor_calendar::DoctorCalendarPage;
use crate::pages::doctor_profile::DoctorProfilePage;
use crate::pages::exports::ExportsPage;
use crate::pages::find_doctor::{DoctorPage, FindDoctorPage};
use crate::pages::home::HomePage;
use crate::pages::medical_profile::PatientProfilePage;
use crate::pages::messages::MessagesPage;
use crate::pages::messaging::SmsLogPage;
use crate::pages::my_appointments::{MyAppointmentsPage, WaitlistPage};
use crate::pages::my_patients::{MyPatientsPage, PatientFilePage};
use crate::pages::not_found::NotFound;
use crate::pages::platform_settings::PlatformSettingsPage;
use crate::pages::portals::{
    AdminHome, AdminPortal, DoctorHome, DoctorPortal, PatientHome, PatientPortal,
};
use crate::pages::record::{DoctorRecordPage, PatientRecordPage};
use crate::pages::records::{DoctorRecordsPage, PatientRecordsPage};
use crate::pages::sign_in::SignInPage;
use crate::pages::sign_up::SignUpPage;
use crate::pages::statistics::StatisticsPage;
use crate::pages::symptoms::SymptomsPage;
use crate::pages::treatments::TreatmentsPage;
use crate::pages::vitals::{MonitoringPage, MyVitalsPage, PatientVitalsPage};

/// Where the shell links the site's stylesheet. The server provides it in
/// context: a release build names the file after a hash of its content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StylesheetHref(pub std::sync::Arc<str>);

/// The HTML document around the app (server side only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = initial_lang();
    let zone = initial_zone();
    let stylesheet = use_context::<StylesheetHref>().map_or_else(
        || format!("/{}/{}.css", options.site_pkg_dir, options.output_name),
        |href| href.0.to_string(),
    );
    let texts_base = i18n::texts::base();
    let texts_href = format!("{texts_base}{}.txt", lang.tag());
    view! {
        <!DOCTYPE html>
        <html lang=lang.tag() data-tz=zone data-texts=texts_base.clone()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="description" content=lang.tr().hero_text />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="stylesheet" id="leptos" href=stylesheet />
                // The reader's texts, fetched by the bundle before it hydrates.
                <link rel="preload" href={texts_href} as="fetch" crossorigin="anonymous" />
                <AutoReload options=options.clone() />
                <islands::IslandScripts options />
                <MetaTags />
            </head>
            <body class="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
                <App />
            </body>
        </html>
    }
}

/// The application: header and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    #[cfg(feature = "ssr")]
    provide_context(session::RenderReads::default());
    provide_i18n(initial_lang(), &initial_zone());
    session_state::provide_session();
    let i18n = use_i18n();
    let async_mode = SsrMode::Async;

    view! {
        // A plain text, read now. leptos_meta reads the title after a tick of
        // the runtime, outside the page's reactive arena: on a multi-threaded
        // runtime the tick may resume on a thread that has another page's
        // arena, and a closure reading the language there panics ("already
        // disposed") and fails the page with a 500. The islands never
        // re-render the title in the browser, so nothing is lost.
        <Title text=i18n.t(|t| t.app_name) />
        <Router>
            <Header />
            // Room under the last button for the assistant's floating button on phones.
            <main class="pb-24 sm:pb-0">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage ssr=async_mode.clone() />
                    <Route path=path!("/login") view=SignInPage ssr=async_mode.clone() />
                    <Route path=path!("/signup") view=SignUpPage ssr=async_mode.clone() />
                    <Route path=path!("/reset-password") view=ResetPasswordPage ssr=async_mode.clone() />
                    <ParentRoute path=path!("/patient") view=PatientPortal ssr=async_mode.clone()>
                        <Route path=path!("") view=PatientHome />
                        <Route path=path!("doctors") view=FindDoctorPage />
                        <Route path=path!("doctors/:id") view=DoctorPage />
                        <Route path=path!("appointments") view=MyAppointmentsPage />
                        <Route path=path!("waitlist") view=WaitlistPage />
                        <Route path=path!("profile") view=PatientProfilePage />
                        <Route path=path!("care-team") view=CareTeamPage />
                        <Route path=path!("access") view=MyAccessPage />
                        <Route path=path!("vitals") view=MyVitalsPage />
                        <Route path=path!("treatments") view=TreatmentsPage />
                        <Route path=path!("symptoms") view=SymptomsPage />
                        <Route path=path!("consultations") view=PatientRecordsPage />
                        <Route path=path!("consultations/:id") view=PatientRecordPage />
                        <Route path=path!("messages") view=MessagesPage />
                        <Route path=path!("account") view=AccountPage />
                    </ParentRoute>
                    <ParentRoute path=path!("/doctor") view=DoctorPortal ssr=async_mode.clone()>
                        <Route path=path!("") view=DoctorHome />
                        <Route path=path!("agenda") view=AgendaPage />
                        <Route path=path!("calendar") view=DoctorCalendarPage />
                        <Route path=path!("patients") view=MyPatientsPage />
                        <Route path=path!("patients/:id") view=PatientFilePage />
                        <Route path=path!("patients/:id/vitals") view=PatientVitalsPage />
                        <Route path=path!("monitoring") view=MonitoringPage />
                        <Route path=path!("devices") view=DevicesPage />
                        <Route path=path!("consultations") view=DoctorRecordsPage />
                        <Route path=path!("consultations/:id") view=DoctorRecordPage />
                        <Route path=path!("messages") view=MessagesPage />
                        <Route path=path!("sms") view=SmsLogPage />
                        <Route path=path!("stats") view=StatisticsPage />
                        <Route path=path!("profile") view=DoctorProfilePage />
                        <Route path=path!("account") view=AccountPage />
                    </ParentRoute>
                    <ParentRoute path=path!("/admin") view=AdminPortal ssr=async_mode.clone()>
                        <Route path=path!("") view=AdminHome />
                        <Route path=path!("stats") view=StatisticsPage />
                        <Route path=path!("accounts") view=AccountsPage />
                        <Route path=path!("specialties") view=SpecialtiesPage />
                        <Route path=path!("appointments") view=AllAppointmentsPage />
                        <Route path=path!("trail") view=AuditTrailPage />
                        <Route path=path!("activity") view=ActivityLogPage />
                        <Route path=path!("care") view=AdminCarePage />
                        <Route path=path!("exports") view=ExportsPage />
                        <Route path=path!("devices") view=DevicesPage />
                        <Route path=path!("sms") view=SmsLogPage />
                        <Route path=path!("settings") view=PlatformSettingsPage />
                        <Route path=path!("account") view=AccountPage />
                    </ParentRoute>
                </Routes>
            </main>
            <AssistantWidget />
        </Router>
    }
}
