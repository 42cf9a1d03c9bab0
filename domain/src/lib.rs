//! The medical platform's domain: types and rules shared by every door (browser,
//! REST, WebSocket, command line), and — behind the `server` feature — the services
//! and the storage that enforce them.
//!
//! Types and pure rules compile for WebAssembly too, so the browser validates a form
//! with the very rules the server applies.

#[macro_use]
mod wire;

pub mod accounts;
pub mod activity;
pub mod bounds;
pub mod care;
pub mod chat;
pub mod consultations;
pub mod devices;
pub mod doctors;
pub mod error;
pub mod exports;
pub mod medical;
pub mod messaging;
pub mod notifications;
pub mod paging;
pub mod scheduling;
pub mod settings;
pub mod sockets;
pub mod stats;
pub mod strict;
pub mod symptoms;
pub mod trail;
pub mod treatments;
pub mod vitals;
pub mod wards;

#[cfg(feature = "server")]
pub mod assistant;
#[cfg(feature = "server")]
pub mod auth;
#[cfg(feature = "server")]
pub mod bus;
#[cfg(feature = "server")]
pub mod calendar;
#[cfg(feature = "server")]
pub mod demo;
#[cfg(feature = "server")]
pub mod events;
#[cfg(feature = "server")]
pub mod fhir;
#[cfg(feature = "server")]
pub mod http;
#[cfg(feature = "server")]
pub mod pdf;
#[cfg(feature = "server")]
pub mod phones;
#[cfg(feature = "server")]
pub mod policy;
#[cfg(feature = "server")]
pub mod red_flags;
#[cfg(feature = "server")]
pub mod services;
#[cfg(feature = "server")]
pub mod store;

#[cfg(feature = "openapi")]
pub mod wire_formats;

pub use error::{DomainError, DomainResult};
