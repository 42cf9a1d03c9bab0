//! Patients find a doctor (specialty, name, consultation type, earliest free
//! day), open their page with a week of free slots, and book one; a full day
//! offers its waitlist. With `?reschedule=<id>` the same page moves an
//! existing appointment instead.

use leptos::prelude::*;
use leptos_router::components::{A, Form};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::accounts::list_specialties;
use crate::api::appointments::RescheduleAppointment;
use crate::api::scheduling::{
    BookSlot, DayView, DoctorCard, JoinWaitlist, WeekOfSlots, doctor_week, search_doctors,
};
use crate::components::forms::ErrorBanner;
use crate::components::sched::{CARD, Empty, INPUT, PRIMARY, SECONDARY, date_text, language_name};
use crate::i18n::{Lang, use_i18n};
use crate::islands::go_to;

/// `/patient/doctors`: the search form and its results.
#[component]
pub fn FindDoctorPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let param = move |name: &str| query.with(|q| q.get(name).unwrap_or_default());
    let results = Resource::new(
        move || {
            (
                param("specialty"),
                param("q"),
                param("consultation_type"),
                param("available_by"),
            )
        },
        |(specialty, q, kind, by)| search_doctors(specialty, q, kind, by),
    );
    let specialties = Resource::new(|| (), |_| list_specialties());
    let label = "block space-y-1 text-sm font-medium text-slate-700";
    view! {
        <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.s.find_title)}</h1>
        <Form method="GET" action="" attr:class=format!("mt-4 grid gap-3 sm:grid-cols-5 {CARD}") attr:data-testid="doctor-search">
            <label class=label>
                <span>{move || i18n.t(|t| t.specialty_label)}</span>
                <select name="specialty" class=INPUT>
                    <option value="">{move || i18n.t(|t| t.s.any_specialty)}</option>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            specialties.await.unwrap_or_default().into_iter().map(|s| {
                                let selected = param("specialty") == s.code;
                                view! {
                                    <option value=s.code.clone() selected=selected>
                                        {move || if i18n.lang() == Lang::Fr { s.name_fr.clone() } else { s.name_en.clone() }}
                                    </option>
                                }
                            }).collect_view()
                        })}
                    </Transition>
                </select>
            </label>
            <label class=label>
                <span>{move || i18n.t(|t| t.s.name_label)}</span>
                <input name="q" class=INPUT value=param("q") />
            </label>
            <label class=label>
                <span>{move || i18n.t(|t| t.s.type_label)}</span>
                <select name="consultation_type" class=INPUT>
                    <option value="">{move || i18n.t(|t| t.s.type_any)}</option>
                    <option value="in_person" selected=param("consultation_type") == "in_person">{move || i18n.t(|t| t.s.type_in_person)}</option>
                    <option value="remote" selected=param("consultation_type") == "remote">{move || i18n.t(|t| t.s.type_remote)}</option>
                </select>
            </label>
            <label class=label>
                <span>{move || i18n.t(|t| t.s.available_by_label)}</span>
                <input type="date" name="available_by" class=INPUT value=param("available_by") />
            </label>
            <div class="flex items-end">
                <button type="submit" class=format!("w-full {PRIMARY}")>{move || i18n.t(|t| t.s.search)}</button>
            </div>
        </Form>
        <Transition fallback=move || view! { <p class="mt-4 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                match results.await {
                    Ok(list) if list.is_empty() => view! { <div class="mt-6"><Empty text=|s| s.no_doctors /></div> }.into_any(),
                    Ok(list) => view! {
                        <ul class="mt-6 grid gap-4 md:grid-cols-2" data-testid="doctor-results">
                            {list.into_iter().map(|d| view! { <li><DoctorSummary doctor=d link=true /></li> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(err) => view! { <div class="mt-4"><ErrorBanner error=Signal::derive(move || Some(err.clone())) /></div> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A doctor's card: name, specialty, languages, address, next free slot.
#[component]
fn DoctorSummary(doctor: DoctorCard, link: bool) -> impl IntoView {
    let i18n = use_i18n();
    let d = doctor;
    let href = format!("/patient/doctors/{}", d.id);
    let specialty = move || {
        if i18n.lang() == Lang::Fr {
            d.specialty_fr.clone()
        } else {
            d.specialty_en.clone()
        }
        .unwrap_or_default()
    };
    let next = d.next_free.clone();
    let modes = move || {
        let s = i18n.tr().s;
        match (d.offers_in_person, d.offers_remote) {
            (true, true) => s.type_both,
            (true, false) => s.type_in_person,
            (false, true) => s.type_remote,
            _ => "",
        }
    };
    view! {
        <article class=CARD data-testid="doctor-card">
            <h2 class="text-lg font-semibold text-slate-900">"Dr " {d.name.clone()}</h2>
            <p class="text-sm text-teal-800">{specialty} " · " {modes}</p>
            <Show when={let bio = d.bio.clone(); move || !bio.is_empty()}>
                <p class="mt-2 text-sm text-slate-700">{d.bio.clone()}</p>
            </Show>
            <dl class="mt-2 space-y-1 text-sm text-slate-600">
                <div><dt class="inline">{move || i18n.t(|t| t.s.languages_label)}{move || i18n.t(|t| t.colon)}</dt><dd class="inline">{let codes = d.languages.clone(); move || codes.iter().map(|c| language_name(i18n.lang(), c)).collect::<Vec<_>>().join(", ")}</dd></div>
                <Show when={let a = d.address.clone(); move || !a.is_empty()}>
                    <div><dt class="inline">{move || i18n.t(|t| t.s.address_label)}{move || i18n.t(|t| t.colon)}</dt><dd class="inline">{d.address.clone()}</dd></div>
                </Show>
                <Show when={let p = d.phone.clone(); move || !p.is_empty()}>
                    <div><dt class="inline">{move || i18n.t(|t| t.s.phone_label)}{move || i18n.t(|t| t.colon)}</dt><dd class="inline">{d.phone.clone()}</dd></div>
                </Show>
            </dl>
            <Show when=move || link>
                <p class="mt-3 text-sm" data-testid="next-free">
                    {let next = next.clone(); move || match &next {
                        Some(at) => format!("{}{}{}", i18n.t(|t| t.s.next_free), i18n.t(|t| t.colon), i18n.moment(at.at)),
                        None => i18n.t(|t| t.s.no_free_soon).to_owned(),
                    }}
                </p>
                <A href=href.clone() attr:class=format!("mt-3 inline-block {PRIMARY}")>{move || i18n.t(|t| t.s.see_slots)}</A>
            </Show>
        </article>
    }
}

/// `/patient/doctors/:id`: profile, week of free slots, booking.
#[component]
pub fn DoctorPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let week_param = move || query.with(|q| q.get("week").unwrap_or_default());
    let week = Resource::new(
        move || (id(), week_param()),
        |(id, week)| doctor_week(id, week),
    );
    view! {
        <Transition fallback=move || view! { <p class="text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                match week.await {
                    Ok(week) => view! { <WeekView week /> }.into_any(),
                    Err(err) => view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn WeekView(week: WeekOfSlots) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let selected = move || query.with(|q| q.get("slot"));
    let moving = move || query.with(|q| q.get("reschedule").and_then(|v| v.parse::<i64>().ok()));
    let doctor_id = week.doctor.id;
    let carry = move |extra: &str| match moving() {
        Some(id) => format!("{extra}&reschedule={id}"),
        None => extra.to_owned(),
    };
    let first_day = week
        .days
        .first()
        .map(|d| d.date.clone())
        .unwrap_or_default();
    let days = week.days.clone();
    let days_for_form = week.days.clone();
    let previous = week.previous.clone();
    let next = week.next.clone();
    view! {
        <DoctorSummary doctor=week.doctor.clone() link=false />
        <div class="mt-6 flex flex-wrap items-center justify-between gap-2">
            <h2 class="text-lg font-semibold" data-testid="week-title">
                {move || i18n.t(|t| t.s.week_of)} " " {let d = first_day.clone(); move || date_text(i18n.lang(), &d)}
            </h2>
            <div class="flex gap-2">
                {previous.map(|p| { let href = carry(&format!("?week={p}")); view! { <A href=href attr:class=SECONDARY>{move || i18n.t(|t| t.s.previous_week)}</A> } })}
                <A href=carry(&format!("?week={next}")) attr:class=SECONDARY attr:data-testid="next-week">{move || i18n.t(|t| t.s.next_week)}</A>
            </div>
        </div>
        <p class="text-xs text-slate-500">{move || i18n.t(|t| t.s.times_in_zone)} " (" {move || i18n.zone().replace('_', " ")} ")"</p>
        <div class="mt-3 grid gap-3 sm:grid-cols-2 lg:grid-cols-7" data-testid="week-grid">
            {days.into_iter().map(|day| view! { <DayColumn day doctor_id carry=carry(&String::new()) /> }).collect_view()}
        </div>
        {move || selected().map(|slot| {
            let chosen = days_for_form.iter().flat_map(|d| d.slots.iter()).find(|s| s.start.at.to_string() == slot).cloned();
            view! { <BookingForm doctor_id start=slot chosen reschedule=moving() /> }
        })}
    }
}

#[component]
fn DayColumn(day: DayView, doctor_id: i64, carry: String) -> impl IntoView {
    let i18n = use_i18n();
    let weekday = usize::from(day.weekday);
    let date = day.date.clone();
    let past = day.past;
    let closed = day.slots.is_empty() && !past;
    let full = !closed && day.slots.iter().all(|s| s.remaining == 0);
    view! {
        <div class="rounded-xl border border-slate-200 bg-white p-2" data-testid="day-column" data-date=day.date.clone()>
            <p class="text-center text-sm font-semibold">{move || i18n.tr().s.weekdays.get(weekday).copied().unwrap_or_default()}</p>
            <p class="mb-2 text-center text-xs text-slate-500">{let d = date.clone(); move || date_text(i18n.lang(), &d)}</p>
            <div class="flex flex-col gap-1">
                {day.slots.into_iter().map(|slot| {
                    if slot.remaining == 0 {
                        return view! {
                            <span class="rounded-lg bg-slate-100 px-2 py-1 text-center text-sm text-slate-600 line-through" data-testid="full-slot">
                                {slot.start.time.clone()}
                            </span>
                        }.into_any();
                    }
                    let href = format!("?week={}&slot={}{carry}", day.date, slot.start.at);
                    view! {
                        <A href=href scroll=false attr:class="flex min-h-11 flex-col justify-center rounded-lg bg-teal-50 px-2 py-1 text-center text-sm font-medium text-teal-900 hover:bg-teal-100" attr:data-testid="slot">
                            {slot.start.time.clone()}
                            {(slot.remaining > 1).then(|| view! { <span class="block text-[10px] text-teal-700">{slot.remaining} " " {move || i18n.t(|t| t.s.places_left)}</span> })}
                        </A>
                    }.into_any()
                }).collect_view()}
            </div>
            {closed.then(|| view! { <p class="text-center text-xs text-slate-500">{move || i18n.t(|t| t.s.no_slots_day)}</p> })}
            {past.then(|| view! { <p class="text-center text-xs text-slate-500">"—"</p> })}
            {full.then(|| view! {
                <p class="text-center text-xs font-medium text-slate-600">{move || i18n.t(|t| t.s.day_full)}</p>
                <JoinWaitlistButton doctor_id date=date.clone() />
            })}
        </div>
    }
}

/// Joins the waiting list of a full day.
#[island(lazy)]
fn JoinWaitlistButton(doctor_id: i64, date: String) -> impl IntoView {
    let i18n = use_i18n();
    let join = ServerAction::<JoinWaitlist>::new();
    let joined = move || matches!(join.value().get(), Some(Ok(_)));
    let error = Signal::derive(move || join.value().get().and_then(Result::err));
    let form = move || {
        let date = date.clone();
        view! {
            <ActionForm action=join attr:class="mt-2">
                <input type="hidden" name="doctor_id" value=doctor_id />
                <input type="hidden" name="date" value=date />
                <input type="hidden" name="consultation_type" value="both" />
                <button type="submit" class="w-full rounded-lg border border-slate-300 px-1 py-1 text-xs text-slate-700 hover:bg-slate-100" data-testid="join-waitlist">
                    {move || i18n.t(|t| t.s.waitlist_join)}
                </button>
                <ErrorBanner error />
            </ActionForm>
        }
    };
    view! {
        <Show when=joined fallback=form>
            <p role="status" class="mt-2 text-xs text-teal-800">{move || i18n.t(|t| t.s.waitlist_joined)}</p>
        </Show>
    }
}

/// Books the chosen slot (then opens the patient's appointments), or moves
/// the appointment being rescheduled to it.
#[island(lazy)]
fn BookingForm(
    doctor_id: i64,
    start: String,
    chosen: Option<crate::api::scheduling::FreeSlotView>,
    reschedule: Option<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let book = ServerAction::<BookSlot>::new();
    let moving = ServerAction::<RescheduleAppointment>::new();
    let error = Signal::derive(move || {
        book.value()
            .get()
            .and_then(Result::err)
            .or_else(|| moving.value().get().and_then(Result::err))
    });
    let moved = move || matches!(moving.value().get(), Some(Ok(_)));
    // The server answers a booking with a redirect; an island follows it
    // itself (no router in the page).
    Effect::new(move |_| {
        if matches!(book.value().get(), Some(Ok(_))) {
            go_to("/patient/appointments?booked=1");
        }
    });
    let slot = start;
    let offered = chosen
        .as_ref()
        .map_or("both".to_owned(), |c| c.consultation_type.clone());
    let title = chosen.as_ref().map(|c| {
        let (start, end) = (c.start.clone(), c.end_time.clone());
        move || format!("{} – {end}", i18n.moment(start.at))
    });
    let location = chosen.as_ref().and_then(|c| c.location.clone());
    // A slot picked far up the week (or on a phone, screens up): bring the
    // form into view, once it is drawn in the browser.
    let section = NodeRef::<leptos::html::Section>::new();
    Effect::new(move |_| {
        if let Some(el) = section.get() {
            el.scroll_into_view();
        }
    });
    view! {
        <section node_ref=section class=format!("mt-6 scroll-mt-4 {CARD}") data-testid="booking-form">
            <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.s.book_title)}</h2>
            <p class="text-sm text-slate-700" data-testid="booking-when">{title}</p>
            {location.map(|l| view! { <p class="text-sm text-slate-500">{l}</p> })}
            <ErrorBanner error />
            {match reschedule {
                Some(id) => {
                    let start = slot.clone();
                    let form = move || {
                        let start = start.clone();
                        view! {
                            <ActionForm action=moving attr:class="mt-3">
                                <input type="hidden" name="id" value=id />
                                <input type="hidden" name="start" value=start />
                                <button type="submit" class=PRIMARY data-testid="reschedule-submit">{move || i18n.t(|t| t.s.reschedule)}</button>
                            </ActionForm>
                        }
                    };
                    view! {
                    <Show when=moved fallback=form>
                        <p role="status" class="mt-3 text-sm text-teal-800">{move || i18n.t(|t| t.s.booked_notice)}</p>
                        <a href="/patient/appointments" class=SECONDARY>{move || i18n.t(|t| t.s.my_appointments_title)}</a>
                    </Show>
                    }.into_any()
                }
                None => view! {
                    <ActionForm action=book attr:class="mt-3 grid gap-3 sm:grid-cols-2">
                        <input type="hidden" name="doctor_id" value=doctor_id />
                        <input type="hidden" name="start" value=slot.clone() />
                        <label class="block space-y-1 text-sm font-medium text-slate-700">
                            <span>{move || i18n.t(|t| t.s.type_label)}</span>
                            <select name="consultation_type" class=INPUT>
                                {(offered != "remote").then(|| view! { <option value="in_person">{move || i18n.t(|t| t.s.type_in_person)}</option> })}
                                {(offered != "in_person").then(|| view! { <option value="remote">{move || i18n.t(|t| t.s.type_remote)}</option> })}
                            </select>
                        </label>
                        <label class="block space-y-1 text-sm font-medium text-slate-700">
                            <span>{move || i18n.t(|t| t.s.reason_label)}</span>
                            <input name="reason" class=INPUT maxlength="1000" />
                        </label>
                        <div class="sm:col-span-2">
                            <button type="submit" class=PRIMARY disabled=move || book.pending().get() data-testid="book-submit">
                                {move || if book.pending().get() { i18n.t(|t| t.s.booking) } else { i18n.t(|t| t.s.book) }}
                            </button>
                        </div>
                    </ActionForm>
                }.into_any(),
            }}
        </section>
    }
}
