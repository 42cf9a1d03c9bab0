//! Server functions: the browser door. Each one parses its input, calls one
//! service method and maps the result; the rules live in the domain.

pub mod account_settings;
pub mod accounts;
pub mod appointments;
pub mod auth;
pub mod calendar_admin;
pub mod chat;
pub mod clinical;
pub mod medical;
pub mod records;
pub mod scheduling;
pub mod vitals;
