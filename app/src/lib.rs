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
use leptos_router::Lazy;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::components::assistant::AssistantWidget;
use crate::components::layout::Header;
use crate::i18n::{initial_lang, initial_zone, provide_i18n, use_i18n};
use crate::pages::home::HomePage;
use crate::pages::not_found::NotFound;
use crate::pages::routes::{
    AccountRoute, AccountsRoute, ActivityLogRoute, AdminCareRoute, AdminHomeRoute,
    AdminPortalRoute, AgendaRoute, AllAppointmentsRoute, AuditTrailRoute, CareTeamRoute,
    DevicesRoute, DoctorCalendarRoute, DoctorHomeRoute, DoctorPageRoute, DoctorPortalRoute,
    DoctorProfileRoute, DoctorRecordRoute, DoctorRecordsRoute, ExportsRoute, FindDoctorRoute,
    MessagesRoute, MonitoringRoute, MyAccessRoute, MyAppointmentsRoute, MyPatientsRoute,
    MyVitalsRoute, PatientFileRoute, PatientHomeRoute, PatientPortalRoute, PatientProfileRoute,
    PatientRecordRoute, PatientRecordsRoute, PatientVitalsRoute, PlatformSettingsRoute,
    ResetPasswordRoute, SignUpRoute, SmsLogRoute, SpecialtiesRoute, StatisticsRoute, SymptomsRoute,
    TreatmentsRoute, WaitlistRoute,
};
use crate::pages::sign_in::SignInPage;

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
                {bundle_scripts(options)}
                <MetaTags />
            </head>
            <body class="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
                <App />
            </body>
        </html>
    }
}

/// The scripts that load the browser bundle: the islands' loader, or Leptos'
/// script hydrating the whole page.
#[cfg(feature = "islands")]
fn bundle_scripts(options: LeptosOptions) -> impl IntoView {
    view! { <islands::IslandScripts options /> }
}

#[cfg(not(feature = "islands"))]
fn bundle_scripts(options: LeptosOptions) -> impl IntoView {
    view! { <HydrationScripts options /> }
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
        <Title text=move || i18n.t(|t| t.app_name) />
        <Router>
            <Header />
            // Room under the last button for the assistant's floating button on phones.
            <main class="pb-24 sm:pb-0">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage ssr=async_mode.clone() />
                    <Route path=path!("/login") view=SignInPage ssr=async_mode.clone() />
                    <Route path=path!("/signup") view={Lazy::<SignUpRoute>::new()} ssr=async_mode.clone() />
                    <Route path=path!("/reset-password") view={Lazy::<ResetPasswordRoute>::new()} ssr=async_mode.clone() />
                    <ParentRoute path=path!("/patient") view={Lazy::<PatientPortalRoute>::new()} ssr=async_mode.clone()>
                        <Route path=path!("") view={Lazy::<PatientHomeRoute>::new()} />
                        <Route path=path!("doctors") view={Lazy::<FindDoctorRoute>::new()} />
                        <Route path=path!("doctors/:id") view={Lazy::<DoctorPageRoute>::new()} />
                        <Route path=path!("appointments") view={Lazy::<MyAppointmentsRoute>::new()} />
                        <Route path=path!("waitlist") view={Lazy::<WaitlistRoute>::new()} />
                        <Route path=path!("profile") view={Lazy::<PatientProfileRoute>::new()} />
                        <Route path=path!("care-team") view={Lazy::<CareTeamRoute>::new()} />
                        <Route path=path!("access") view={Lazy::<MyAccessRoute>::new()} />
                        <Route path=path!("vitals") view={Lazy::<MyVitalsRoute>::new()} />
                        <Route path=path!("treatments") view={Lazy::<TreatmentsRoute>::new()} />
                        <Route path=path!("symptoms") view={Lazy::<SymptomsRoute>::new()} />
                        <Route path=path!("consultations") view={Lazy::<PatientRecordsRoute>::new()} />
                        <Route path=path!("consultations/:id") view={Lazy::<PatientRecordRoute>::new()} />
                        <Route path=path!("messages") view={Lazy::<MessagesRoute>::new()} />
                        <Route path=path!("account") view={Lazy::<AccountRoute>::new()} />
                    </ParentRoute>
                    <ParentRoute path=path!("/doctor") view={Lazy::<DoctorPortalRoute>::new()} ssr=async_mode.clone()>
                        <Route path=path!("") view={Lazy::<DoctorHomeRoute>::new()} />
                        <Route path=path!("agenda") view={Lazy::<AgendaRoute>::new()} />
                        <Route path=path!("calendar") view={Lazy::<DoctorCalendarRoute>::new()} />
                        <Route path=path!("patients") view={Lazy::<MyPatientsRoute>::new()} />
                        <Route path=path!("patients/:id") view={Lazy::<PatientFileRoute>::new()} />
                        <Route path=path!("patients/:id/vitals") view={Lazy::<PatientVitalsRoute>::new()} />
                        <Route path=path!("monitoring") view={Lazy::<MonitoringRoute>::new()} />
                        <Route path=path!("devices") view={Lazy::<DevicesRoute>::new()} />
                        <Route path=path!("consultations") view={Lazy::<DoctorRecordsRoute>::new()} />
                        <Route path=path!("consultations/:id") view={Lazy::<DoctorRecordRoute>::new()} />
                        <Route path=path!("messages") view={Lazy::<MessagesRoute>::new()} />
                        <Route path=path!("sms") view={Lazy::<SmsLogRoute>::new()} />
                        <Route path=path!("stats") view={Lazy::<StatisticsRoute>::new()} />
                        <Route path=path!("profile") view={Lazy::<DoctorProfileRoute>::new()} />
                        <Route path=path!("account") view={Lazy::<AccountRoute>::new()} />
                    </ParentRoute>
                    <ParentRoute path=path!("/admin") view={Lazy::<AdminPortalRoute>::new()} ssr=async_mode.clone()>
                        <Route path=path!("") view={Lazy::<AdminHomeRoute>::new()} />
                        <Route path=path!("stats") view={Lazy::<StatisticsRoute>::new()} />
                        <Route path=path!("accounts") view={Lazy::<AccountsRoute>::new()} />
                        <Route path=path!("specialties") view={Lazy::<SpecialtiesRoute>::new()} />
                        <Route path=path!("appointments") view={Lazy::<AllAppointmentsRoute>::new()} />
                        <Route path=path!("trail") view={Lazy::<AuditTrailRoute>::new()} />
                        <Route path=path!("activity") view={Lazy::<ActivityLogRoute>::new()} />
                        <Route path=path!("care") view={Lazy::<AdminCareRoute>::new()} />
                        <Route path=path!("exports") view={Lazy::<ExportsRoute>::new()} />
                        <Route path=path!("devices") view={Lazy::<DevicesRoute>::new()} />
                        <Route path=path!("sms") view={Lazy::<SmsLogRoute>::new()} />
                        <Route path=path!("settings") view={Lazy::<PlatformSettingsRoute>::new()} />
                        <Route path=path!("account") view={Lazy::<AccountRoute>::new()} />
                    </ParentRoute>
                </Routes>
            </main>
            <AssistantWidget />
        </Router>
    }
}
