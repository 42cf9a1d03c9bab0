//! The steps of a consultation record: four for the intake (reason,
//! symptoms and history, lifestyle, concerns and expectations), two for the
//! doctor (examination, conclusion). Each step edits its section in a signal
//! that the editor saves whole.

use domain::consultations::checklists::{
    CONDITIONS, HABITS, MEDICATION_SOURCES, REGIONS, SYMPTOMS,
};
use domain::consultations::{Examination, Intake};
use leptos::prelude::*;

use crate::components::medical::{FieldError, LABEL};
use crate::components::record_fields::{
    RecText, SectionChecks, SectionChoice, SectionNumber, SectionText,
};
use crate::components::sched::INPUT;
use crate::error::UiError;
use crate::i18n::{Lang, use_i18n};

/// The steps' titles, in order (the doctor's two last).
pub const STEPS: &[RecText] = &[
    |r| r.step_reason,
    |r| r.step_symptoms,
    |r| r.step_lifestyle,
    |r| r.step_expectations,
    |r| r.step_examination,
    |r| r.step_conclusion,
];

/// Steps of the intake.
pub const INTAKE_STEPS: usize = 4;

/// The fields of intake step `step`.
#[component]
pub fn IntakeStep(
    step: usize,
    intake: RwSignal<Intake>,
    save: Callback<()>,
    #[prop(into)] error: Signal<Option<UiError>>,
    editable: bool,
) -> impl IntoView {
    let s = intake;
    match step {
        0 => view! {
            <SectionText state=s field=|i: &mut Intake| &mut i.reason name="intake.reason" label=|r| r.reason_label save error editable rows=2 />
            <SectionText state=s field=|i: &mut Intake| &mut i.illness_history name="intake.illness_history" label=|r| r.illness_history_label save error editable rows=4 />
            <SectionText state=s field=|i: &mut Intake| &mut i.current_medication name="intake.current_medication" label=|r| r.current_medication_label save error editable />
            <SectionChoice state=s field=|i: &mut Intake| &mut i.medication_source name="intake.medication_source" label=|r| r.medication_source_label list=MEDICATION_SOURCES save error editable />
        }
        .into_any(),
        1 => view! {
            <SectionChecks state=s field=|i: &mut Intake| &mut i.symptoms name="intake.symptoms" label=|r| r.symptoms_label list=SYMPTOMS save error editable />
            <SectionChecks state=s field=|i: &mut Intake| &mut i.conditions name="intake.conditions" label=|r| r.conditions_label list=CONDITIONS save error editable />
            <SectionText state=s field=|i: &mut Intake| &mut i.drug_allergies name="intake.drug_allergies" label=|r| r.allergies_label save error editable rows=2 />
            <SectionText state=s field=|i: &mut Intake| &mut i.family_history name="intake.family_history" label=|r| r.family_history_label save error editable rows=2 />
        }
        .into_any(),
        2 => view! {
            <SectionChoice state=s field=|i: &mut Intake| &mut i.tobacco name="intake.tobacco" label=|r| r.tobacco_label list=HABITS save error editable />
            <SectionChoice state=s field=|i: &mut Intake| &mut i.alcohol name="intake.alcohol" label=|r| r.alcohol_label list=HABITS save error editable />
            <SectionChoice state=s field=|i: &mut Intake| &mut i.physical_activity name="intake.physical_activity" label=|r| r.activity_label list=HABITS save error editable />
            <SectionText state=s field=|i: &mut Intake| &mut i.diet name="intake.diet" label=|r| r.diet_label save error editable rows=2 />
        }
        .into_any(),
        _ => view! {
            <SectionText state=s field=|i: &mut Intake| &mut i.concerns name="intake.concerns" label=|r| r.concerns_label save error editable />
            <SectionText state=s field=|i: &mut Intake| &mut i.expectations name="intake.expectations" label=|r| r.expectations_label save error editable />
        }
        .into_any(),
    }
}

/// The fields of the doctor's step `step` (4: examination, 5: conclusion).
#[component]
pub fn ExaminationStep(
    step: usize,
    exam: RwSignal<Examination>,
    save: Callback<()>,
    #[prop(into)] error: Signal<Option<UiError>>,
    editable: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let s = exam;
    if step == INTAKE_STEPS {
        view! {
            <fieldset class="grid gap-3 sm:grid-cols-4" data-testid="visit-vitals">
                <legend class="mb-1 text-sm font-semibold">{move || i18n.t(|t| t.r.visit_vitals)}</legend>
                <SectionNumber state=s field=|e: &mut Examination| &mut e.vitals.systolic_mmhg name="examination.vitals.systolic_mmhg" label=|r| r.systolic save error editable />
                <SectionNumber state=s field=|e: &mut Examination| &mut e.vitals.diastolic_mmhg name="examination.vitals.diastolic_mmhg" label=|r| r.diastolic save error editable />
                <SectionNumber state=s field=|e: &mut Examination| &mut e.vitals.heart_rate_bpm name="examination.vitals.heart_rate_bpm" label=|r| r.heart_rate save error editable />
                <SectionNumber state=s field=|e: &mut Examination| &mut e.vitals.respiratory_rate name="examination.vitals.respiratory_rate" label=|r| r.respiratory_rate save error editable />
                <SectionNumber state=s field=|e: &mut Examination| &mut e.vitals.temperature_c name="examination.vitals.temperature_c" label=|r| r.temperature save error editable />
                <SectionNumber state=s field=|e: &mut Examination| &mut e.vitals.spo2_pct name="examination.vitals.spo2_pct" label=|r| r.spo2 save error editable />
                <SectionNumber state=s field=|e: &mut Examination| &mut e.vitals.weight_kg name="examination.vitals.weight_kg" label=|r| r.weight save error editable />
                <SectionNumber state=s field=|e: &mut Examination| &mut e.vitals.height_cm name="examination.vitals.height_cm" label=|r| r.height save error editable />
            </fieldset>
            <SectionText state=s field=|e: &mut Examination| &mut e.general_state name="examination.general_state" label=|r| r.general_state_label save error editable rows=2 />
            <Regions exam save error editable />
        }
        .into_any()
    } else {
        view! {
            <SectionText state=s field=|e: &mut Examination| &mut e.hypotheses name="examination.hypotheses" label=|r| r.hypotheses_label save error editable rows=2 />
            <SectionText state=s field=|e: &mut Examination| &mut e.tests_proposed name="examination.tests_proposed" label=|r| r.tests_label save error editable rows=2 />
            <SectionText state=s field=|e: &mut Examination| &mut e.diagnosis name="examination.diagnosis" label=|r| r.diagnosis_label save error editable rows=2 />
            <SectionText state=s field=|e: &mut Examination| &mut e.icd10_code name="examination.icd10_code" label=|r| r.icd10_label save error editable rows=1 />
            <SectionText state=s field=|e: &mut Examination| &mut e.treatment_plan name="examination.treatment_plan" label=|r| r.plan_label save error editable />
            <SectionText state=s field=|e: &mut Examination| &mut e.complementary_exams name="examination.complementary_exams" label=|r| r.complementary_label save error editable rows=2 />
            <SectionText state=s field=|e: &mut Examination| &mut e.recommendations name="examination.recommendations" label=|r| r.recommendations_label save error editable rows=2 />
            <SectionText state=s field=|e: &mut Examination| &mut e.follow_up name="examination.follow_up" label=|r| r.follow_up_label save error editable rows=2 />
        }
        .into_any()
    }
}

/// Findings region by region.
#[component]
fn Regions(
    exam: RwSignal<Examination>,
    save: Callback<()>,
    #[prop(into)] error: Signal<Option<UiError>>,
    editable: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="space-y-2" data-testid="regions">
            <legend class="text-sm font-semibold">{move || i18n.t(|t| t.r.regions_title)}</legend>
            {REGIONS.iter().map(|(code, fr, en)| {
                let code: &'static str = code;
                let id = format!("region-{code}");
                let for_id = id.clone();
                let value = move || exam.with(|e| e.regions.get(code).cloned().unwrap_or_default());
                let name = move || if i18n.lang() == Lang::Fr { *fr } else { *en };
                if !editable {
                    return view! {
                        <Show when=move || !value().is_empty()>
                            <p class="text-sm"><strong>{name}</strong> " : " {value}</p>
                        </Show>
                    }.into_any();
                }
                view! {
                    <label class=LABEL for=for_id>
                        <span>{name}</span>
                        <textarea id=id rows="1" maxlength="4000" class=INPUT prop:value=value
                            on:change=move |ev| {
                                let text = event_target_value(&ev);
                                exam.update(|e| {
                                    if text.trim().is_empty() { e.regions.remove(code); } else { e.regions.insert(code.to_owned(), text); }
                                });
                                save.run(());
                            }></textarea>
                    </label>
                }.into_any()
            }).collect_view()}
            <FieldError name="examination.regions" error />
        </fieldset>
    }
}
