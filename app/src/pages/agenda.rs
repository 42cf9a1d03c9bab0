//! The doctor's agenda (a day or a week, requests to answer) and the
//! administrators' views of specialties and of all appointments.

use leptos::prelude::*;
use leptos_router::components::{A, Form};
use leptos_router::hooks::use_query_map;

use crate::api::accounts::list_specialties;
use crate::api::appointments::{ActOnAppointment, AppointmentView, ListQuery, list_appointments};
use crate::api::calendar_admin::AddSpecialty;
use crate::components::confirm::{ConfirmButton, Removal, RemoveButton};
use crate::components::forms::ErrorBanner;
use crate::components::sched::{
    CARD, DANGER, Empty, FeedCard, INPUT, PRIMARY, SECONDARY, StatusBadge, kind_label,
};
use crate::i18n::{Lang, use_i18n};
use crate::islands::reload_after;

/// Today's date in the reader's zone, the same on the server and in the browser.
fn today(i18n: crate::i18n::I18n) -> String {
    crate::time::civil_in(&i18n.zone(), jiff::Timestamp::now())
        .date()
        .to_string()
}

fn shift(date: &str, days: i64) -> String {
    date.parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| d.checked_add(jiff::Span::new().days(days)).ok())
        .map(|d| d.to_string())
        .unwrap_or_else(|| date.to_owned())
}

/// `/doctor/agenda?view=day|week&date=YYYY-MM-DD`.
#[component]
pub fn AgendaPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let week = move || query.with(|q| q.get("view").as_deref() == Some("week"));
    let date = move || {
        query
            .with(|q| q.get("date"))
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| today(i18n))
    };
    let pending = Resource::new(
        || (),
        |_| {
            list_appointments(ListQuery {
                status: "pending".into(),
                ..ListQuery::default()
            })
        },
    );
    let agenda = Resource::new(
        move || (date(), week()),
        |(date, week)| {
            let to = if week { shift(&date, 6) } else { date.clone() };
            list_appointments(ListQuery {
                from: date,
                to,
                ..ListQuery::default()
            })
        },
    );
    let link = move |view: &str, date: String| format!("?view={view}&date={date}");
    view! {
        <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.s.agenda_title)}</h1>
        <section class=format!("mt-4 {CARD}") data-testid="pending-requests">
            <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.s.pending_title)}</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match pending.await {
                        Ok(list) if list.is_empty() => view! { <div class="mt-3"><Empty text=|s| s.pending_empty /></div> }.into_any(),
                        Ok(list) => list.into_iter().map(|a| view! { <DoctorAppointment a answer=true /> }).collect_view().into_any(),
                        Err(err) => view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <div class="mt-6 flex flex-wrap items-center gap-2">
            <A href=move || link(if week() { "week" } else { "day" }, shift(&date(), if week() { -7 } else { -1 })) attr:class=SECONDARY>"←"</A>
            <A href=move || link(if week() { "week" } else { "day" }, today(i18n)) attr:class=SECONDARY>{move || i18n.t(|t| t.s.today)}</A>
            <A href=move || link(if week() { "week" } else { "day" }, shift(&date(), if week() { 7 } else { 1 })) attr:class=SECONDARY>"→"</A>
            <A href=move || link("day", date()) attr:class=SECONDARY>{move || i18n.t(|t| t.s.view_day)}</A>
            <A href=move || link("week", date()) attr:class=SECONDARY>{move || i18n.t(|t| t.s.view_week)}</A>
            <span class="text-sm text-slate-600" data-testid="agenda-date">{move || {
                let today = crate::time::civil_in(&i18n.zone(), jiff::Timestamp::now()).date();
                date().parse::<jiff::civil::Date>().map(|d| crate::time::day_words(i18n.lang(), d, today)).unwrap_or_default()
            }}</span>
        </div>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match agenda.await {
                    Ok(list) if list.is_empty() => view! { <div class="mt-3"><Empty text=|s| s.agenda_empty /></div> }.into_any(),
                    Ok(list) => view! {
                        <div class="mt-3 space-y-2" data-testid="agenda">
                            {list.into_iter().map(|a| view! { <DoctorAppointment a answer=false /> }).collect_view()}
                        </div>
                    }.into_any(),
                    Err(err) => view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any(),
                }
            })}
        </Transition>
        <FeedCard />
    }
}

#[component]
fn DoctorAppointment(a: AppointmentView, answer: bool) -> impl IntoView {
    let i18n = use_i18n();
    let id = a.id;
    let start = a.start.clone();
    let kind = a.consultation_type.clone();
    let confirmed = a.status == "confirmed";
    let started = a.started;
    let what = format!("{} — {}", i18n.moment(a.start.at), a.patient_name);
    view! {
        <article class="mt-3 rounded-xl border border-slate-200 bg-white p-3" data-testid="doctor-appointment" data-id=id>
            <div class="flex flex-wrap items-center justify-between gap-2">
                <div>
                    <p class="font-semibold">{move || i18n.moment(start.at)} " – " {a.end_time.clone()}</p>
                    <p class="text-sm text-slate-600">{a.patient_name.clone()} " · " {move || kind_label(i18n.tr().s, &kind)}</p>
                    <Show when={let r = a.reason.clone(); move || !r.is_empty()}><p class="text-sm text-slate-500">{a.reason.clone()}</p></Show>
                </div>
                <StatusBadge status=a.status.clone() />
            </div>
            {(answer || confirmed).then(|| view! { <AppointmentControls id answer started what /> })}
        </article>
    }
}

/// What the doctor does with an appointment: answer a request (with a
/// message), or cancel, close or mark missed a confirmed one. The page is
/// loaded again once done.
#[island(lazy)]
fn AppointmentControls(id: i64, answer: bool, started: bool, what: String) -> impl IntoView {
    let i18n = use_i18n();
    let act = ServerAction::<ActOnAppointment>::new();
    reload_after(act);
    let message = RwSignal::new(String::new());
    let send = move |action: &'static str| {
        act.dispatch(ActOnAppointment {
            id,
            action: action.into(),
            message: message.get_untracked(),
        });
    };
    let error = Signal::derive(move || act.value().get().and_then(Result::err));
    let controls = if answer {
        view! {
            <div class="mt-2 flex flex-wrap items-center gap-2">
                <input class=format!("min-w-0 basis-full sm:flex-1 sm:basis-auto {INPUT}") placeholder=move || i18n.t(|t| t.s.message_label)
                    aria-label=move || i18n.t(|t| t.s.message_label)
                    on:input=move |ev| message.set(event_target_value(&ev)) />
                <button type="button" class=PRIMARY data-testid="accept" disabled=move || act.pending().get() on:click=move |_| send("accept")>{move || i18n.t(|t| t.s.accept)}</button>
                <button type="button" class=DANGER data-testid="refuse" disabled=move || act.pending().get() on:click=move |_| send("refuse")>{move || i18n.t(|t| t.s.refuse)}</button>
            </div>
        }.into_any()
    } else if started {
        view! {
            <div class="mt-2 flex flex-wrap gap-2">
                <button type="button" class=SECONDARY on:click=move |_| send("complete")>{move || i18n.t(|t| t.s.complete)}</button>
                <button type="button" class=SECONDARY on:click=move |_| send("no_show")>{move || i18n.t(|t| t.s.no_show)}</button>
            </div>
        }.into_any()
    } else {
        view! {
            <div class="mt-2 flex flex-wrap gap-2">
                <ConfirmButton label=|t| t.s.cancel_appointment question=|t| t.u.cancel_appointment_question
                    yes=|t| t.u.cancel_appointment_yes testid="doctor-cancel" what=Signal::stored(what)
                    confirm=Callback::new(move |()| send("cancel")) />
            </div>
        }.into_any()
    };
    view! {
        {controls}
        <ErrorBanner error />
    }
}

/// `/admin/specialties`.
#[component]
pub fn SpecialtiesPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = Resource::new(|| (), |_| list_specialties());
    view! {
        <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.s.specialties_title)}</h1>
        <SpecialtyForm />
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let items = list.await.unwrap_or_default();
                if items.is_empty() {
                    return view! { <div class="mt-3"><Empty text=|s| s.specialties_empty /></div> }.into_any();
                }
                view! {
                    <ul class=format!("mt-4 divide-y divide-slate-100 {CARD}") data-testid="specialties">
                        {items.into_iter().map(|sp| {
                            let id = sp.id;
                            let name = if i18n.lang() == Lang::Fr { sp.name_fr.clone() } else { sp.name_en.clone() };
                            view! {
                                <li class="flex items-center justify-between gap-2 py-2 text-sm">
                                    <span><strong>{move || if i18n.lang() == Lang::Fr { sp.name_fr.clone() } else { sp.name_en.clone() }}</strong>
                                        " · " <code>{sp.code.clone()}</code></span>
                                    <RemoveButton removal=Removal::Specialty id what=name />
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </Transition>
    }
}

/// `/admin/appointments?status=&from=&to=`.
#[component]
pub fn AllAppointmentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let param = move |name: &str| query.with(|q| q.get(name).unwrap_or_default());
    let list = Resource::new(
        move || (param("status"), param("from"), param("to")),
        |(status, from, to)| list_appointments(ListQuery { status, from, to }),
    );
    let statuses = [
        "pending",
        "confirmed",
        "refused",
        "cancelled",
        "completed",
        "no_show",
    ];
    let label = "block space-y-1 text-sm font-medium text-slate-700";
    let th = "px-3 py-2 text-left text-xs font-semibold uppercase text-slate-500";
    view! {
        <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.s.all_appointments_title)}</h1>
        <Form method="GET" action="" attr:class=format!("mt-4 grid gap-3 sm:grid-cols-4 {CARD}")>
            <label class=label><span>{move || i18n.t(|t| t.col_status)}</span>
                <select name="status" class=INPUT>
                    <option value="">{move || i18n.t(|t| t.s.any_status)}</option>
                    {statuses.into_iter().map(|s| view! {
                        <option value=s selected=move || param("status") == s>{move || crate::components::sched::status_label(i18n.tr().s, s)}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class=label><span>{move || i18n.t(|t| t.s.from_label)}</span><input type="date" name="from" class=INPUT value=param("from") /></label>
            <label class=label><span>{move || i18n.t(|t| t.s.to_label)}</span><input type="date" name="to" class=INPUT value=param("to") /></label>
            <div class="flex items-end"><button type="submit" class=PRIMARY>{move || i18n.t(|t| t.s.filter)}</button></div>
        </Form>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) if list.is_empty() => view! { <div class="mt-4"><Empty text=|s| s.agenda_empty /></div> }.into_any(),
                    Ok(list) => view! {
                        <div class="mt-4 overflow-x-auto rounded-2xl border border-slate-200 bg-white shadow-sm" tabindex="0" role="region" aria-label=move || i18n.t(|t| t.u.table_scroll)>
                            <table class="min-w-full divide-y divide-slate-200 text-sm" data-testid="all-appointments">
                                <thead class="bg-slate-50"><tr>
                                    <th class=th>{move || i18n.t(|t| t.s.when_label)}</th>
                                    <th class=th>{move || i18n.t(|t| t.s.patient_label)}</th>
                                    <th class=th>{move || i18n.t(|t| t.s.doctor_label)}</th>
                                    <th class=th>{move || i18n.t(|t| t.s.type_label)}</th>
                                    <th class=th>{move || i18n.t(|t| t.col_status)}</th>
                                    <th class=th>{move || i18n.t(|t| t.col_actions)}</th>
                                </tr></thead>
                                <tbody class="divide-y divide-slate-100">
                                    {list.into_iter().map(|a| {
                                        let start = a.start.clone();
                                        let kind = a.consultation_type.clone();
                                        let open = matches!(a.status.as_str(), "pending" | "confirmed") && !a.started;
                                        let what = format!("{} — {}, Dr {}", i18n.moment(a.start.at), a.patient_name, a.doctor_name);
                                        let id = a.id;
                                        view! { <tr data-testid="admin-appointment" data-id=id>
                                            <td class="whitespace-nowrap px-3 py-2">{move || i18n.moment(start.at)}</td>
                                            <td class="px-3 py-2">{a.patient_name.clone()}</td>
                                            <td class="px-3 py-2">"Dr " {a.doctor_name.clone()}</td>
                                            <td class="px-3 py-2">{move || kind_label(i18n.tr().s, &kind)}</td>
                                            <td class="px-3 py-2"><StatusBadge status=a.status.clone() /></td>
                                            <td class="px-3 py-2">{open.then(|| view! { <AdminCancel id what /> })}</td>
                                        </tr> }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                    Err(err) => view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// An administrator cancels an appointment: the reason is required, and the
/// second step names the appointment; both sides are notified.
#[island(lazy)]
fn AdminCancel(id: i64, what: String) -> impl IntoView {
    let i18n = use_i18n();
    let act = ServerAction::<ActOnAppointment>::new();
    reload_after(act);
    let asking = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    view! {
        <Show when=move || asking.get() fallback=move || view! {
            <button type="button" class=DANGER data-testid="admin-cancel" on:click=move |_| asking.set(true)>
                {move || i18n.t(|t| t.s.cancel_appointment)}
            </button>
        }>
            <div role="alertdialog" data-testid="admin-cancel-question"
                class="flex min-w-64 flex-col gap-2 rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-950">
                <p><strong>{move || i18n.t(|t| t.u.cancel_appointment_question)}</strong>
                    <span class="block">{what.clone()}</span></p>
                <label class="block space-y-1">
                    <span>{move || i18n.t(|t| t.u.cancel_reason)}</span>
                    <input class=INPUT data-testid="admin-cancel-reason" maxlength="1000"
                        on:input=move |ev| reason.set(event_target_value(&ev)) prop:value=move || reason.get() />
                </label>
                <div class="flex flex-wrap gap-2">
                    <button type="button" data-testid="admin-cancel-confirm" disabled=move || reason.with(|r| r.trim().is_empty())
                        class="min-h-11 rounded-lg bg-red-700 px-3 py-1.5 font-semibold text-white hover:bg-red-800 disabled:opacity-60"
                        on:click=move |_| {
                            act.dispatch(ActOnAppointment { id, action: "cancel".into(), message: reason.get_untracked() });
                            asking.set(false);
                        }>
                        {move || i18n.t(|t| t.u.cancel_appointment_yes)}
                    </button>
                    <button type="button" class=format!("min-h-11 bg-white {SECONDARY}") on:click=move |_| asking.set(false)>
                        {move || i18n.t(|t| t.u.keep)}
                    </button>
                </div>
            </div>
        </Show>
        <ErrorBanner error=Signal::derive(move || act.value().get().and_then(Result::err)) />
    }
}

/// Adds a specialty; the page is loaded again.
#[island(lazy)]
fn SpecialtyForm() -> impl IntoView {
    let i18n = use_i18n();
    let add = ServerAction::<AddSpecialty>::new();
    reload_after(add);
    let add_error = Signal::derive(move || add.value().get().and_then(Result::err));
    let label = "block space-y-1 text-sm font-medium text-slate-700";
    view! {
        <ActionForm action=add attr:class=format!("mt-4 grid gap-3 sm:grid-cols-4 {CARD}") attr:data-testid="specialty-form">
            <div class="sm:col-span-4"><ErrorBanner error=add_error /></div>
            <label class=label><span>{move || i18n.t(|t| t.s.code_label)}</span><input name="code" class=INPUT required /></label>
            <label class=label><span>{move || i18n.t(|t| t.s.name_fr_label)}</span><input name="name_fr" class=INPUT required /></label>
            <label class=label><span>{move || i18n.t(|t| t.s.name_en_label)}</span><input name="name_en" class=INPUT required /></label>
            <div class="flex items-end"><button type="submit" class=PRIMARY disabled=move || add.pending().get()>{move || i18n.t(|t| t.s.add_specialty)}</button></div>
        </ActionForm>
    }
}
