//! What every socket is held to: a message rate per connection, a size per
//! message, and, for handshakes that ride on the session cookie, the page's
//! origin.

use std::num::NonZeroU32;
use std::time::Duration;

use axum::http::{HeaderMap, Uri, header};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

/// Messages per second a socket may send, and how many at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub per_second: u32,
    pub burst: u32,
}

impl Rate {
    fn quota(self) -> Quota {
        let nonzero = |n: u32| NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN);
        Quota::per_second(nonzero(self.per_second)).allow_burst(nonzero(self.burst))
    }
}

/// What the limiter says of one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Within the rate: handle it.
    Take,
    /// Over the rate: refuse it, and say when the next one would be taken.
    Refuse { retry_after: Duration },
    /// Refused too often: close the socket.
    Close,
}

/// A connection's two token buckets: one for messages, and one for refusals,
/// so a client that keeps sending past the rate is closed, while one that
/// briefly overruns it only hears about it.
pub struct Flood {
    messages: DefaultDirectRateLimiter,
    refusals: DefaultDirectRateLimiter,
}

impl Flood {
    pub fn new(rate: Rate) -> Self {
        Self {
            messages: RateLimiter::direct(rate.quota()),
            refusals: RateLimiter::direct(rate.quota()),
        }
    }

    /// Counts one message from the peer.
    pub fn check(&self) -> Verdict {
        match self.messages.check() {
            Ok(()) => Verdict::Take,
            Err(not_until) => match self.refusals.check() {
                Ok(()) => Verdict::Refuse {
                    retry_after: not_until.wait_time_from(DefaultClock::default().now()),
                },
                Err(_) => Verdict::Close,
            },
        }
    }
}

/// Whether a receive error is a message over the size limit (closed with
/// 1009 rather than dropped).
pub fn too_big(err: axum::Error) -> bool {
    err.into_inner()
        .downcast_ref::<tokio_tungstenite::tungstenite::Error>()
        .is_some_and(|e| matches!(e, tokio_tungstenite::tungstenite::Error::Capacity(_)))
}

/// Whether a handshake authenticated by the session cookie may go on: the
/// page that opens it is the site's own (its `Origin` names the `Host` it
/// was sent to) or one of `allowed`. A handshake without `Origin` comes from
/// a program, not a browser page, and may.
pub fn origin_allowed(headers: &HeaderMap, allowed: &[String]) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
    if allowed.contains(&origin) {
        return true;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_ascii_lowercase);
    match (origin.parse::<Uri>(), host) {
        (Ok(uri), Some(host)) => {
            matches!(uri.scheme_str(), Some("http" | "https"))
                && uri.authority().is_some_and(|a| a.as_str() == host)
        }
        _ => false,
    }
}
