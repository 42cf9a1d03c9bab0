//! Pages, one per file; portals group theirs by role.

pub mod access_trail;
pub mod accounts_admin;
pub mod agenda;
pub mod care_team;
mod chat_room;
pub mod dashboard;
pub mod devices;
pub mod doctor_calendar;
pub mod find_doctor;
pub mod home;
pub mod medical_profile;
pub mod messages;
pub mod my_appointments;
pub mod my_patients;
pub mod not_found;
pub mod portals;
pub mod record;
mod record_sections;
mod record_thread;
pub mod records;
pub mod routes;
pub mod sign_in;
pub mod sign_up;
pub mod symptoms;
pub mod treatments;
pub mod vitals;
