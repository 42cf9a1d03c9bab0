//! Reusable pieces of the interface.

pub mod assistant;
pub mod forms;
pub mod layout;
pub mod medical;
pub mod portal;
pub mod record_fields;
pub mod sched;
pub mod vitals;
