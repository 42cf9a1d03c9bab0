//! The fields of a consultation record's editor. Each edits one part of a
//! section held in a signal and asks for the section to be saved when the
//! reader leaves the field (`change`), so the record is saved as they go.
//! Read-only, the same fields show their value (or "not given").

use domain::consultations::checklists::{Choice, label};
use leptos::prelude::*;

use crate::components::medical::{FieldError, LABEL};
use crate::components::sched::INPUT;
use crate::error::UiError;
use crate::i18n::{Lang, Records, use_i18n};

/// Picks a record text.
pub type RecText = fn(&Records) -> &'static str;

/// A text field of section `S` (`field` points into it).
#[component]
pub fn SectionText<S: Clone + Send + Sync + 'static>(
    state: RwSignal<S>,
    field: fn(&mut S) -> &mut Option<String>,
    /// As the service names it in errors (`intake.reason`).
    name: &'static str,
    label: RecText,
    save: Callback<()>,
    #[prop(into)] error: Signal<Option<UiError>>,
    editable: bool,
    #[prop(default = 3)] rows: u32,
) -> impl IntoView {
    let i18n = use_i18n();
    let value = move || {
        state
            .with(|s| field(&mut s.clone()).clone())
            .unwrap_or_default()
    };
    if !editable {
        return view! { <ReadOnly label value=Signal::derive(value) /> }.into_any();
    }
    let id = name.replace('.', "-");
    let for_id = id.clone();
    view! {
        <label class=LABEL for=for_id>
            <span>{move || i18n.t(|t| label(t.r))}</span>
            <textarea id=id name=name rows=rows maxlength="4000" class=INPUT prop:value=value
                on:change=move |ev| {
                    let text = event_target_value(&ev);
                    state.update(|s| *field(s) = (!text.trim().is_empty()).then_some(text));
                    save.run(());
                }></textarea>
            <FieldError name error />
        </label>
    }
    .into_any()
}

/// A value shown read-only.
#[component]
fn ReadOnly(label: RecText, #[prop(into)] value: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <dl class="text-sm">
            <dt class="font-medium text-slate-700">{move || i18n.t(|t| label(t.r))}</dt>
            <dd class="mt-0.5 whitespace-pre-line text-slate-900">
                {move || {
                    let v = value.get();
                    if v.trim().is_empty() { i18n.t(|t| t.r.not_said).to_owned() } else { v }
                }}
            </dd>
        </dl>
    }
}

fn labels(lang: Lang, list: &'static [Choice], codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| label(list, c, lang == Lang::Fr))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checkboxes over `list`, the ticked codes in `field`.
#[component]
pub fn SectionChecks<S: Clone + Send + Sync + 'static>(
    state: RwSignal<S>,
    field: fn(&mut S) -> &mut Vec<String>,
    name: &'static str,
    label: RecText,
    list: &'static [Choice],
    save: Callback<()>,
    #[prop(into)] error: Signal<Option<UiError>>,
    editable: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let ticked = move || state.with(|s| field(&mut s.clone()).clone());
    if !editable {
        let value = Signal::derive(move || labels(i18n.lang(), list, &ticked()));
        return view! { <ReadOnly label value /> }.into_any();
    }
    view! {
        <fieldset class="space-y-1" data-testid=name>
            <legend class="text-sm font-medium text-slate-700">{move || i18n.t(|t| label(t.r))}</legend>
            <div class="grid gap-1 sm:grid-cols-2">
                {list.iter().map(|(code, fr, en)| {
                    let code: &'static str = code;
                    let id = format!("{}-{code}", name.replace('.', "-"));
                    let for_id = id.clone();
                    view! {
                        <label class="flex items-center gap-2 text-sm" for=for_id>
                            <input type="checkbox" id=id value=code class="h-4 w-4"
                                prop:checked=move || ticked().iter().any(|c| c == code)
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    state.update(|s| {
                                        let codes = field(s);
                                        codes.retain(|c| c != code);
                                        if on { codes.push(code.to_owned()); }
                                    });
                                    save.run(());
                                } />
                            <span>{move || if i18n.lang() == Lang::Fr { *fr } else { *en }}</span>
                        </label>
                    }
                }).collect_view()}
            </div>
            <FieldError name error />
        </fieldset>
    }
    .into_any()
}

/// One choice of `list` (or none).
#[component]
pub fn SectionChoice<S: Clone + Send + Sync + 'static>(
    state: RwSignal<S>,
    field: fn(&mut S) -> &mut Option<String>,
    name: &'static str,
    label: RecText,
    list: &'static [Choice],
    save: Callback<()>,
    #[prop(into)] error: Signal<Option<UiError>>,
    editable: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let chosen = move || state.with(|s| field(&mut s.clone()).clone());
    if !editable {
        let value = Signal::derive(move || {
            chosen()
                .map(|c| labels(i18n.lang(), list, &[c]))
                .unwrap_or_default()
        });
        return view! { <ReadOnly label value /> }.into_any();
    }
    let id = name.replace('.', "-");
    let for_id = id.clone();
    view! {
        <label class=LABEL for=for_id>
            <span>{move || i18n.t(|t| label(t.r))}</span>
            <select id=id name=name class=INPUT
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    state.update(|s| *field(s) = (!v.is_empty()).then_some(v));
                    save.run(());
                }>
                <option value="" selected=move || chosen().is_none()>"—"</option>
                {list.iter().map(|(code, fr, en)| {
                    let code: &'static str = code;
                    view! {
                        <option value=code selected=move || chosen().as_deref() == Some(code)>
                            {move || if i18n.lang() == Lang::Fr { *fr } else { *en }}
                        </option>
                    }
                }).collect_view()}
            </select>
            <FieldError name error />
        </label>
    }
    .into_any()
}

/// A number of section `S` (decimal comma accepted); empty is none.
#[component]
pub fn SectionNumber<S: Clone + Send + Sync + 'static>(
    state: RwSignal<S>,
    field: fn(&mut S) -> &mut Option<f64>,
    name: &'static str,
    label: RecText,
    save: Callback<()>,
    #[prop(into)] error: Signal<Option<UiError>>,
    editable: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let value = move || {
        state
            .with(|s| *field(&mut s.clone()))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    if !editable {
        return view! { <ReadOnly label value=Signal::derive(value) /> }.into_any();
    }
    let id = name.replace('.', "-");
    let for_id = id.clone();
    let bad = RwSignal::new(false);
    view! {
        <label class=LABEL for=for_id>
            <span>{move || i18n.t(|t| label(t.r))}</span>
            <input id=id name=name inputmode="decimal" class=INPUT prop:value=value
                on:change=move |ev| {
                    let raw = event_target_value(&ev).replace(',', ".");
                    let parsed = raw.trim().parse::<f64>().ok();
                    bad.set(!raw.trim().is_empty() && parsed.is_none());
                    if bad.get_untracked() { return; }
                    state.update(|s| *field(s) = parsed);
                    save.run(());
                } />
            <Show when=move || bad.get()>
                <span role="alert" class="block text-xs font-normal text-red-700">{move || i18n.t(|t| t.m.err_invalid_number)}</span>
            </Show>
            <FieldError name error />
        </label>
    }
    .into_any()
}
