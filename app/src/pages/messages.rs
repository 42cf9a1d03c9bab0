//! `/patient/messages` and `/doctor/messages`: the reader's conversations
//! (one per care relationship, with unread counts), and the one chosen
//! (`?room=`) live beside them.

use domain::accounts::UserId;
use domain::chat::ChatRoom;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::chat_room::ChatPane;
use crate::api::chat::chat_rooms;
use crate::components::forms::ErrorBanner;
use crate::components::sched::CARD;
use crate::i18n::use_i18n;
use crate::session_state::use_session;

/// The messages page of either portal.
#[component]
pub fn MessagesPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let query = use_query_map();
    let selected = Memo::new(move |_| query.read().get("room").and_then(|r| r.parse::<i64>().ok()));
    let rooms = Resource::new(|| (), |_| chat_rooms());
    view! {
        <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.c.messages_title)}</h1>
        <Transition fallback=move || view! { <p class="mt-4 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                let me = session.user.await.ok().flatten();
                let Some(me) = me else { return ().into_any() };
                let patient = me.role == domain::accounts::Role::Patient;
                match rooms.await {
                    Ok(list) if list.is_empty() => view! {
                        <p data-testid="empty" class="mt-4 rounded-2xl border border-dashed border-slate-300 p-6 text-center text-slate-500">
                            {move || if patient { i18n.t(|t| t.c.no_rooms_patient) } else { i18n.t(|t| t.c.no_rooms_doctor) }}
                        </p>
                    }.into_any(),
                    Ok(list) => view! { <Rooms list me=me.id patient selected /> }.into_any(),
                    Err(err) => view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Rooms(
    list: Vec<ChatRoom>,
    me: UserId,
    patient: bool,
    selected: Memo<Option<i64>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let base = if patient {
        "/patient/messages"
    } else {
        "/doctor/messages"
    };
    let rooms = StoredValue::new(list.clone());
    let current = move || {
        let id = selected.get()?;
        rooms.with_value(|r| r.iter().find(|room| room.id == id).cloned())
    };
    view! {
        <p class="mt-1 text-slate-600">{move || if patient { i18n.t(|t| t.c.patient_intro) } else { i18n.t(|t| t.c.doctor_intro) }}</p>
        <div class="mt-4 grid gap-4 lg:grid-cols-[16rem_1fr]">
            <nav aria-label=move || i18n.t(|t| t.c.messages_title) class=format!("{CARD} !p-2")>
                <ul class="space-y-1" data-testid="rooms">
                    {list.into_iter().map(|room| {
                        let (_, name) = room.other(me);
                        let name = if patient { format!("Dr {name}") } else { name.to_owned() };
                        let href = format!("{base}?room={}", room.id);
                        let id = room.id;
                        let unread = room.unread;
                        view! {
                            <li>
                                <A href=href attr:data-testid="room" attr:aria-current=move || (selected.get() == Some(id)).then_some("page")
                                    attr:class="flex items-center justify-between gap-2 rounded-lg px-3 py-2 text-sm hover:bg-teal-50 aria-[current=page]:bg-teal-100">
                                    <span class="min-w-0">
                                        <span class="block truncate font-medium">{name}</span>
                                        {(!room.open).then(|| view! { <span class="block text-xs text-slate-500">{move || i18n.t(|t| t.c.closed_room)}</span> })}
                                    </span>
                                    {(unread > 0).then(|| view! {
                                        <span class="rounded-full bg-rose-600 px-2 py-0.5 text-xs font-semibold text-white">
                                            {unread}<span class="sr-only">" "{move || i18n.t(|t| t.c.unread)}</span>
                                        </span>
                                    })}
                                </A>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </nav>
            <section class=format!("{CARD} !p-0 min-h-[24rem]")>
                {move || match current() {
                    Some(room) => view! { <ChatPane room me patient /> }.into_any(),
                    None => view! { <p class="p-6 text-slate-500">{move || i18n.t(|t| t.c.choose_room)}</p> }.into_any(),
                }}
            </section>
        </div>
    }
}
