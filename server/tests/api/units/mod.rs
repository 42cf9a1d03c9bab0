//! Unit tests of the `app` and `server` libraries, run in this binary so
//! that neither library is compiled a second time in test mode (README,
//! Development).

mod app;
mod server;
