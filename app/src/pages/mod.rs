//! Pages, one per file; portals group theirs by role.

pub mod accounts_admin;
pub mod agenda;
pub mod dashboard;
pub mod doctor_calendar;
pub mod find_doctor;
pub mod home;
pub mod my_appointments;
pub mod not_found;
pub mod portals;
pub mod routes;
pub mod sign_in;
pub mod sign_up;
