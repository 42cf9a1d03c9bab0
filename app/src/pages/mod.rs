//! Pages, one per file; portals group theirs by role.

pub mod accounts_admin;
pub mod dashboard;
pub mod home;
pub mod not_found;
pub mod portals;
pub mod sign_in;
pub mod sign_up;
