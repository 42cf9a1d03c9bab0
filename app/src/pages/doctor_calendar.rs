//! The doctor's calendar settings: weekly availability, time off, booking rules
//! and the availability download (the public profile has its own page).

use leptos::prelude::*;

use crate::api::calendar_admin::{
    AddException, AddRange, SaveRules, ScheduleSettings, my_schedule,
};
use crate::components::confirm::{Removal, RemoveButton};
use crate::components::forms::ErrorBanner;
use crate::components::sched::{CARD, Empty, FeedCard, INPUT, PRIMARY, SECONDARY, kind_label};
use crate::i18n::{Sched, use_i18n};
use crate::islands::reload_after;

const LABEL: &str = "block space-y-1 text-sm font-medium text-slate-700";

fn exception_label(s: &Sched, kind: &str) -> &'static str {
    match kind {
        "vacation" => s.exc_vacation,
        "training" => s.exc_training,
        "emergency" => s.exc_emergency,
        "busy" => s.exc_busy,
        _ => s.exc_unavailable,
    }
}

/// `/doctor/calendar`.
#[component]
pub fn DoctorCalendarPage() -> impl IntoView {
    let i18n = use_i18n();
    let schedule = Resource::new(|| (), |_| my_schedule());
    view! {
        <div class="flex flex-wrap items-center justify-between gap-3">
            <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.s.calendar_title)}</h1>
            <a href="/api/v1/availabilities/calendar-ics/" download class=SECONDARY data-testid="download-ics">
                {move || i18n.t(|t| t.s.download_ics)}
            </a>
        </div>
        <Transition fallback=move || view! { <p class="mt-4 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                match schedule.await {
                    Ok(s) => view! { <Ranges s /> }.into_any(),
                    Err(err) => view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any(),
                }
            })}
        </Transition>
        <RangeForm />
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                schedule.await.ok().map(|s| view! { <Exceptions s /> })
            })}
        </Transition>
        <ExceptionForm />
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                schedule.await.ok().map(|s| view! {
                    <Rules s />
                })
            })}
        </Transition>
        <FeedCard />
    }
}

#[component]
fn Ranges(s: ScheduleSettings) -> impl IntoView {
    let i18n = use_i18n();
    let empty = s.ranges.is_empty();
    view! {
        <section class=format!("mt-6 {CARD}")>
            <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.s.ranges_title)} " (" {s.timezone.clone()} ")"</h2>
            <Show when=move || empty><div class="mt-3"><Empty text=|s| s.ranges_empty /></div></Show>
            <ul class="mt-3 divide-y divide-slate-100" data-testid="ranges">
                {s.ranges.into_iter().map(|r| {
                    let id = r.id;
                    let day = usize::from(r.weekday);
                    let kind = r.consultation_type.clone();
                    let what = format!(
                        "{} {}–{}",
                        i18n.tr().s.weekdays.get(day).copied().unwrap_or_default(),
                        r.start,
                        r.end
                    );
                    view! {
                        <li class="flex items-center justify-between gap-2 py-2 text-sm" data-testid="range">
                            <span>
                                <strong>{move || i18n.tr().s.weekdays.get(day).copied().unwrap_or_default()}</strong>
                                " " {r.start.clone()} "–" {r.end.clone()} " · " {r.duration_minutes} " min · "
                                {r.capacity} " × · " {move || kind_label(i18n.tr().s, &kind)}
                                {r.location.clone().map(|l| format!(" · {l}"))}
                            </span>
                            <RemoveButton removal=Removal::WeeklyRange id what />
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// Adds a weekly range; the page is loaded again.
#[island(lazy)]
fn RangeForm() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<AddRange>::new();
    reload_after(action);
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <details class=format!("mt-3 {CARD}")>
            <summary class="cursor-pointer font-semibold">{move || i18n.t(|t| t.s.add_range)}</summary>
            <ActionForm action attr:class="mt-3 grid gap-3 sm:grid-cols-4" attr:data-testid="range-form">
                <div class="sm:col-span-4"><ErrorBanner error /></div>
                <label class=LABEL><span>{move || i18n.t(|t| t.s.day_label)}</span>
                    <select name="day_of_week" class=INPUT>
                        {(0..7usize).map(|d| view! { <option value=d.to_string()>{move || i18n.tr().s.weekdays[d]}</option> }).collect_view()}
                    </select>
                </label>
                <label class=LABEL><span>{move || i18n.t(|t| t.s.start_label)}</span><input type="time" name="start_time" value="09:00" class=INPUT required /></label>
                <label class=LABEL><span>{move || i18n.t(|t| t.s.end_label)}</span><input type="time" name="end_time" value="12:00" class=INPUT required /></label>
                <label class=LABEL><span>{move || i18n.t(|t| t.s.type_label)}</span>
                    <select name="consultation_type" class=INPUT>
                        <option value="both">{move || i18n.t(|t| t.s.type_both)}</option>
                        <option value="in_person">{move || i18n.t(|t| t.s.type_in_person)}</option>
                        <option value="remote">{move || i18n.t(|t| t.s.type_remote)}</option>
                    </select>
                </label>
                <label class=LABEL><span>{move || i18n.t(|t| t.s.duration_label)}</span><input type="number" name="duration_minutes" value="30" min="15" max="480" class=INPUT /></label>
                <label class=LABEL><span>{move || i18n.t(|t| t.s.capacity_label)}</span><input type="number" name="max_consultations" value="1" min="1" max="50" class=INPUT /></label>
                <label class=format!("{LABEL} sm:col-span-2")><span>{move || i18n.t(|t| t.s.location_label)}</span><input name="location" class=INPUT /></label>
                <div class="sm:col-span-4"><button type="submit" class=PRIMARY>{move || i18n.t(|t| t.s.add_range)}</button></div>
            </ActionForm>
        </details>
    }
}

#[component]
fn Exceptions(s: ScheduleSettings) -> impl IntoView {
    let i18n = use_i18n();
    let empty = s.exceptions.is_empty();
    view! {
        <section class=format!("mt-6 {CARD}")>
            <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.s.exceptions_title)}</h2>
            <Show when=move || empty><div class="mt-3"><Empty text=|s| s.exceptions_empty /></div></Show>
            <ul class="mt-3 divide-y divide-slate-100" data-testid="exceptions">
                {s.exceptions.into_iter().map(|e| {
                    let id = e.id;
                    let kind = e.kind.clone();
                    let what = format!(
                        "{} {} → {}",
                        exception_label(i18n.tr().s, &e.kind),
                        e.start,
                        e.end
                    );
                    let recurring = e.recurring;
                    view! {
                        <li class="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                            <span>
                                <strong>{move || exception_label(i18n.tr().s, &kind)}</strong> " " {e.start.clone()} " → " {e.end.clone()}
                                {move || if recurring { format!(" · {}", i18n.t(|t| t.s.recurring_label)) } else { String::new() }}
                                " " {e.reason.clone()}
                            </span>
                            <RemoveButton removal=Removal::TimeOff id what />
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// Adds time off; the page is loaded again.
#[island(lazy)]
fn ExceptionForm() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<AddException>::new();
    reload_after(action);
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let kinds = ["vacation", "training", "emergency", "busy", "unavailable"];
    view! {
        <details class=format!("mt-3 {CARD}")>
            <summary class="cursor-pointer font-semibold">{move || i18n.t(|t| t.s.add_exception)}</summary>
            <ActionForm action attr:class="mt-3 grid gap-3 sm:grid-cols-4">
                <div class="sm:col-span-4"><ErrorBanner error /></div>
                <label class=LABEL><span>{move || i18n.t(|t| t.s.start_label)}</span><input type="datetime-local" name="start" class=INPUT required /></label>
                <label class=LABEL><span>{move || i18n.t(|t| t.s.end_label)}</span><input type="datetime-local" name="end" class=INPUT required /></label>
                <label class=LABEL><span>{move || i18n.t(|t| t.s.exception_type_label)}</span>
                    <select name="exception_type" class=INPUT>
                        {kinds.into_iter().map(|k| view! { <option value=k>{move || exception_label(i18n.tr().s, k)}</option> }).collect_view()}
                    </select>
                </label>
                <label class=LABEL><span>{move || i18n.t(|t| t.s.reason_label)}</span><input name="reason" class=INPUT /></label>
                <label class="flex items-center gap-2 text-sm"><input type="checkbox" name="recurring" value="on" />{move || i18n.t(|t| t.s.recurring_label)}</label>
                <div class="sm:col-span-4"><button type="submit" class=PRIMARY>{move || i18n.t(|t| t.s.add_exception)}</button></div>
            </ActionForm>
        </details>
    }
}

/// The booking rules; the form stays as typed once saved.
#[island(lazy)]
fn Rules(s: ScheduleSettings) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveRules>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let saved = move || matches!(action.value().get(), Some(Ok(_)));
    let field = move |name: &'static str, label: fn(&Sched) -> &'static str, value: i32| {
        view! {
            <label class=LABEL><span>{move || label(i18n.tr().s)}</span><input type="number" name=name value=value.to_string() class=INPUT /></label>
        }
    };
    view! {
        <section class=format!("mt-6 {CARD}")>
            <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.s.rules_title)}</h2>
            <ActionForm action attr:class="mt-3 grid gap-3 sm:grid-cols-3" attr:data-testid="rules-form">
                <div class="sm:col-span-3"><ErrorBanner error /></div>
                <label class=LABEL><span>{move || i18n.t(|t| t.s.timezone_label)}</span><input name="timezone" value=s.timezone.clone() class=INPUT /></label>
                {field("min_notice_minutes", |s| s.min_notice_label, s.min_notice_minutes)}
                {field("max_advance_days", |s| s.max_advance_label, s.max_advance_days)}
                {field("buffer_minutes", |s| s.buffer_label, s.buffer_minutes)}
                {field("cancel_cutoff_minutes", |s| s.cutoff_label, s.cancel_cutoff_minutes)}
                {field("waitlist_hold_minutes", |s| s.hold_label, s.waitlist_hold_minutes)}
                <div class="flex items-center gap-3 sm:col-span-3">
                    <button type="submit" class=PRIMARY>{move || i18n.t(|t| t.s.save)}</button>
                    <Show when=saved><span role="status" class="text-sm text-teal-800">{move || i18n.t(|t| t.s.saved)}</span></Show>
                </div>
            </ActionForm>
        </section>
    }
}
