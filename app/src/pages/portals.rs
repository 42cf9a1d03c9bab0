//! The three portals and their navigation. Later features add entries here.

use domain::accounts::Role;
use leptos::prelude::*;

use crate::components::portal::{NavItem, Portal};

const PATIENT_NAV: &[NavItem] = &[
    NavItem {
        href: "/patient",
        label: |t| t.nav_dashboard,
        badge: false,
    },
    NavItem {
        href: "/patient/doctors",
        label: |t| t.s.nav_find_doctor,
        badge: false,
    },
    NavItem {
        href: "/patient/appointments",
        label: |t| t.s.nav_my_appointments,
        badge: false,
    },
    NavItem {
        href: "/patient/waitlist",
        label: |t| t.s.nav_waitlist,
        badge: false,
    },
    NavItem {
        href: "/patient/profile",
        label: |t| t.m.nav_profile,
        badge: false,
    },
    NavItem {
        href: "/patient/care-team",
        label: |t| t.m.nav_care_team,
        badge: false,
    },
    NavItem {
        href: "/patient/access",
        label: |t| t.m.nav_access,
        badge: false,
    },
    NavItem {
        href: "/patient/vitals",
        label: |t| t.v.nav_vitals,
        badge: false,
    },
    NavItem {
        href: "/patient/messages",
        label: |t| t.c.nav_messages,
        badge: true,
    },
    NavItem {
        href: "/patient/consultations",
        label: |t| t.r.nav_records,
        badge: false,
    },
    NavItem {
        href: "/patient/treatments",
        label: |t| t.m.nav_treatments,
        badge: false,
    },
    NavItem {
        href: "/patient/symptoms",
        label: |t| t.m.nav_symptoms,
        badge: false,
    },
    NavItem {
        href: "/patient/account",
        label: |t| t.u.nav_account,
        badge: false,
    },
];
const DOCTOR_NAV: &[NavItem] = &[
    NavItem {
        href: "/doctor",
        label: |t| t.nav_dashboard,
        badge: false,
    },
    NavItem {
        href: "/doctor/agenda",
        label: |t| t.s.nav_agenda,
        badge: false,
    },
    NavItem {
        href: "/doctor/calendar",
        label: |t| t.s.nav_calendar,
        badge: false,
    },
    NavItem {
        href: "/doctor/patients",
        label: |t| t.m.nav_patients,
        badge: false,
    },
    NavItem {
        href: "/doctor/messages",
        label: |t| t.c.nav_messages,
        badge: true,
    },
    NavItem {
        href: "/doctor/sms",
        label: |t| t.o.nav_sms,
        badge: false,
    },
    NavItem {
        href: "/doctor/consultations",
        label: |t| t.r.nav_doctor_records,
        badge: false,
    },
    NavItem {
        href: "/doctor/monitoring",
        label: |t| t.v.nav_monitoring,
        badge: false,
    },
    NavItem {
        href: "/doctor/devices",
        label: |t| t.v.nav_devices,
        badge: false,
    },
    NavItem {
        href: "/doctor/stats",
        label: |t| t.g.nav,
        badge: false,
    },
    NavItem {
        href: "/doctor/profile",
        label: |t| t.u.nav_profile,
        badge: false,
    },
    NavItem {
        href: "/doctor/account",
        label: |t| t.u.nav_account,
        badge: false,
    },
];
const ADMIN_NAV: &[NavItem] = &[
    NavItem {
        href: "/admin",
        label: |t| t.nav_dashboard,
        badge: false,
    },
    NavItem {
        href: "/admin/stats",
        label: |t| t.g.nav,
        badge: false,
    },
    NavItem {
        href: "/admin/accounts",
        label: |t| t.nav_accounts,
        badge: false,
    },
    NavItem {
        href: "/admin/specialties",
        label: |t| t.s.nav_specialties,
        badge: false,
    },
    NavItem {
        href: "/admin/appointments",
        label: |t| t.s.nav_all_appointments,
        badge: false,
    },
    NavItem {
        href: "/admin/care",
        label: |t| t.m.nav_care,
        badge: false,
    },
    NavItem {
        href: "/admin/trail",
        label: |t| t.m.nav_trail,
        badge: false,
    },
    NavItem {
        href: "/admin/activity",
        label: |t| t.m.nav_activity,
        badge: false,
    },
    NavItem {
        href: "/admin/sms",
        label: |t| t.o.nav_sms,
        badge: false,
    },
    NavItem {
        href: "/admin/exports",
        label: |t| t.x.nav_exports,
        badge: false,
    },
    NavItem {
        href: "/admin/devices",
        label: |t| t.v.nav_devices,
        badge: false,
    },
    NavItem {
        href: "/admin/settings",
        label: |t| t.p.nav,
        badge: false,
    },
    NavItem {
        href: "/admin/account",
        label: |t| t.u.nav_account,
        badge: false,
    },
];

/// Patient portal frame.
#[component]
pub fn PatientPortal() -> impl IntoView {
    view! { <Portal role=Role::Patient title=|t| t.portal_patient nav=PATIENT_NAV /> }
}

/// Doctor portal frame.
#[component]
pub fn DoctorPortal() -> impl IntoView {
    view! { <Portal role=Role::Doctor title=|t| t.portal_doctor nav=DOCTOR_NAV /> }
}

/// Administration portal frame.
#[component]
pub fn AdminPortal() -> impl IntoView {
    view! { <Portal role=Role::Admin title=|t| t.portal_admin nav=ADMIN_NAV /> }
}

/// Patient home.
#[component]
pub fn PatientHome() -> impl IntoView {
    view! { <super::homes::PatientHomePage /> }
}

/// Doctor home.
#[component]
pub fn DoctorHome() -> impl IntoView {
    view! { <super::homes::DoctorHomePage /> }
}

/// Administration home.
#[component]
pub fn AdminHome() -> impl IntoView {
    view! { <super::admin_home::AdminHomePage /> }
}
