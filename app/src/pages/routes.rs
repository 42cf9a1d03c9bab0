//! Which code a page needs, and when the browser fetches it.
//!
//! The pages where people arrive signed out (home, sign-in) are in the main
//! bundle with the shell and the router. Every other page, and the portals'
//! frames, is a lazy route, and lazy routes come in groups: a split release build
//! (`cargo leptos build --release --split`) puts each group's code into one
//! WebAssembly module, fetched when one of its pages is first shown (and
//! preloaded by the server for the page it renders). Code that several groups
//! share goes into one chunk per set of groups sharing it, so few groups keep
//! the files few: one group per page made 375 files (a doctor's page fetched
//! over 80 of them, one round trip after another), and a dozen groups by
//! topic still made 264. Each role's frame and home page are a group (where a
//! signed-in person arrives), the role's other pages another. Unsplit builds
//! (the `cargo leptos watch` loop, the server) run the same routes eagerly, and
//! so does a build hydrated island by island (`islands`): there the routes are
//! only rendered on the server, and the bundle carries the islands alone.
//!
//! A new page gets a line in a group of [`page_groups!`] and is routed with
//! `view={Lazy::<ItsRoute>::new()}`.

use leptos::prelude::*;
use leptos_router::LazyRoute;

/// Declares the groups of lazy pages: for each group, a split function that
/// draws any of its pages (its own WebAssembly module in a split build), the
/// function that fetches that module ahead of time, and one route type per
/// page. The page components take no props: a page reads what it needs from
/// the URL and the session.
macro_rules! page_groups {
    ($( $(#[$doc:meta])* $group:ident / $preload:ident { $($route:ident => $page:path),+ $(,)? } )*) => {
        /// Every lazily loaded page.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Page {
            $($(
                #[doc = concat!("`", stringify!($page), "`.")]
                $route,
            )+)*
        }

        $(
            $(#[$doc])*
            #[cfg(all(feature = "hydrate", not(feature = "islands")))]
            #[::leptos::wasm_split::wasm_split(
                $group,
                wasm_split_path = ::leptos::wasm_split,
                preload(#[doc(hidden)] $preload)
            )]
            fn $group(page: Page) -> AnyView {
                match page {
                    $(Page::$route => $page().into_any(),)+
                    _ => ().into_any(),
                }
            }

            $(#[$doc])*
            #[cfg(not(all(feature = "hydrate", not(feature = "islands"))))]
            async fn $group(page: Page) -> AnyView {
                // The server names the group's module in the page's `<head>`
                // (hydrated island by island, pages have no module).
                #[cfg(all(feature = "ssr", not(feature = "islands")))]
                ::leptos::prefetch_lazy_fn_on_server(stringify!($group));
                match page {
                    $(Page::$route => $page().into_any(),)+
                    _ => ().into_any(),
                }
            }

            #[cfg(not(all(feature = "hydrate", not(feature = "islands"))))]
            async fn $preload() {}

            $(
                #[doc = concat!("The lazily loaded route of `", stringify!($page), "`.")]
                #[derive(Debug, Clone, Copy)]
                pub struct $route;

                impl LazyRoute for $route {
                    fn data() -> Self {
                        Self
                    }

                    async fn view(_route: Self) -> AnyView {
                        $group(Page::$route).await
                    }

                    async fn preload() {
                        $preload().await
                    }
                }
            )+
        )*
    };
}

page_groups! {
    /// The doctor search and a doctor's page, with booking.
    booking_pages / preload_booking_pages {
        FindDoctorRoute => super::find_doctor::FindDoctorPage,
        DoctorPageRoute => super::find_doctor::DoctorPage,
    }
    /// The patient's portal frame and home: where a signed-in patient arrives.
    patient_home / preload_patient_home {
        PatientPortalRoute => super::portals::PatientPortal,
        PatientHomeRoute => super::portals::PatientHome,
    }
    /// The patient's other pages.
    patient_pages / preload_patient_pages {
        MyAppointmentsRoute => super::my_appointments::MyAppointmentsPage,
        WaitlistRoute => super::my_appointments::WaitlistPage,
        PatientProfileRoute => super::medical_profile::PatientProfilePage,
        CareTeamRoute => super::care_team::CareTeamPage,
        MyAccessRoute => super::access_trail::MyAccessPage,
        MyVitalsRoute => super::vitals::MyVitalsPage,
        TreatmentsRoute => super::treatments::TreatmentsPage,
        SymptomsRoute => super::symptoms::SymptomsPage,
        PatientRecordsRoute => super::records::PatientRecordsPage,
        PatientRecordRoute => super::record::PatientRecordPage,
    }
    /// The doctor's portal frame and home.
    doctor_home / preload_doctor_home {
        DoctorPortalRoute => super::portals::DoctorPortal,
        DoctorHomeRoute => super::portals::DoctorHome,
    }
    /// The doctor's other pages.
    doctor_pages / preload_doctor_pages {
        AgendaRoute => super::agenda::AgendaPage,
        DoctorCalendarRoute => super::doctor_calendar::DoctorCalendarPage,
        MyPatientsRoute => super::my_patients::MyPatientsPage,
        PatientFileRoute => super::my_patients::PatientFilePage,
        PatientVitalsRoute => super::vitals::PatientVitalsPage,
        MonitoringRoute => super::vitals::MonitoringPage,
        DoctorRecordsRoute => super::records::DoctorRecordsPage,
        DoctorRecordRoute => super::record::DoctorRecordPage,
        DoctorProfileRoute => super::doctor_profile::DoctorProfilePage,
    }
    /// The administrator's portal frame and home.
    admin_home / preload_admin_home {
        AdminPortalRoute => super::portals::AdminPortal,
        AdminHomeRoute => super::portals::AdminHome,
    }
    /// The administrator's other pages.
    admin_pages / preload_admin_pages {
        AccountsRoute => super::accounts_admin::AccountsPage,
        SpecialtiesRoute => super::agenda::SpecialtiesPage,
        AllAppointmentsRoute => super::agenda::AllAppointmentsPage,
        AuditTrailRoute => super::access_trail::AuditTrailPage,
        ActivityLogRoute => super::activity_log::ActivityLogPage,
        AdminCareRoute => super::care_team::AdminCarePage,
        ExportsRoute => super::exports::ExportsPage,
        PlatformSettingsRoute => super::platform_settings::PlatformSettingsPage,
    }
    /// Pages of several roles: messages, SMS and WhatsApp, devices, one's
    /// account, creating an account and a password reset.
    shared_pages / preload_shared_pages {
        MessagesRoute => super::messages::MessagesPage,
        SmsLogRoute => super::messaging::SmsLogPage,
        DevicesRoute => super::devices::DevicesPage,
        StatisticsRoute => super::statistics::StatisticsPage,
        AccountRoute => super::account::AccountPage,
        SignUpRoute => super::sign_up::SignUpPage,
        ResetPasswordRoute => super::account::ResetPasswordPage,
    }
}
