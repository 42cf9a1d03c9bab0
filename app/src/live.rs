//! Live pages: one socket per `ws/` route a page reads, kept open while the
//! page is shown. When the connection drops it comes back by itself after
//! 1, 2, 4… up to 30 seconds (with jitter, so that a restarted server is not
//! hit by every browser at once), and the page's greeting (`get_latest`, …)
//! is sent again on each opening, so what was missed is resent. The page
//! shows [`Link`] to the reader.
//!
//! Rendering on the server opens nothing: the page comes with the data its
//! server functions read, and the browser goes live once hydrated.

use leptos::prelude::*;
use serde_json::Value;

/// Where a live connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Connecting,
    Live,
    /// Dropped; the next try is in this many seconds.
    Retrying(u32),
}

/// A live connection as a page holds it: where it stands, and a way to try
/// again at once rather than wait for the next automatic try.
#[derive(Clone, Copy)]
pub struct LiveLink {
    state: ReadSignal<Link>,
    again: Option<StoredValue<std::rc::Rc<dyn Fn()>, LocalStorage>>,
}

impl LiveLink {
    /// Where the connection stands (reactive).
    pub fn get(&self) -> Link {
        self.state.get()
    }

    /// Where it stands, without tracking (event handlers).
    pub fn get_untracked(&self) -> Link {
        self.state.get_untracked()
    }

    /// Reconnects now (the reader's "Reconnecter").
    pub fn reconnect(&self) {
        if let Some(again) = self.again {
            again.with_value(|again| again());
        }
    }
}

/// Keeps `path` (e.g. `/ws/iot/5/`) open on the page's own host while the
/// calling component lives; each text message is handed to `on_message` as
/// JSON, and `greeting` is sent on every opening.
pub fn use_live(
    path: String,
    greeting: Option<String>,
    on_message: impl Fn(Value) + 'static,
) -> LiveLink {
    use_live_socket(path, greeting, on_message).0
}

/// Sends text on a live connection (chat, assistant); nothing is sent
/// while it is down, and [`Sender::send`] says so. On the server there is no
/// connection (and no browser-only value is made, as it could be dropped on
/// another thread).
#[derive(Clone, Copy)]
pub struct Sender(Option<StoredValue<std::rc::Rc<dyn Fn(&str) -> bool>, LocalStorage>>);

impl Sender {
    /// Sends `text`; false when the connection is down.
    pub fn send(&self, text: &str) -> bool {
        self.0
            .and_then(|send| send.try_with_value(|send| send(text)))
            .unwrap_or(false)
    }
}

/// [`use_live`] that also sends.
pub fn use_live_socket(
    path: String,
    greeting: Option<String>,
    on_message: impl Fn(Value) + 'static,
) -> (LiveLink, Sender) {
    let (state, set_link) = signal(Link::Connecting);
    #[cfg(feature = "hydrate")]
    let started = browser::start(path, greeting, std::rc::Rc::new(on_message), set_link);
    #[cfg(not(feature = "hydrate"))]
    let started: Option<(std::rc::Rc<dyn Fn(&str) -> bool>, std::rc::Rc<dyn Fn()>)> = {
        let _ = (path, greeting, on_message, set_link);
        None
    };
    let (sender, again) = started.map_or((None, None), |(send, again)| (Some(send), Some(again)));
    (
        LiveLink {
            state,
            again: again.map(StoredValue::new_local),
        },
        Sender(sender.map(StoredValue::new_local)),
    )
}

/// The connection's state as the reader sees it, with "Reconnecter" while
/// it is not live.
#[component]
pub fn LinkStatus(link: LiveLink) -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    let text = move || {
        let v = i18n.tr().v;
        match link.get() {
            Link::Connecting => v.link_connecting.to_owned(),
            Link::Live => v.link_live.to_owned(),
            Link::Retrying(s) => format!("{} {s} {}", v.link_retry, v.seconds),
        }
    };
    let class = move || match link.get() {
        Link::Live => "bg-emerald-100 text-emerald-800",
        Link::Connecting => "bg-slate-100 text-slate-700",
        Link::Retrying(_) => "bg-amber-100 text-amber-900",
    };
    let state = move || match link.get() {
        Link::Live => "live",
        Link::Connecting => "connecting",
        Link::Retrying(_) => "retrying",
    };
    view! {
        <span role="status" aria-live="polite" data-testid="link-status" data-state=state
            class=move || format!("inline-flex items-center gap-1.5 rounded-full px-2.5 py-1 text-xs font-semibold {}", class())>
            <span aria-hidden="true" class="h-2 w-2 rounded-full bg-current"></span>
            {text}
        </span>
        <Show when=move || link.get() != Link::Live>
            <button type="button" data-testid="reconnect" on:click=move |_| link.reconnect()
                class="ml-2 min-h-11 rounded-lg border border-slate-300 bg-white px-3 py-1 text-xs font-semibold text-slate-700 hover:bg-slate-100">
                {move || i18n.t(|t| t.u.reconnect)}
            </button>
        </Show>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;

    use leptos::prelude::*;
    use serde_json::Value;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;
    use web_sys::{MessageEvent, WebSocket};

    use super::Link;

    /// The longest wait between two tries, in seconds.
    const MAX_WAIT: u32 = 30;

    struct Conn {
        url: String,
        greeting: Option<String>,
        on_message: Rc<dyn Fn(Value)>,
        set_link: WriteSignal<Link>,
        failures: Cell<u32>,
        socket: RefCell<Option<WebSocket>>,
        /// The handlers of the current socket (dropped with it).
        handlers: RefCell<Vec<Closure<dyn FnMut(JsValue)>>>,
        closed: Cell<bool>,
        /// Counts openings: a scheduled try gives way to a newer opening.
        generation: Cell<u64>,
    }

    /// Opens the connection; returns how to send on it.
    pub fn start(
        path: String,
        greeting: Option<String>,
        on_message: Rc<dyn Fn(Value)>,
        set_link: WriteSignal<Link>,
    ) -> Option<(Rc<dyn Fn(&str) -> bool>, Rc<dyn Fn()>)> {
        let location = web_sys::window().map(|w| w.location())?;
        let scheme = match location.protocol().as_deref() {
            Ok("https:") => "wss:",
            _ => "ws:",
        };
        let host = location.host().unwrap_or_default();
        let conn = Rc::new(Conn {
            url: format!("{scheme}//{host}{path}"),
            greeting,
            on_message,
            set_link,
            failures: Cell::new(0),
            socket: RefCell::new(None),
            handlers: RefCell::new(Vec::new()),
            closed: Cell::new(false),
            generation: Cell::new(0),
        });
        connect(&conn);
        let weak = Rc::downgrade(&conn);
        let send: Rc<dyn Fn(&str) -> bool> = Rc::new(move |text: &str| {
            weak.upgrade().is_some_and(|conn| {
                conn.socket.borrow().as_ref().is_some_and(|socket| {
                    socket.ready_state() == WebSocket::OPEN && socket.send_with_str(text).is_ok()
                })
            })
        });
        let weak_again = Rc::downgrade(&conn);
        let again: Rc<dyn Fn()> = Rc::new(move || {
            if let Some(conn) = weak_again.upgrade() {
                reconnect_now(&conn);
            }
        });
        let held = StoredValue::new_local(Some(conn));
        on_cleanup(move || {
            if let Some(conn) = held.try_update_value(Option::take).flatten() {
                conn.closed.set(true);
                if let Some(socket) = conn.socket.borrow_mut().take() {
                    socket.set_onclose(None);
                    let _ = socket.close();
                }
                conn.handlers.borrow_mut().clear();
            }
        });
        Some((send, again))
    }

    /// Drops the current socket (if any) and opens a new one at once; the
    /// pending automatic try, when it fires, finds a newer socket and leaves it.
    fn reconnect_now(conn: &Rc<Conn>) {
        if let Some(socket) = conn.socket.borrow_mut().take() {
            socket.set_onclose(None);
            let _ = socket.close();
        }
        conn.failures.set(0);
        connect(conn);
    }

    fn connect(conn: &Rc<Conn>) {
        if conn.closed.get() {
            return;
        }
        conn.generation.set(conn.generation.get().wrapping_add(1));
        conn.set_link.set(Link::Connecting);
        let Ok(socket) = WebSocket::new(&conn.url) else {
            retry(conn);
            return;
        };
        let opened = {
            let conn = Rc::clone(conn);
            Closure::<dyn FnMut(JsValue)>::new(move |_| {
                conn.failures.set(0);
                conn.set_link.set(Link::Live);
                if let (Some(greeting), Some(socket)) = (&conn.greeting, &*conn.socket.borrow()) {
                    let _ = socket.send_with_str(greeting);
                }
            })
        };
        let received = {
            let handler = Rc::clone(&conn.on_message);
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                let text = event
                    .dyn_into::<MessageEvent>()
                    .ok()
                    .and_then(|e| e.data().as_string());
                if let Some(value) = text.and_then(|t| serde_json::from_str(&t).ok()) {
                    handler(value);
                }
            })
        };
        let dropped = {
            let conn = Rc::downgrade(conn);
            Closure::<dyn FnMut(JsValue)>::new(move |_| {
                if let Some(conn) = conn.upgrade() {
                    retry(&conn);
                }
            })
        };
        socket.set_onopen(Some(opened.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(received.as_ref().unchecked_ref()));
        socket.set_onclose(Some(dropped.as_ref().unchecked_ref()));
        *conn.socket.borrow_mut() = Some(socket);
        *conn.handlers.borrow_mut() = vec![opened, received, dropped];
    }

    fn retry(conn: &Rc<Conn>) {
        if conn.closed.get() {
            return;
        }
        let failures = conn.failures.get().saturating_add(1);
        conn.failures.set(failures);
        let wait = (1u32 << (failures - 1).min(5)).min(MAX_WAIT);
        conn.set_link.set(Link::Retrying(wait));
        // Up to a quarter more, at random.
        let jitter = js_sys::Math::random() * 0.25;
        let millis = (f64::from(wait) * 1000.0 * (1.0 + jitter)) as i32;
        let weak = Rc::downgrade(conn);
        let generation = conn.generation.get();
        let again = Closure::once_into_js(move || {
            if let Some(conn) = weak.upgrade()
                && conn.generation.get() == generation
            {
                connect(&conn);
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                again.unchecked_ref(),
                millis,
            );
        }
    }
}
