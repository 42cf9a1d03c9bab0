//! One conversation, live over `ws/chat/<room>/`: the history (older pages
//! on demand), the other member's presence and typing, "Lu" under the last
//! message they read, and the box to write in (Enter sends, Shift+Enter
//! goes to the next line). What the reader sees is marked read.

use domain::accounts::UserId;
use domain::chat::{ChatMessage, ChatRoom};
use leptos::prelude::*;
use serde_json::Value;

use crate::i18n::use_i18n;
use crate::live::{Link, LinkStatus, Sender, use_live_socket};

/// The conversation's live state.
#[derive(Clone, Copy)]
struct Live {
    messages: RwSignal<Vec<ChatMessage>>,
    has_more: RwSignal<bool>,
    online: RwSignal<bool>,
    last_seen: RwSignal<Option<i64>>,
    typing: RwSignal<bool>,
    their_read: RwSignal<i64>,
    error: RwSignal<Option<String>>,
}

impl Live {
    fn new() -> Self {
        Self {
            messages: RwSignal::new(Vec::new()),
            has_more: RwSignal::new(false),
            online: RwSignal::new(false),
            last_seen: RwSignal::new(None),
            typing: RwSignal::new(false),
            their_read: RwSignal::new(0),
            error: RwSignal::new(None),
        }
    }

    /// Applies one frame from the socket; returns the id to mark read, if
    /// the other member wrote something new.
    fn apply(&self, me: UserId, frame: &Value) -> Option<i64> {
        match frame["type"].as_str()? {
            "connection_established" => {
                self.online
                    .set(frame["other"]["online"].as_bool().unwrap_or(false));
                self.last_seen.set(frame["other"]["last_seen"].as_i64());
                self.their_read
                    .set(frame["read"]["theirs"].as_i64().unwrap_or(0));
                None
            }
            "history" => {
                let page: Vec<ChatMessage> =
                    serde_json::from_value(frame["messages"].clone()).unwrap_or_default();
                self.has_more
                    .set(frame["has_more"].as_bool().unwrap_or(false));
                let newest = page.last().map(|m| m.id);
                self.messages.update(|list| {
                    // A page older than what is shown goes first; a fresh
                    // join (after a reconnection) replaces it.
                    if list
                        .first()
                        .zip(page.last())
                        .is_some_and(|(f, l)| l.id < f.id)
                    {
                        let mut all = page;
                        all.append(list);
                        *list = all;
                    } else {
                        *list = page;
                    }
                });
                newest
            }
            "message" => {
                let message: ChatMessage = serde_json::from_value(frame["message"].clone()).ok()?;
                let theirs = message.sender_id != me;
                let id = message.id;
                self.messages.update(|list| {
                    if !list.iter().any(|m| m.id == id) {
                        list.push(message);
                    }
                });
                if theirs {
                    self.typing.set(false);
                }
                theirs.then_some(id)
            }
            "typing" => {
                self.typing.set(true);
                let typing = self.typing;
                set_timeout(move || typing.set(false), std::time::Duration::from_secs(4));
                None
            }
            "read" if frame["user_id"].as_i64() != Some(me) => {
                self.their_read.set(frame["up_to"].as_i64().unwrap_or(0));
                None
            }
            "presence" => {
                self.online.set(frame["online"].as_bool().unwrap_or(false));
                if let Some(seen) = frame["last_seen"].as_i64() {
                    self.last_seen.set(Some(seen));
                }
                None
            }
            "error" => {
                self.error.set(frame["error"].as_str().map(str::to_owned));
                None
            }
            _ => None,
        }
    }
}

/// The chosen conversation, live over its socket (its code is fetched when
/// a conversation is open).
#[island(lazy)]
pub fn ChatPane(room: ChatRoom, me: UserId, patient: bool) -> impl IntoView {
    let i18n = use_i18n();
    let live = Live::new();
    let sender: StoredValue<Option<Sender>> = StoredValue::new(None);
    let (link, socket) = use_live_socket(format!("/ws/chat/{}/", room.id), None, move |frame| {
        if let Some(up_to) = live.apply(me, &frame)
            && let Some(sender) = sender.get_value()
        {
            sender.send(&serde_json::json!({"type": "read", "up_to": up_to}).to_string());
        }
    });
    sender.set_value(Some(socket));
    let (_, other) = room.other(me);
    let other = if patient {
        format!("Dr {other}")
    } else {
        other.to_owned()
    };
    let draft = RwSignal::new(String::new());
    let typed_at = StoredValue::new(0.0_f64);
    let not_sent = RwSignal::new(false);
    let send = move || {
        let body = draft.get_untracked();
        if body.trim().is_empty() {
            return;
        }
        let frame = serde_json::json!({"type": "message", "body": body}).to_string();
        let sent = socket.send(&frame);
        not_sent.set(!sent);
        if sent {
            draft.set(String::new());
            live.error.set(None);
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() {
            ev.prevent_default();
            send();
        }
    };
    let on_input = move |ev| {
        draft.set(event_target_value(&ev));
        // At most one typing signal every three seconds.
        let now = js_now();
        if now - typed_at.get_value() > 3000.0 {
            typed_at.set_value(now);
            socket.send(r#"{"type": "typing"}"#);
        }
    };
    let older = move |_| {
        if let Some(first) = live.messages.with_untracked(|m| m.first().map(|m| m.id)) {
            socket.send(&serde_json::json!({"type": "history", "before": first}).to_string());
        }
    };
    let presence = move || {
        let c = i18n.tr().c;
        if live.online.get() {
            c.online.to_owned()
        } else {
            match live.last_seen.get() {
                Some(ms) => format!("{} {}", c.last_seen, i18n.moment_ms(ms)),
                None => c.never_seen.to_owned(),
            }
        }
    };
    let other_name = other.clone();
    view! {
        <div class="flex h-full flex-col" data-testid="chat-pane">
            <header class="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 px-4 py-3">
                <div>
                    <h2 class="font-semibold">{move || i18n.t(|t| t.c.conversation_with)}" "{other.clone()}</h2>
                    <p class="text-xs text-slate-500" data-testid="presence" data-online=move || live.online.get().to_string()>{presence}</p>
                </div>
                <LinkStatus link />
            </header>
            <ol role="log" aria-live="polite" data-testid="chat-log" class="max-h-[28rem] min-h-[16rem] flex-1 space-y-2 overflow-y-auto px-4 py-3 text-sm">
                <Show when=move || live.has_more.get()>
                    <li class="text-center">
                        <button type="button" class="text-xs text-teal-800 underline" on:click=older>{move || i18n.t(|t| t.c.older)}</button>
                    </li>
                </Show>
                <Show when=move || live.messages.with(Vec::is_empty)>
                    <li class="py-6 text-center text-slate-500">{move || i18n.t(|t| t.c.no_messages)}</li>
                </Show>
                {move || {
                    let list = live.messages.get();
                    let last_mine = list.iter().rev().find(|m| m.sender_id == me).map(|m| m.id);
                    let read_up_to = live.their_read.get();
                    list.into_iter().map(|m| {
                        let mine = m.sender_id == me;
                        let receipt = mine && Some(m.id) == last_mine && read_up_to >= m.id;
                        let class = if mine { "ml-auto max-w-[80%] rounded-2xl bg-teal-700 px-3 py-2 text-white" } else { "max-w-[80%] rounded-2xl bg-slate-100 px-3 py-2" };
                        let flags = m.red_flags.clone();
                        view! {
                            <li class="flex flex-col" data-testid="chat-message" data-mine=mine.to_string()>
                                {(!flags.is_empty() && !mine).then(|| {
                                    let t = i18n.tr().c;
                                    let names = flags.iter().map(|f| t.red_flag_name(f)).collect::<Vec<_>>().join(", ");
                                    view! {
                                        <span data-testid="red-flag-mark" class="mb-1 w-fit rounded bg-rose-100 px-2 py-0.5 text-[11px] font-semibold text-rose-900">
                                            {format!("⚠ {} {names}", t.red_flag_doctor)}
                                        </span>
                                    }
                                })}
                                <p class=format!("whitespace-pre-line {class}")>{m.body}</p>
                                {(!flags.is_empty() && mine).then(|| {
                                    let t = i18n.tr().c;
                                    let suicide = flags.iter().any(|f| f == "suicide");
                                    view! {
                                        <div role="alert" data-testid="red-flag-help" class="ml-auto mt-1 max-w-[80%] rounded-lg border border-rose-300 bg-rose-50 px-3 py-2 text-xs text-rose-900">
                                            {t.red_flag_patient}" "
                                            <a class="font-bold underline" href="tel:15">"15"</a>" · "
                                            <a class="font-bold underline" href="tel:112">"112"</a>
                                            {suicide.then(|| view! { <span class="mt-1 block">{t.red_flag_suicide}" "<a class="font-bold underline" href="tel:3114">"3114"</a></span> })}
                                        </div>
                                    }
                                })}
                                <span class=if mine { "ml-auto text-[11px] text-slate-500" } else { "text-[11px] text-slate-500" }>
                                    {i18n.moment_ms(m.sent_at)}
                                    {receipt.then(|| view! { " · " <span data-testid="read-receipt">{move || i18n.t(|t| t.c.read_receipt)}</span> })}
                                </span>
                            </li>
                        }
                    }).collect_view()
                }}
            </ol>
            <p class="h-5 px-4 text-xs italic text-slate-500" aria-live="polite" data-testid="typing">
                {move || live.typing.get().then(|| format!("{other_name} {}", i18n.tr().c.typing))}
            </p>
            <Show when=move || not_sent.get() || live.error.get().is_some()>
                <p role="alert" class="mx-4 rounded bg-rose-50 px-3 py-1 text-xs text-rose-800">
                    {move || live.error.get().unwrap_or_else(|| i18n.tr().c.not_sent.to_owned())}
                </p>
            </Show>
            {if room.open {
                view! {
                    <form class="flex items-end gap-2 border-t border-slate-200 p-3" on:submit=move |ev| { ev.prevent_default(); send(); }>
                        <label for="chat-draft" class="sr-only">{move || i18n.t(|t| t.c.write_label)}</label>
                        <textarea id="chat-draft" data-testid="chat-input" rows="2" maxlength="4000"
                            class="min-w-0 flex-1 resize-none rounded-lg border border-slate-300 px-3 py-2 text-sm"
                            placeholder=move || i18n.t(|t| t.c.write_placeholder)
                            prop:value=move || draft.get() on:input=on_input on:keydown=on_key></textarea>
                        <button type="submit" class="rounded-lg bg-teal-700 px-3 py-2 text-sm font-semibold text-white disabled:opacity-60"
                            disabled=move || link.get() != Link::Live>{move || i18n.t(|t| t.c.send)}</button>
                    </form>
                }.into_any()
            } else {
                view! { <p class="border-t border-slate-200 p-3 text-sm text-slate-500">{move || i18n.t(|t| t.c.closed_room)}</p> }.into_any()
            }}
        </div>
    }
}

/// Milliseconds now (browser), for throttling.
fn js_now() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0.0
    }
}
