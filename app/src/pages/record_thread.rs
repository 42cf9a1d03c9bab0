//! The message thread of a consultation record: the patient and their
//! doctor write about the consultation; reading it marks the other side's
//! messages read, and "Lu" shows under one's own once the other side read it.

use domain::consultations::{MessageChannel, ThreadMessage};
use leptos::prelude::*;

use crate::api::records::{PostRecordMessage, read_thread};
use crate::components::forms::ErrorBanner;
use crate::components::medical::FieldError;
use crate::components::sched::{CARD, INPUT, PRIMARY};
use crate::i18n::use_i18n;

/// The thread of a record, made where the page starts (not inside its
/// Suspense), so that the server and the browser create their resources in
/// the same order.
#[derive(Clone, Copy)]
pub struct ThreadData {
    pub thread: Resource<Result<Vec<ThreadMessage>, crate::error::UiError>>,
}

impl ThreadData {
    /// The thread of the record `id()` names.
    pub fn new(id: impl Fn() -> i64 + Send + Sync + 'static) -> Self {
        Self {
            thread: Resource::new(id, read_thread),
        }
    }
}

/// The thread of record `id`, with `other` (the name of the other side).
#[component]
pub fn Thread(id: i64, other: String, data: ThreadData) -> impl IntoView {
    let i18n = use_i18n();
    let ThreadData { thread } = data;
    view! {
        <section class=format!("mt-6 {CARD}") data-testid="thread" aria-labelledby="thread-title">
            <h2 id="thread-title" class="text-lg font-semibold">{move || i18n.t(|t| t.r.thread_title)} " " {other}</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match thread.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="mt-3 text-sm text-slate-500" data-testid="thread-empty">{move || i18n.t(|t| t.r.thread_empty)}</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <ol class="mt-3 space-y-2" aria-live="polite">
                                {list.into_iter().map(|m| view! { <Message m /> }).collect_view()}
                            </ol>
                        }.into_any(),
                        Err(err) => view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any(),
                    }
                })}
            </Transition>
            <ThreadForm id />
        </section>
    }
}

/// Writing in the thread; the page is loaded again once the message is sent.
#[island(lazy)]
fn ThreadForm(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let post = ServerAction::<PostRecordMessage>::new();
    crate::islands::reload_after(post);
    let error = Signal::derive(move || post.value().get().and_then(Result::err));
    let general =
        Signal::derive(move || error.get().filter(|e| e.field.as_deref() != Some("body")));
    view! {
        <ActionForm action=post attr:class="mt-4 space-y-2" attr:data-testid="thread-form">
            <ErrorBanner error=general />
            <input type="hidden" name="id" value=id.to_string() />
            <label class="block text-sm font-medium text-slate-700" for="thread-body">{move || i18n.t(|t| t.r.message_label)}</label>
            <textarea id="thread-body" name="body" rows="2" maxlength="4000" required class=INPUT></textarea>
            <FieldError name="body" error />
            <button type="submit" class=PRIMARY data-testid="thread-send" disabled=move || post.pending().get()>
                {move || i18n.t(|t| t.r.send)}
            </button>
        </ActionForm>
    }
}

#[component]
fn Message(m: ThreadMessage) -> impl IntoView {
    let i18n = use_i18n();
    let side = if m.mine {
        "ml-auto bg-teal-50 border-teal-200"
    } else {
        "mr-auto bg-slate-50 border-slate-200"
    };
    let who = m.sender.map(|s| s.name).unwrap_or_else(|| "?".into());
    let channel = match m.channel {
        MessageChannel::Portal => "",
        MessageChannel::Whatsapp => " · WhatsApp",
        MessageChannel::Sms => " · SMS",
    };
    let read = m.mine && m.read_at.is_some();
    view! {
        <li class=format!("max-w-prose rounded-xl border px-3 py-2 {side}") data-testid="thread-message" data-mine=m.mine.to_string()>
            <p class="text-xs text-slate-500">{who} " · " {i18n.moment(m.sent_at)} {channel}</p>
            <p class="mt-1 whitespace-pre-line text-sm">{m.body}</p>
            {read.then(|| view! { <p class="text-right text-xs text-teal-700" data-testid="read-mark">{move || i18n.t(|t| t.r.read_mark)}</p> })}
        </li>
    }
}
