//! Server functions: the browser door. Each one parses its input, calls one
//! service method and maps the result; the rules live in the domain.

pub mod accounts;
pub mod auth;
