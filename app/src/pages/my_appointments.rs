//! The patient's appointments (cancel, reschedule, history), waitlist and
//! calendar feed.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::appointments::{
    AnswerWaitlist, AppointmentView, ListQuery, appointment_history, list_appointments, my_waitlist,
};
use crate::api::records::OpenRecord;
use crate::components::confirm::ConfirmButton;
use crate::components::forms::ErrorBanner;
use crate::components::sched::{
    AcceptOffer, CARD, CancelAppointment, Empty, FeedCard, PRIMARY, SECONDARY, StatusBadge,
    date_text, kind_label, status_label,
};
use crate::i18n::{Tr, use_i18n};
use crate::islands::{go_to, reload_after};

/// `/patient/appointments`.
#[component]
pub fn MyAppointmentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let booked = move || query.with(|q| q.get("booked").is_some());
    let list = Resource::new(|| (), |_| list_appointments(ListQuery::default()));
    view! {
        <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.s.my_appointments_title)}</h1>
        <Show when=booked>
            <p role="status" data-testid="booked-notice" class="mt-3 rounded-lg bg-teal-50 px-3 py-2 text-sm text-teal-900">
                {move || i18n.t(|t| t.s.booked_notice)}
            </p>
        </Show>
        <Transition fallback=move || view! { <p class="mt-4 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) if list.is_empty() => view! {
                        <div class="mt-4"><Empty text=|s| s.appointments_empty /></div>
                        <A href="/patient/doctors" attr:class=format!("mt-4 inline-block {PRIMARY}")>{move || i18n.t(|t| t.s.find_title)}</A>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="mt-4 space-y-3" data-testid="my-appointments">
                            {list.into_iter().rev().map(|a| view! { <li><PatientAppointment a /></li> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(err) => view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any(),
                }
            })}
        </Transition>
        <FeedCard />
    }
}

#[component]
fn PatientAppointment(a: AppointmentView) -> impl IntoView {
    let i18n = use_i18n();
    let open = matches!(a.status.as_str(), "pending" | "confirmed") && !a.started;
    let id = a.id;
    let reschedule = format!("/patient/doctors/{}?reschedule={id}", a.doctor_id);
    let start = a.start.clone();
    let kind = a.consultation_type.clone();
    let message = a.doctor_message.clone();
    let what = format!("{} — Dr {}", i18n.moment(a.start.at), a.doctor_name);
    view! {
        <article class=CARD data-testid="appointment" data-id=id>
            <div class="flex flex-wrap items-center justify-between gap-2">
                <div>
                    <p class="font-semibold">{move || i18n.moment(start.at)} " – " {a.end_time.clone()}</p>
                    <p class="text-sm text-slate-600">"Dr " {a.doctor_name.clone()} " · " {move || kind_label(i18n.tr().s, &kind)}</p>
                    {a.location.clone().map(|l| view! { <p class="text-sm text-slate-500">{l}</p> })}
                    <Show when={let r = a.reason.clone(); move || !r.is_empty()}>
                        <p class="text-sm text-slate-500" data-testid="appointment-reason">{a.reason.clone()}</p>
                    </Show>
                </div>
                <StatusBadge status=a.status.clone() />
            </div>
            <Show when={let m = message.clone(); move || !m.is_empty()}>
                <p class="mt-2 text-sm"><span class="text-slate-500">{move || i18n.t(|t| t.s.doctor_message)}{move || i18n.t(|t| t.colon)}</span>{message.clone()}</p>
            </Show>
            <div class="mt-3 flex flex-wrap gap-2">
                <Show when=move || open>
                    <A href=reschedule.clone() attr:class=SECONDARY>{move || i18n.t(|t| t.s.reschedule)}</A>
                    <CancelAppointment id what=what.clone() on_home=false />
                </Show>
                <Show when=move || open>
                    <PrepareRecord appointment_id=id />
                </Show>
                <AppointmentHistory id />
            </div>
        </article>
    }
}

/// Opens (or reopens) the consultation record of an appointment, and goes
/// to it.
#[island(lazy)]
fn PrepareRecord(appointment_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let prepare = ServerAction::<OpenRecord>::new();
    Effect::new(move |_| {
        if let Some(Ok(id)) = prepare.value().get() {
            go_to(&format!("/patient/consultations/{id}"));
        }
    });
    let error = Signal::derive(move || prepare.value().get().and_then(Result::err));
    view! {
        <button type="button" class=SECONDARY data-testid="prepare-record" disabled=move || prepare.pending().get()
            on:click=move |_| { prepare.dispatch(OpenRecord { other_id: String::new(), appointment_id: Some(appointment_id) }); }>
            {move || i18n.t(|t| t.r.prepare_appointment)}
        </button>
        <ErrorBanner error />
    }
}

/// A toggle showing an appointment's status history.
#[island(lazy)]
pub fn AppointmentHistory(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let shown = RwSignal::new(false);
    // Loaded on demand in the browser (an action, not a resource): cards are
    // drawn inside a Suspense, where a resource would be numbered differently
    // on the server and in the browser.
    let load = Action::new(move |(): &()| appointment_history(id));
    view! {
        <button type="button" class=SECONDARY on:click=move |_| {
            shown.update(|s| *s = !*s);
            if shown.get_untracked() { load.dispatch(()); }
        }>
            {move || i18n.t(|t| t.s.history)}
        </button>
        <Show when=move || shown.get()>
            {move || load.value().get().and_then(Result::ok).unwrap_or_default().into_iter().map(|step| {
                let status = step.status.clone();
                let at = step.at;
                view! {
                    <p class="w-full text-xs text-slate-600" data-testid="history-step">
                        {move || i18n.moment(at)} " — " {move || status_label(i18n.tr().s, &status)} " " {step.note.clone()}
                    </p>
                }
            }).collect_view()}
        </Show>
    }
}

/// `/patient/waitlist`.
#[component]
pub fn WaitlistPage() -> impl IntoView {
    let i18n = use_i18n();
    let entries = Resource::new(|| (), |_| my_waitlist());
    view! {
        <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.s.waitlist_title)}</h1>
        <Transition fallback=move || view! { <p class="mt-4 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                match entries.await {
                    Ok(list) if list.is_empty() => view! { <div class="mt-4"><Empty text=|s| s.waitlist_empty /></div> }.into_any(),
                    Ok(list) => view! {
                        <ul class="mt-4 space-y-3" data-testid="waitlist">
                            {list.into_iter().map(|e| {
                                let id = e.id;
                                let status = e.status.clone();
                                let active = matches!(status.as_str(), "waiting" | "offered");
                                let offered = status == "offered";
                                let date = e.date.clone();
                                let offer = e.offer.clone();
                                let expires = e.expires;
                                view! {
                                    <li class=CARD data-testid="waitlist-entry" data-status=e.status.clone()>
                                        <p class="font-semibold">"Dr " {e.doctor_name.clone()} " — " {move || date_text(i18n.lang(), &date)}</p>
                                        <p class="text-sm text-slate-600">{move || wait_label(i18n.tr().s, &status)}</p>
                                        {offer.map(|at| view! {
                                            <p class="mt-2 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900">
                                                {move || i18n.t(|t| t.s.offer_text)}{move || i18n.t(|t| t.colon)} {move || i18n.moment(at.at)}
                                                " (" {move || i18n.t(|t| t.s.offer_until)} " " {move || expires.map(|e| i18n.moment(e)).unwrap_or_default()} ")"
                                            </p>
                                        })}
                                        <div class="mt-3 flex gap-2">
                                            <Show when=move || offered>
                                                <AcceptOffer id on_home=false />
                                            </Show>
                                            <Show when=move || active>
                                                <LeaveQueue id offered />
                                            </Show>
                                        </div>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(err) => view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Leaves a waiting list, or turns its offer down, after the one
/// confirmation; the page is loaded again.
#[island(lazy)]
fn LeaveQueue(id: i64, offered: bool) -> impl IntoView {
    let answer = ServerAction::<AnswerWaitlist>::new();
    reload_after(answer);
    let label = if offered {
        |t: &Tr| t.s.decline_offer
    } else {
        |t: &Tr| t.s.leave_queue
    };
    view! {
        <ConfirmButton label question=|t| t.u.leave_queue_question yes=|t| t.u.leave_yes testid="leave-queue"
            confirm=Callback::new(move |()| { answer.dispatch(AnswerWaitlist { id, accept: false }); }) />
        <ErrorBanner error=Signal::derive(move || answer.value().get().and_then(Result::err)) />
    }
}

fn wait_label(s: &crate::i18n::Sched, status: &str) -> &'static str {
    match status {
        "waiting" => s.wait_waiting,
        "offered" => s.wait_offered,
        "booked" => s.wait_booked,
        "expired" => s.wait_expired,
        "declined" => s.wait_declined,
        _ => s.wait_left,
    }
}
