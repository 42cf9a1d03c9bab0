//! `/patient/profile`: the patient fills in their medical profile. Every field
//! is on one form; an error shows under the field the server names.

use domain::medical::{BloodGroup, MedicalProfile, MedicalProfileForm, TextList};
use leptos::prelude::*;

use crate::api::medical::{SaveMedicalProfile, read_medical_profile};
use crate::components::forms::ErrorBanner;
use crate::components::medical::{FieldError, LABEL, MedText};
use crate::components::sched::{CARD, INPUT};
use crate::error::UiError;
use crate::i18n::use_i18n;

/// Every field the form sends, for telling field errors from the others.
const FIELDS: &[&str] = &[
    "date_of_birth",
    "sex",
    "blood_group",
    "height_cm",
    "weight_kg",
    "allergies",
    "chronic_conditions",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_contact_relation",
    "mobile_phone",
    "postal_code",
    "blood_pressure_level",
    "cholesterol_level",
    "time_zone",
];

/// Zones offered in the time zone field (any IANA name may be typed).
const ZONES: &[&str] = &[
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/Zurich",
    "Europe/London",
    "America/Montreal",
    "America/Martinique",
    "America/Guadeloupe",
    "America/Cayenne",
    "Indian/Reunion",
    "Indian/Mayotte",
    "Pacific/Noumea",
    "Pacific/Tahiti",
    "Africa/Casablanca",
    "Africa/Dakar",
    "Africa/Abidjan",
    "Africa/Kinshasa",
];

/// `/patient/profile`.
#[component]
pub fn PatientProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    // Loaded once: a refused save keeps what the patient typed.
    let profile = Resource::new(|| (), |_| read_medical_profile(None));
    view! {
        <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.m.profile_title)}</h1>
        <p class="mt-1 text-slate-600">{move || i18n.t(|t| t.m.profile_intro)}</p>
        <Transition fallback=move || view! { <p class="mt-4 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(p) => view! { <ProfileEditor p /> }.into_any(),
                    Err(err) => view! { <div class="mt-4"><ErrorBanner error=Signal::derive(move || Some(err.clone())) /></div> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The form itself; a refused save keeps what was typed.
#[island(lazy)]
fn ProfileEditor(p: MedicalProfile) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveMedicalProfile>::new();
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    // Errors about no field of the form (or a field it does not show) go on top.
    let general = Signal::derive(move || error.get().filter(|e| !is_field_error(e)));
    let saved_at = move || {
        save.value()
            .get()
            .and_then(Result::ok)
            .and_then(|p| p.updated_at)
    };
    let first_updated = p.updated_at;
    let form = MedicalProfileForm::from(&p);
    let lines = |list: &Option<TextList>| {
        list.as_ref()
            .map(TextList::entries)
            .unwrap_or_default()
            .join("\n")
    };
    let allergies = lines(&form.allergies);
    let conditions = lines(&form.chronic_conditions);
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let number = |value: Option<f64>| value.map(|v| v.to_string()).unwrap_or_default();
    let levels = move |name: &'static str, label: MedText, current: String| {
        let options: [(&str, MedText); 3] = [
            ("low", |m| m.level_low),
            ("normal", |m| m.level_normal),
            ("high", |m| m.level_high),
        ];
        view! {
            <label class=LABEL><span>{move || label(i18n.tr().m)}</span>
                <select id=name name=name class=INPUT>
                    <option value="">{move || i18n.t(|t| t.m.not_specified)}</option>
                    {options.into_iter().map(|(value, label)| view! {
                        <option value=value selected=current == value>{move || label(i18n.tr().m)}</option>
                    }).collect_view()}
                </select>
                <FieldError name error />
            </label>
        }
    };
    let sex = text(&form.sex);
    let group = text(&form.blood_group);
    let sexes: [(&str, MedText); 3] = [
        ("female", |m| m.sex_female),
        ("male", |m| m.sex_male),
        ("other", |m| m.sex_other),
    ];
    view! {
        <ActionForm action=save attr:class="mt-4 space-y-6" attr:data-testid="profile-form">
            <ErrorBanner error=general />
            <section class=format!("grid gap-4 sm:grid-cols-3 {CARD}")>
                <h2 class="text-lg font-semibold sm:col-span-3">{move || i18n.t(|t| t.m.section_general)}</h2>
                <label class=LABEL><span>{move || i18n.t(|t| t.m.date_of_birth_label)}</span>
                    <input type="date" id="date_of_birth" name="date_of_birth" value=text(&form.date_of_birth) class=INPUT />
                    <FieldError name="date_of_birth" error />
                </label>
                <label class=LABEL><span>{move || i18n.t(|t| t.m.sex_label)}</span>
                    <select id="sex" name="sex" class=INPUT>
                        <option value="">{move || i18n.t(|t| t.m.not_specified)}</option>
                        {sexes.into_iter().map(|(value, label)| view! {
                            <option value=value selected=sex == value>{move || label(i18n.tr().m)}</option>
                        }).collect_view()}
                    </select>
                    <FieldError name="sex" error />
                </label>
                <label class=LABEL><span>{move || i18n.t(|t| t.m.blood_group_label)}</span>
                    <select id="blood_group" name="blood_group" class=INPUT>
                        <option value="">{move || i18n.t(|t| t.m.not_specified)}</option>
                        {BloodGroup::ALL.into_iter().map(|g| view! {
                            <option value=g.as_str() selected=group == g.as_str()>{g.as_str()}</option>
                        }).collect_view()}
                    </select>
                    <FieldError name="blood_group" error />
                </label>
                <label class=LABEL><span>{move || i18n.t(|t| t.m.height_label)}</span>
                    <input id="height_cm" name="height_cm" inputmode="numeric" value=number(form.height_cm) class=INPUT />
                    <FieldError name="height_cm" error />
                </label>
                <label class=LABEL><span>{move || i18n.t(|t| t.m.weight_label)}</span>
                    <input id="weight_kg" name="weight_kg" inputmode="decimal" value=number(form.weight_kg) class=INPUT />
                    <FieldError name="weight_kg" error />
                </label>
                <label class=LABEL><span>{move || i18n.t(|t| t.m.mobile_label)}</span>
                    <input type="tel" id="mobile_phone" name="mobile_phone" autocomplete="tel" value=text(&form.mobile_phone) class=INPUT />
                    <FieldError name="mobile_phone" error />
                </label>
                <label class=LABEL><span>{move || i18n.t(|t| t.m.postal_label)}</span>
                    <input id="postal_code" name="postal_code" autocomplete="postal-code" maxlength="10" value=text(&form.postal_code) class=INPUT />
                    <FieldError name="postal_code" error />
                </label>
            </section>
            <section class=format!("grid gap-4 sm:grid-cols-2 {CARD}")>
                <h2 class="text-lg font-semibold sm:col-span-2">{move || i18n.t(|t| t.m.section_history)}</h2>
                <label class=LABEL><span>{move || i18n.t(|t| t.m.allergies_label)}</span>
                    <textarea id="allergies" name="allergies" rows="4" class=INPUT>{allergies}</textarea>
                    <span class="text-xs font-normal text-slate-500">{move || i18n.t(|t| t.m.list_hint)}</span>
                    <FieldError name="allergies" error />
                </label>
                <label class=LABEL><span>{move || i18n.t(|t| t.m.conditions_label)}</span>
                    <textarea id="chronic_conditions" name="chronic_conditions" rows="4" class=INPUT>{conditions}</textarea>
                    <span class="text-xs font-normal text-slate-500">{move || i18n.t(|t| t.m.list_hint)}</span>
                    <FieldError name="chronic_conditions" error />
                </label>
            </section>
            <section class=format!("grid gap-4 sm:grid-cols-3 {CARD}")>
                <h2 class="text-lg font-semibold sm:col-span-3">{move || i18n.t(|t| t.m.section_contact)}</h2>
                <p class="-mt-2 text-sm text-slate-500 sm:col-span-3">{move || i18n.t(|t| t.m.contact_hint)}</p>
                <label class=LABEL><span>{move || i18n.t(|t| t.m.contact_name_label)}</span>
                    <input id="emergency_contact_name" name="emergency_contact_name" value=text(&form.emergency_contact_name) class=INPUT />
                    <FieldError name="emergency_contact_name" error />
                </label>
                <label class=LABEL><span>{move || i18n.t(|t| t.m.contact_phone_label)}</span>
                    <input type="tel" id="emergency_contact_phone" name="emergency_contact_phone" value=text(&form.emergency_contact_phone) class=INPUT />
                    <FieldError name="emergency_contact_phone" error />
                </label>
                <label class=LABEL><span>{move || i18n.t(|t| t.m.contact_relation_label)}</span>
                    <input id="emergency_contact_relation" name="emergency_contact_relation" value=text(&form.emergency_contact_relation) class=INPUT />
                    <FieldError name="emergency_contact_relation" error />
                </label>
            </section>
            <section class=format!("grid gap-4 sm:grid-cols-2 {CARD}")>
                <h2 class="text-lg font-semibold sm:col-span-2">{move || i18n.t(|t| t.m.section_follow_up)}</h2>
                {levels("blood_pressure_level", |m| m.blood_pressure_label, text(&form.blood_pressure_level))}
                {levels("cholesterol_level", |m| m.cholesterol_label, text(&form.cholesterol_level))}
                <label class=LABEL><span>{move || i18n.t(|t| t.m.time_zone_label)}</span>
                    <input id="time_zone" name="time_zone" list="time-zones" value=text(&form.time_zone)
                        placeholder="Europe/Paris" class=INPUT />
                    <datalist id="time-zones">
                        {ZONES.iter().map(|z| view! { <option value=*z></option> }).collect_view()}
                    </datalist>
                    <span class="text-xs font-normal text-slate-500">{move || i18n.t(|t| t.m.time_zone_hint)}</span>
                    <FieldError name="time_zone" error />
                </label>
            </section>
            <div class="flex flex-wrap items-center gap-3">
                <button type="submit" class="rounded-lg bg-teal-700 px-4 py-2 font-semibold text-white shadow hover:bg-teal-800 disabled:opacity-60"
                    data-testid="save-profile" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { i18n.t(|t| t.m.saving) } else { i18n.t(|t| t.m.save_profile) }}
                </button>
                {move || match saved_at() {
                    Some(at) => view! {
                        <span role="status" data-testid="profile-saved" class="rounded-lg bg-teal-50 px-3 py-2 text-sm text-teal-900">
                            {i18n.t(|t| t.m.profile_saved)} " " {i18n.t(|t| t.m.last_updated)}{i18n.t(|t| t.colon)}{i18n.moment_ms(at)}
                        </span>
                    }.into_any(),
                    None => view! {
                        <span class="text-sm text-slate-500" data-testid="profile-updated">
                            {match first_updated {
                                Some(at) => format!("{}{}{}", i18n.t(|t| t.m.last_updated), i18n.t(|t| t.colon), i18n.moment_ms(at)),
                                None => i18n.t(|t| t.m.never_saved).to_owned(),
                            }}
                        </span>
                    }.into_any(),
                }}
            </div>
        </ActionForm>
    }
}

/// Whether the error names a field of the form (it then shows under it).
fn is_field_error(e: &UiError) -> bool {
    e.field.as_deref().is_some_and(|f| FIELDS.contains(&f))
}
