//! Reusable pieces of the interface.

pub mod alerts;
pub mod assistant;
pub mod charts;
pub mod confirm;
pub mod forms;
pub mod layout;
pub mod medical;
pub mod meters;
pub mod portal;
pub mod record_fields;
pub mod sched;
pub mod vitals;
