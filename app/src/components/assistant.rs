//! The assistant's widget, on every page: a button that opens a panel
//! talking to `ws/chatbot/`. The socket opens the first time the panel does
//! and stays open while the reader moves from page to page; the transcript
//! is also kept in the tab's session storage, so a full reload keeps it.
//! Slot choices and yes/no come as buttons (only the last answer's are
//! live), links go into the portals; Escape closes the panel, and the
//! transcript is a polite live region for screen readers. The panel's code
//! (the conversation and its socket) is fetched the first time the panel
//! opens: in a split build it is a WebAssembly module of its own, and most
//! pages are read without ever opening it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::i18n::use_i18n;
use crate::live::{Link, LinkStatus, Sender, use_live_socket};

/// One line of the conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    mine: bool,
    text: String,
    /// (label, href)
    #[serde(default)]
    links: Vec<(String, String)>,
    /// (label, text sent back)
    #[serde(default)]
    choices: Vec<(String, String)>,
}

/// Session-storage key of the transcript.
const KEPT: &str = "medplat.assistant";
/// Session-storage key saying the panel was open (it opens again on the next
/// page).
const KEPT_OPEN: &str = "medplat.assistant.open";

fn pairs(value: &Value, a: &str, b: &str) -> Vec<(String, String)> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| Some((i[a].as_str()?.to_owned(), i[b].as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}

/// The button and its panel.
#[island]
pub fn AssistantWidget() -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let started = RwSignal::new(false);
    let entries = RwSignal::new(Vec::<Entry>::new());
    restore(entries, open, started);
    let toggle = move |_| {
        open.update(|o| *o = !*o);
        started.set(true);
    };
    view! {
        <div class="fixed bottom-4 right-4 z-40 flex flex-col items-end gap-3"
            on:keydown=move |ev| if ev.key() == "Escape" { open.set(false) }>
            <Show when=move || started.get()>
                <div id="assistant-panel" role="dialog" aria-labelledby="assistant-title" data-testid="assistant-panel"
                    class="flex h-[32rem] max-h-[80vh] w-[22rem] max-w-[calc(100vw-2rem)] flex-col overflow-hidden rounded-2xl border border-slate-200 bg-white shadow-xl"
                    hidden=move || !open.get()>
                    <Suspense fallback=move || view! { <p class="p-4 text-sm text-slate-600">{move || i18n.t(|t| t.loading)}</p> }>
                        {move || Suspend::new(conversation(entries, open))}
                    </Suspense>
                </div>
            </Show>
            <button type="button" data-testid="assistant-toggle" aria-controls="assistant-panel"
                aria-expanded=move || open.get().to_string()
                class="flex h-14 w-14 items-center justify-center rounded-full bg-teal-700 text-white shadow-lg hover:bg-teal-800 focus:outline-none focus:ring-4 focus:ring-teal-300"
                on:click=toggle>
                <span class="sr-only">{move || if open.get() { i18n.t(|t| t.c.assistant_close) } else { i18n.t(|t| t.c.assistant_open) }}</span>
                <svg aria-hidden="true" viewBox="0 0 24 24" class="h-7 w-7" fill="none" stroke="currentColor" stroke-width="2">
                    <path stroke-linecap="round" stroke-linejoin="round" d="M8 10h8M8 14h5m-9 6 3.5-3H19a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2H5a2 2 0 0 0-2 2v9a2 2 0 0 0 2 2h0z" />
                </svg>
            </button>
        </div>
    }
}

/// Loads the tab's transcript once hydrated, and keeps it as it grows; the
/// panel opens again on the next page if it was open when the reader left.
fn restore(entries: RwSignal<Vec<Entry>>, open: RwSignal<bool>, started: RwSignal<bool>) {
    #[cfg(feature = "hydrate")]
    {
        let storage = || web_sys::window().and_then(|w| w.session_storage().ok().flatten());
        if let Some(kept) = storage().and_then(|s| s.get_item(KEPT).ok().flatten())
            && let Ok(kept) = serde_json::from_str::<Vec<Entry>>(&kept)
        {
            entries.set(kept);
        }
        // Once hydrated (the server drew it closed).
        Effect::new(move |_| {
            if storage()
                .and_then(|s| s.get_item(KEPT_OPEN).ok().flatten())
                .as_deref()
                == Some("1")
            {
                open.set(true);
                started.set(true);
            }
        });
        Effect::new(move |_| {
            let list = entries.get();
            if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(&list)) {
                let _ = s.set_item(KEPT, &text);
            }
        });
        // Kept on each change (not when first drawn, before the above).
        Effect::new(move |drawn: Option<()>| {
            let shown = if open.get() { "1" } else { "0" };
            if drawn.is_some()
                && let Some(s) = storage()
            {
                let _ = s.set_item(KEPT_OPEN, shown);
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (entries, open, started, KEPT, KEPT_OPEN);
}

/// The panel's content, once its code is loaded.
fn conversation(
    entries: RwSignal<Vec<Entry>>,
    open: RwSignal<bool>,
) -> impl std::future::Future<Output = AnyView> + Send + 'static {
    #[cfg(feature = "hydrate")]
    {
        // The loader's future stays on the browser's one thread.
        send_wrapper::SendWrapper::new(conversation_view(entries, open))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        async move { view! { <Conversation entries open /> }.into_any() }
    }
}

/// The split point of the panel's code.
#[cfg(feature = "hydrate")]
#[leptos::wasm_split::wasm_split(assistant_panel, wasm_split_path = ::leptos::wasm_split)]
fn conversation_view(entries: RwSignal<Vec<Entry>>, open: RwSignal<bool>) -> AnyView {
    view! { <Conversation entries open /> }.into_any()
}

/// The panel's content: the transcript and the question box, over the socket.
#[component]
fn Conversation(entries: RwSignal<Vec<Entry>>, open: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let (link, sender) =
        use_live_socket(
            "/ws/chatbot/".into(),
            None,
            move |frame: Value| match frame["type"].as_str() {
                Some("chat_message") => entries.update(|list| {
                    list.push(Entry {
                        mine: false,
                        text: frame["message"].as_str().unwrap_or_default().to_owned(),
                        links: pairs(&frame["suggestions"], "label", "href"),
                        choices: pairs(&frame["choices"], "label", "send"),
                    })
                }),
                Some("error") => entries.update(|list| {
                    list.push(Entry {
                        mine: false,
                        text: frame["message"].as_str().unwrap_or_default().to_owned(),
                        links: Vec::new(),
                        choices: Vec::new(),
                    })
                }),
                _ => {}
            },
        );
    let question = RwSignal::new(String::new());
    let input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if open.get()
            && let Some(input) = input.get()
        {
            let _ = input.focus();
        }
    });
    let ask = move |text: String| send_question(sender, entries, text);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = question.get_untracked();
        if !text.trim().is_empty() && link.get_untracked() == Link::Live {
            ask(text);
            question.set(String::new());
        }
    };
    view! {
        <header class="flex items-center justify-between gap-2 border-b border-slate-200 bg-teal-700 px-4 py-3 text-white">
            <h2 id="assistant-title" class="font-semibold">{move || i18n.t(|t| t.c.assistant_title)}</h2>
            <LinkStatus link />
            <button type="button" class="rounded p-1 hover:bg-teal-800" on:click=move |_| open.set(false)
                aria-label=move || i18n.t(|t| t.c.assistant_close)>"✕"</button>
        </header>
        <ol role="log" aria-live="polite" data-testid="assistant-log" class="flex-1 space-y-3 overflow-y-auto p-4 text-sm">
            <li class="max-w-[85%] rounded-2xl bg-slate-100 px-3 py-2">{move || i18n.t(|t| t.c.assistant_welcome)}</li>
            {move || {
                let list = entries.get();
                let last = list.len().saturating_sub(1);
                list.into_iter().enumerate().map(|(i, entry)| view! { <Line entry live=i == last ask /> }).collect_view()
            }}
        </ol>
        <Show when=move || matches!(link.get(), Link::Retrying(_))>
            <p role="status" class="bg-amber-50 px-4 py-1 text-xs text-amber-900">{move || i18n.t(|t| t.c.assistant_offline)}</p>
        </Show>
        <form class="flex gap-2 border-t border-slate-200 p-3" on:submit=submit>
            <label for="assistant-question" class="sr-only">{move || i18n.t(|t| t.c.assistant_ask_label)}</label>
            <input id="assistant-question" node_ref=input data-testid="assistant-input" autocomplete="off" maxlength="2000"
                class="min-w-0 flex-1 rounded-lg border border-slate-300 px-3 py-2 text-sm"
                placeholder=move || i18n.t(|t| t.c.assistant_placeholder)
                prop:value=move || question.get() on:input=move |ev| question.set(event_target_value(&ev)) />
            <button type="submit" class="rounded-lg bg-teal-700 px-3 py-2 text-sm font-semibold text-white disabled:opacity-60"
                disabled=move || link.get() != Link::Live>
                {move || i18n.t(|t| t.c.send)}
            </button>
        </form>
    }
}

fn send_question(sender: Sender, entries: RwSignal<Vec<Entry>>, text: String) {
    let frame = serde_json::json!({ "message": text }).to_string();
    if sender.send(&frame) {
        entries.update(|list| {
            list.push(Entry {
                mine: true,
                text,
                links: Vec::new(),
                choices: Vec::new(),
            })
        });
    }
}

/// One line; the last answer's choices are buttons.
#[component]
fn Line(
    entry: Entry,
    live: bool,
    ask: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let class = if entry.mine {
        "ml-auto max-w-[85%] whitespace-pre-line rounded-2xl bg-teal-700 px-3 py-2 text-white"
    } else {
        "max-w-[85%] whitespace-pre-line rounded-2xl bg-slate-100 px-3 py-2"
    };
    let choices = if live { entry.choices } else { Vec::new() };
    view! {
        <li class="flex flex-col gap-2">
            <p class=class data-mine=entry.mine.to_string()>{entry.text}</p>
            {(!choices.is_empty()).then(|| view! {
                <div class="flex flex-wrap gap-2" data-testid="assistant-choices">
                    {choices.into_iter().map(|(label, send)| view! {
                        <button type="button" class="rounded-full border border-teal-700 px-3 py-1 text-left text-xs font-medium text-teal-800 hover:bg-teal-50"
                            on:click=move |_| ask(send.clone())>{label}</button>
                    }).collect_view()}
                </div>
            })}
            {(!entry.links.is_empty()).then(|| view! {
                <div class="flex flex-wrap gap-2">
                    {entry.links.into_iter().map(|(label, href)| {
                        let class = "rounded-full bg-white px-3 py-1 text-xs font-medium text-teal-800 underline ring-1 ring-slate-200";
                        // Portal links open the page (within the hydrated
                        // app, the router takes them); `tel:` ones dial.
                        view! { <a href=href class=class>{label}</a> }
                    }).collect_view()}
                </div>
            })}
        </li>
    }
}
