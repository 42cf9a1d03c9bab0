//! Treatments: `/patient/treatments` (today's doses to tick, adherence,
//! interactions, the list, adding one) and the same section on a patient's
//! file for their doctors (read, prescribe, delete; only the patient ticks).

use domain::accounts::UserId;
use domain::treatments::{DoseStatus, PlannedDose, Treatment, TreatmentsOverview};
use leptos::prelude::*;

use super::care_team::EmptyMedical;
use crate::api::clinical::{AddTreatment, TickDose, read_treatments};
use crate::components::confirm::{Removal, RemoveButton};
use crate::components::forms::ErrorBanner;
use crate::components::medical::{FieldError, LABEL};
use crate::components::meters::Bar;
use crate::components::sched::{CARD, INPUT, PRIMARY, SECONDARY, date_text};
use crate::i18n::{Lang, use_i18n};
use crate::islands::reload_after;

/// Form fields whose errors show under them.
const FIELDS: &[&str] = &[
    "medocs_name",
    "frequency",
    "duration_days",
    "started_on",
    "dose_times",
    "instructions",
];

/// `/patient/treatments`.
#[component]
pub fn TreatmentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Treatments::new(Signal::stored(None));
    view! {
        <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.m.treatments_title)}</h1>
        <p class="mt-1 text-slate-600">{move || i18n.t(|t| t.m.treatments_intro)}</p>
        <TreatmentsSection data />
    }
}

/// A patient's treatments and their actions, made where a page starts
/// (before any Suspense, so the server and the browser number the resource
/// alike): the patient's own (`patient_id` none, they tick doses) or a
/// patient's as their doctor sees them (they prescribe).
#[derive(Clone, Copy)]
pub struct Treatments {
    patient_id: Signal<Option<UserId>>,
    overview: Resource<Result<TreatmentsOverview, crate::error::UiError>>,
}

impl Treatments {
    /// The treatments of `patient_id` (none: the caller's own).
    pub fn new(patient_id: Signal<Option<UserId>>) -> Self {
        Self::build(patient_id, read_treatments)
    }

    fn build<Fut>(
        patient_id: Signal<Option<UserId>>,
        fetch: impl Fn(Option<UserId>) -> Fut + Send + Sync + 'static,
    ) -> Self
    where
        Fut: std::future::Future<Output = Result<TreatmentsOverview, crate::error::UiError>>
            + Send
            + 'static,
    {
        let overview = Resource::new(move || patient_id.get(), fetch);
        Self {
            patient_id,
            overview,
        }
    }
}

/// The treatments section of a page.
#[component]
pub fn TreatmentsSection(data: Treatments) -> impl IntoView {
    let i18n = use_i18n();
    let Treatments {
        patient_id,
        overview,
    } = data;
    view! {
        <Transition fallback=move || view! { <p class="mt-4 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! { <Overview o patient=patient_id.get_untracked().is_none() /> }.into_any(),
                    Err(err) => view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any(),
                }
            })}
        </Transition>
        {move || view! { <AddForm patient_id=patient_id.get() consultation_id=None /> }}
    }
}

#[component]
fn Overview(o: TreatmentsOverview, patient: bool) -> impl IntoView {
    let i18n = use_i18n();
    let TreatmentsOverview { treatments, day } = o;
    let day_text = day.day.to_string();
    let zone = day.time_zone.clone();
    let (running, others): (Vec<Treatment>, Vec<Treatment>) =
        treatments.into_iter().partition(|t| t.active);
    let interactions = day.interactions.clone();
    let doses = day.doses.clone();
    let adherence = day.adherence.clone();
    let lang = i18n.lang();
    view! {
        {(!interactions.is_empty()).then(|| view! {
            <div role="alert" data-testid="interactions" class="mt-4 rounded-2xl border border-amber-300 bg-amber-50 p-4 text-amber-900">
                <h2 class="font-semibold">{move || i18n.t(|t| t.m.interactions_title)}</h2>
                <ul class="mt-1 list-disc pl-5 text-sm">
                    {interactions.into_iter().map(|i| view! {
                        <li>{i.medocs_names.join(" + ")} " — " <strong>{i.ingredient}</strong></li>
                    }).collect_view()}
                </ul>
                <p class="mt-1 text-sm">{move || i18n.t(|t| t.m.interactions_advice)}</p>
            </div>
        })}
        <div class="mt-4 grid gap-4 lg:grid-cols-2">
            <section class=CARD data-testid="today-doses">
                <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.m.today_doses)} " — " {date_text(lang, &day_text)}</h2>
                <p class="text-xs text-slate-500">{move || i18n.t(|t| t.m.times_in)} " " {zone.clone()}</p>
                {if doses.is_empty() {
                    view! { <div class="mt-3"><EmptyMedical text=|m| m.no_doses_today /></div> }.into_any()
                } else {
                    let day = day_text.clone();
                    view! {
                        <ul class="mt-2 divide-y divide-slate-100">
                            {doses.into_iter().map(|d| view! { <DoseRow d day=day.clone() patient /> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <section class=CARD data-testid="adherence">
                <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.m.adherence_title)}</h2>
                {if adherence.is_empty() {
                    view! { <div class="mt-3"><EmptyMedical text=|m| m.adherence_none /></div> }.into_any()
                } else {
                    view! {
                        <ul class="mt-3 space-y-3">
                            {adherence.into_iter().map(|a| {
                                let percent = a.rate.map(|r| (r * 100.0).round() as i64);
                                view! {
                                    <li>
                                        <div class="flex justify-between text-sm">
                                            <span class="font-medium">{a.medocs_name}</span>
                                            <span data-testid="adherence-figure">
                                                {a.taken} " " {move || i18n.t(|t| t.m.adherence_of)} " " {a.due}
                                                {percent.map(|p| format!(" — {p} %"))}
                                            </span>
                                        </div>
                                        <Bar fraction=a.rate.unwrap_or(0.0) label=format!("{} %", percent.unwrap_or(0)) />
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        </div>
        <section class=format!("mt-4 {CARD}")>
            <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.m.running_treatments)}</h2>
            {if running.is_empty() {
                view! { <div class="mt-3"><EmptyMedical text=|m| m.no_treatments /></div> }.into_any()
            } else {
                view! {
                    <ul class="mt-2 divide-y divide-slate-100" data-testid="running-treatments">
                        {running.into_iter().map(|t| view! { <TreatmentRow t /> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        {(!others.is_empty()).then(|| view! {
            <section class=format!("mt-4 {CARD}")>
                <h2 class="text-lg font-semibold text-slate-600">{move || i18n.t(|t| t.m.other_treatments)}</h2>
                <ul class="mt-2 divide-y divide-slate-100 text-slate-600" data-testid="other-treatments">
                    {others.into_iter().map(|t| view! { <TreatmentRow t /> }).collect_view()}
                </ul>
            </section>
        })}
    }
}

fn status_text(lang: Lang, d: &PlannedDose) -> &'static str {
    let m = lang.tr().m;
    match (d.status, d.due) {
        (Some(DoseStatus::Taken), _) => m.dose_taken,
        (Some(DoseStatus::Skipped), _) => m.dose_skipped,
        (None, true) => m.dose_pending,
        (None, false) => m.dose_later,
    }
}

/// One planned dose; the patient's own have the buttons to tick it.
#[component]
pub(crate) fn DoseRow(d: PlannedDose, day: String, patient: bool) -> impl IntoView {
    let i18n = use_i18n();
    let chip = match d.status {
        Some(DoseStatus::Taken) => "bg-teal-100 text-teal-900",
        Some(DoseStatus::Skipped) => "bg-slate-200 text-slate-700",
        None if d.due => "bg-amber-100 text-amber-900",
        None => "bg-slate-100 text-slate-600",
    };
    let status = d.status.map(DoseStatus::as_str).unwrap_or("none");
    let label = status_text(i18n.lang(), &d);
    let (treatment_id, time) = (d.treatment_id, d.time.clone());
    view! {
        <li class="flex flex-wrap items-center justify-between gap-2 py-2" data-testid="dose" data-status=status>
            <span><span class="font-mono">{d.time.clone()}</span> " " <span class="font-medium">{d.medocs_name.clone()}</span></span>
            <span class="flex flex-wrap items-center gap-2">
                <span class=format!("rounded-full px-2 py-0.5 text-xs font-semibold {chip}")>{label}</span>
                {patient.then(|| view! { <TickButtons treatment_id day time /> })}
            </span>
        </li>
    }
}

/// Taken / skipped for one dose; the page is loaded again once it is noted.
#[island]
fn TickButtons(treatment_id: i64, day: String, time: String) -> impl IntoView {
    let i18n = use_i18n();
    let tick = ServerAction::<TickDose>::new();
    reload_after(tick);
    let send = move |status: &'static str| {
        let (day, time) = (day.clone(), time.clone());
        move |_| {
            tick.dispatch(TickDose {
                treatment_id,
                day: day.clone(),
                time: time.clone(),
                status: status.into(),
            });
        }
    };
    let error = Signal::derive(move || tick.value().get().and_then(Result::err));
    view! {
        <button type="button" class=PRIMARY data-testid="dose-taken" on:click=send("taken")
            disabled=move || tick.pending().get()>{move || i18n.t(|t| t.m.mark_taken)}</button>
        <button type="button" class=SECONDARY data-testid="dose-skipped" on:click=send("skipped")
            disabled=move || tick.pending().get()>{move || i18n.t(|t| t.m.mark_skipped)}</button>
        <span class="basis-full empty:hidden"><ErrorBanner error /></span>
    }
}

#[component]
fn TreatmentRow(t: Treatment) -> impl IntoView {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let (id, name) = (t.id, t.medocs_name.clone());
    let who = match &t.prescribed_by {
        Some(p) => format!("{} {}", lang.tr().m.prescribed_by, p.name),
        None => lang.tr().m.added_by_patient.to_owned(),
    };
    view! {
        <li class="flex flex-wrap items-start justify-between gap-3 py-3" data-testid="treatment">
            <div class="space-y-0.5 text-sm">
                <p class="text-base font-semibold text-slate-900">{t.medocs_name.clone()}</p>
                <p>{t.frequency} " " {move || i18n.t(|t| t.m.per_day)} " " {t.dose_times.join(", ")}</p>
                <p>
                    {move || i18n.t(|t| t.m.from_day)} " " {date_text(lang, &t.start_day.to_string())} " "
                    {move || i18n.t(|t| t.m.to_day)} " " {date_text(lang, &t.end_day.to_string())}
                    {t.active.then(|| format!(" — {} {}", t.jours_restants, lang.tr().m.days_left))}
                </p>
                <p class="text-slate-500">{who}</p>
                {t.instructions.clone().map(|text| view! { <p class="italic">{text}</p> })}
                {(!t.active_ingredients.is_empty()).then(|| view! {
                    <p class="text-xs text-slate-500">{move || i18n.t(|t| t.m.contains)} " " {t.active_ingredients.join(", ")}</p>
                })}
            </div>
            <RemoveButton removal=Removal::Treatment id what=name />
        </li>
    }
}

/// Adding a treatment (a patient) or prescribing one (a doctor, for
/// `patient_id`, from the record `consultation_id` when given); the page is
/// loaded again once it is saved.
#[island(lazy)]
pub fn AddForm(patient_id: Option<UserId>, consultation_id: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let add = ServerAction::<AddTreatment>::new();
    reload_after(add);
    let error = Signal::derive(move || add.value().get().and_then(Result::err));
    let general = Signal::derive(move || {
        error
            .get()
            .filter(|e| !e.field.as_deref().is_some_and(|f| FIELDS.contains(&f)))
    });
    let doctor = patient_id.is_some();
    view! {
        <ActionForm action=add attr:class=format!("mt-4 grid gap-3 sm:grid-cols-2 {CARD}") attr:data-testid="add-treatment">
            <h2 class="text-lg font-semibold sm:col-span-2">
                {move || if doctor { i18n.t(|t| t.m.prescribe_title) } else { i18n.t(|t| t.m.add_treatment_title) }}
            </h2>
            <div class="sm:col-span-2"><ErrorBanner error=general /></div>
            <input type="hidden" name="patient_id" value=patient_id.map(|p| p.to_string()).unwrap_or_default() />
            {consultation_id.map(|id| view! { <input type="hidden" name="consultation_id" value=id.to_string() /> })}
            <label class=LABEL><span>{move || i18n.t(|t| t.m.medocs_name_label)}</span>
                <input id="medocs_name" name="medocs_name" required maxlength="120" class=INPUT placeholder="Doliprane 1000 mg" />
                <FieldError name="medocs_name" error />
            </label>
            <label class=LABEL><span>{move || i18n.t(|t| t.m.frequency_label)}</span>
                <input id="frequency" name="frequency" type="number" min="1" max="12" value="1" required class=INPUT />
                <FieldError name="frequency" error />
            </label>
            <label class=LABEL><span>{move || i18n.t(|t| t.m.duration_label)}</span>
                <input id="duration_days" name="duration_days" type="number" min="1" max="3650" value="7" required class=INPUT />
                <FieldError name="duration_days" error />
            </label>
            <label class=LABEL><span>{move || i18n.t(|t| t.m.started_on_label)}</span>
                <input id="started_on" name="started_on" type="date" class=INPUT />
                <FieldError name="started_on" error />
            </label>
            <label class=LABEL><span>{move || i18n.t(|t| t.m.dose_times_label)}</span>
                <input id="dose_times" name="dose_times" class=INPUT placeholder="08:00, 20:00" />
                <span class="text-xs font-normal text-slate-500">{move || i18n.t(|t| t.m.dose_times_hint)}</span>
                <FieldError name="dose_times" error />
            </label>
            <label class=LABEL><span>{move || i18n.t(|t| t.m.instructions_label)}</span>
                <input id="instructions" name="instructions" maxlength="500" class=INPUT />
                <FieldError name="instructions" error />
            </label>
            <div class="flex items-center gap-3 sm:col-span-2">
                <button type="submit" class=PRIMARY data-testid="add-treatment-submit" disabled=move || add.pending().get()>
                    {move || if doctor { i18n.t(|t| t.m.prescribe) } else { i18n.t(|t| t.m.add_treatment) }}
                </button>
            </div>
        </ActionForm>
    }
}
