//! `/admin/exports`: research exports. An administrator picks a dataset, a
//! period, filters and how dates are written, previews the first rows and
//! what k-anonymity leaves out, starts the export, follows its progress (the
//! list is read again every two seconds while a job runs), downloads the
//! file, and stops or removes a job after confirming.

use domain::accounts::Specialty;
use domain::exports::{
    Dataset, DatePrecision, ExportFilters, ExportJob, Format, NewExport, Preview, Sex, statuses,
};
use jiff::civil::Date;
use leptos::prelude::*;

use super::export_items::{JobItem, PreviewTable};
use crate::api::accounts::list_specialties;
use crate::api::exports::{create_export, list_exports, preview_export, remove_export};
use crate::components::forms::ErrorBanner;
use crate::components::medical::{FieldError, LABEL};
use crate::components::sched::{CARD, INPUT, PRIMARY, SECONDARY};
use crate::error::UiError;
use crate::i18n::{Lang, Tr, use_i18n};
use crate::time::civil_in;

/// What the form asks the server for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ask {
    Preview,
    Create,
}

/// What the server answered.
#[derive(Clone)]
enum Answer {
    Preview(Preview),
    Created,
}

/// The form's fields as typed.
#[derive(Clone, Copy)]
struct Fields {
    dataset: RwSignal<Dataset>,
    format: RwSignal<Format>,
    date_start: RwSignal<String>,
    date_end: RwSignal<String>,
    precision: RwSignal<DatePrecision>,
    k: RwSignal<String>,
    status: RwSignal<String>,
    age_min: RwSignal<String>,
    age_max: RwSignal<String>,
    sex: RwSignal<String>,
    specialty: RwSignal<String>,
    free_text: RwSignal<bool>,
    personal: RwSignal<bool>,
    reason: RwSignal<String>,
}

fn invalid(field: &str, code: &str) -> UiError {
    UiError {
        code: code.into(),
        field: Some(field.into()),
    }
}

impl Fields {
    fn new(today: Date) -> Self {
        let year_ago = today
            .checked_sub(jiff::Span::new().years(1))
            .unwrap_or(today);
        Self {
            dataset: RwSignal::new(Dataset::Consultations),
            format: RwSignal::new(Format::Csv),
            date_start: RwSignal::new(year_ago.to_string()),
            date_end: RwSignal::new(today.to_string()),
            precision: RwSignal::new(DatePrecision::Shifted),
            k: RwSignal::new("5".into()),
            status: RwSignal::new(String::new()),
            age_min: RwSignal::new(String::new()),
            age_max: RwSignal::new(String::new()),
            sex: RwSignal::new(String::new()),
            specialty: RwSignal::new(String::new()),
            free_text: RwSignal::new(false),
            personal: RwSignal::new(false),
            reason: RwSignal::new(String::new()),
        }
    }

    /// The request, or the first field that does not read.
    fn request(&self) -> Result<NewExport, UiError> {
        let day = |field: &str, raw: String| {
            raw.trim()
                .parse::<Date>()
                .map_err(|_| invalid(field, "required"))
        };
        let age = |field: &str, raw: String| match raw.trim() {
            "" => Ok(None),
            raw => raw
                .parse::<u8>()
                .ok()
                .map(Some)
                .ok_or_else(|| invalid(field, "out_of_range")),
        };
        let text = |raw: String| Some(raw.trim().to_owned()).filter(|t| !t.is_empty());
        let personal = self.personal.get_untracked();
        let precision = self.precision.get_untracked();
        Ok(NewExport {
            dataset: self.dataset.get_untracked(),
            export_format: self.format.get_untracked(),
            date_start: day("date_start", self.date_start.get_untracked())?,
            date_end: day("date_end", self.date_end.get_untracked())?,
            include_personal_data: personal,
            personal_data_reason: personal
                .then(|| text(self.reason.get_untracked()))
                .flatten(),
            include_free_text: self.free_text.get_untracked(),
            filters: ExportFilters {
                status: text(self.status.get_untracked()),
                age_min: age("filters.age_min", self.age_min.get_untracked())?,
                age_max: age("filters.age_max", self.age_max.get_untracked())?,
                sex: Sex::parse(&self.sex.get_untracked()),
                specialty: text(self.specialty.get_untracked()),
            },
            // The domain refuses exact dates without personal data.
            date_precision: Some(precision),
            k_anonymity: Some(
                self.k
                    .get_untracked()
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .ok_or_else(|| invalid("k_anonymity", "out_of_range"))?,
            ),
            max_records: None,
        })
    }
}

/// A select bound to a signal of codes.
fn choice<T: Copy + Send + Sync + PartialEq + 'static>(
    id: &'static str,
    label: fn(&Tr) -> &'static str,
    value: RwSignal<T>,
    options: &'static [T],
    code: fn(T) -> &'static str,
    name: fn(&Tr, &str) -> &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class=LABEL for=id>
            <span>{move || i18n.t(label)}</span>
            <select id=id class=INPUT data-testid=id
                on:change:target=move |ev| {
                    if let Some(v) = options.iter().find(|o| code(**o) == ev.target().value()) {
                        value.set(*v);
                    }
                }>
                {options.iter().map(|o| {
                    let o = *o;
                    view! { <option value=code(o) selected=move || value.get() == o>{move || name(i18n.tr(), code(o))}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

/// A text or number field bound to a signal, with its error.
fn field(
    id: &'static str,
    label: fn(&Tr) -> &'static str,
    kind: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<UiError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class=LABEL for=id>
            <span>{move || i18n.t(label)}</span>
            <input id=id type=kind class=INPUT data-testid=id inputmode=(kind == "number").then_some("numeric")
                prop:value=move || value.get() on:input:target=move |ev| value.set(ev.target().value()) />
            <FieldError name=id error />
        </label>
    }
}

/// A checkbox bound to a signal, with a hint under it.
fn check(
    id: &'static str,
    label: fn(&Tr) -> &'static str,
    hint: fn(&Tr) -> &'static str,
    value: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="flex min-h-11 items-center gap-2 text-sm font-medium text-slate-800">
            <input type="checkbox" class="h-5 w-5 accent-teal-700" data-testid=id
                prop:checked=move || value.get()
                on:change:target=move |ev| value.set(ev.target().checked()) />
            {move || i18n.t(label)}
        </label>
        <p class="text-xs text-slate-500">{move || i18n.t(hint)}</p>
    }
}

/// `/admin/exports`.
#[component]
pub fn ExportsPage() -> impl IntoView {
    let i18n = use_i18n();
    let jobs = Resource::new(|| (), |()| list_exports());
    let specialties = Resource::new(|| (), |()| list_specialties());
    view! {
        <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.x.title)}</h1>
        <p class="mt-1 max-w-3xl text-slate-600">{move || i18n.t(|t| t.x.intro)}</p>
        <Transition fallback=move || view! { <p class="mt-4 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                let specialties = specialties.await.unwrap_or_default();
                match jobs.await {
                    Ok(jobs) => view! { <ExportDesk jobs specialties /> }.into_any(),
                    Err(err) => view! { <div class="mt-4"><ErrorBanner error=Signal::derive(move || Some(err.clone())) /></div> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The export form (preview, create) and the jobs, read again after each
/// act and every two seconds while one is not over.
#[island(lazy)]
fn ExportDesk(jobs: Vec<ExportJob>, specialties: Vec<Specialty>) -> impl IntoView {
    let i18n = use_i18n();
    let today = civil_in(&i18n.zone(), jiff::Timestamp::now()).date();
    let fields = Fields::new(today);
    let typed_error = RwSignal::new(None::<UiError>);
    let ask = Action::new(move |(what, request): &(Ask, NewExport)| {
        let (what, request) = (*what, request.clone());
        async move {
            match what {
                Ask::Preview => preview_export(request).await.map(Answer::Preview),
                Ask::Create => create_export(request).await.map(|_| Answer::Created),
            }
        }
    });
    let send = move |what: Ask| match fields.request() {
        Ok(request) => {
            typed_error.set(None);
            ask.dispatch((what, request));
        }
        Err(err) => typed_error.set(Some(err)),
    };
    let error = Signal::derive(move || {
        typed_error
            .get()
            .or_else(|| ask.value().get().and_then(Result::err))
    });
    let remove = Action::new(|id: &i64| remove_export(*id));

    // The jobs, read again every two seconds while one is not over.
    let tick = RwSignal::new(0u32);
    let jobs = RwSignal::new(jobs);
    let refresh = Action::new(|(): &()| list_exports());
    Effect::new(move |drawn: Option<()>| {
        tick.track();
        ask.version().track();
        remove.version().track();
        if drawn.is_some() {
            refresh.dispatch(());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(list)) = refresh.value().get() {
            jobs.set(list);
        }
    });
    #[cfg(feature = "hydrate")]
    {
        let active = Memo::new(move |_| jobs.with(|jobs| jobs.iter().any(|j| !j.status.is_over())));
        if let Ok(handle) = set_interval_with_handle(
            move || {
                if active.get_untracked() {
                    tick.update(|t| *t = t.wrapping_add(1));
                }
            },
            std::time::Duration::from_secs(2),
        ) {
            on_cleanup(move || handle.clear());
        }
    }

    view! {
        <section class=format!("mt-4 {CARD}") data-testid="export-form">
            <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.x.new_title)}</h2>
            <div class="mt-3 grid gap-3 sm:grid-cols-2 lg:grid-cols-5">
                <div class="lg:col-span-2">
                    {choice("dataset", |t| t.x.dataset_label, fields.dataset, Dataset::ALL, Dataset::as_str, |t, c| t.x.dataset(c))}
                </div>
                {choice("export_format", |t| t.x.format_label, fields.format, Format::ALL, Format::as_str, |t, c| t.x.format(c))}
                {field("date_start", |t| t.x.date_start_label, "date", fields.date_start, error)}
                {field("date_end", |t| t.x.date_end_label, "date", fields.date_end, error)}
            </div>
            <fieldset class="mt-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
                <legend class="text-sm font-semibold text-slate-800">{move || i18n.t(|t| t.x.filters_title)}</legend>
                <label class=LABEL for="filters.status">
                    <span>{move || i18n.t(|t| t.x.status_label)}</span>
                    <select id="filters.status" class=INPUT data-testid="filters.status"
                        prop:value=move || fields.status.get()
                        on:change:target=move |ev| fields.status.set(ev.target().value())>
                        <option value="">{move || i18n.t(|t| t.x.any)}</option>
                        {move || statuses(fields.dataset.get()).iter().map(|code| view! {
                            <option value=*code selected=move || fields.status.get() == *code>{move || i18n.tr().x.row_status(code)}</option>
                        }).collect_view()}
                    </select>
                    <FieldError name="filters.status" error />
                </label>
                <label class=LABEL for="filters.sex">
                    <span>{move || i18n.t(|t| t.x.sex_label)}</span>
                    <select id="filters.sex" class=INPUT on:change:target=move |ev| fields.sex.set(ev.target().value())>
                        <option value="">{move || i18n.t(|t| t.x.any)}</option>
                        {Sex::ALL.iter().map(|s| view! {
                            <option value=s.as_str() selected=move || fields.sex.get() == s.as_str()>{move || i18n.tr().x.sex(s.as_str())}</option>
                        }).collect_view()}
                    </select>
                </label>
                {field("filters.age_min", |t| t.x.age_min_label, "number", fields.age_min, error)}
                {field("filters.age_max", |t| t.x.age_max_label, "number", fields.age_max, error)}
                <label class=LABEL for="filters.specialty">
                    <span>{move || i18n.t(|t| t.x.specialty_label)}</span>
                    <select id="filters.specialty" class=INPUT on:change:target=move |ev| fields.specialty.set(ev.target().value())>
                        <option value="">{move || i18n.t(|t| t.x.any)}</option>
                        {specialties.into_iter().map(|s| {
                            let name = if i18n.lang() == Lang::Fr { s.name_fr } else { s.name_en };
                            let code = s.code;
                            let selected = fields.specialty.get_untracked() == code;
                            view! { <option value=code selected=selected>{name}</option> }
                        }).collect_view()}
                    </select>
                    <FieldError name="filters.specialty" error />
                </label>
            </fieldset>
            <div class="mt-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
                <div>
                    {choice("date_precision", |t| t.x.precision_label, fields.precision, DatePrecision::ALL, DatePrecision::as_str, |t, c| t.x.precision(c))}
                    <FieldError name="date_precision" error />
                    <p class="mt-1 text-xs text-slate-500">{move || i18n.t(|t| t.x.precision_hint)}</p>
                </div>
                <div>
                    {field("k_anonymity", |t| t.x.k_label, "number", fields.k, error)}
                    <p class="mt-1 text-xs text-slate-500">{move || i18n.t(|t| t.x.k_hint)}</p>
                </div>
                <div class="space-y-2 sm:col-span-2">
                    {check("include_free_text", |t| t.x.free_text_label, |t| t.x.free_text_hint, fields.free_text)}
                    {check("include_personal_data", |t| t.x.personal_label, |t| t.x.personal_hint, fields.personal)}
                    <Show when=move || fields.personal.get()>
                        <label class=LABEL for="personal_data_reason">
                            <span>{move || i18n.t(|t| t.x.reason_label)}</span>
                            <textarea id="personal_data_reason" rows="2" maxlength="500" class=INPUT data-testid="personal_data_reason"
                                prop:value=move || fields.reason.get()
                                on:input:target=move |ev| fields.reason.set(ev.target().value())></textarea>
                            <FieldError name="personal_data_reason" error />
                        </label>
                    </Show>
                </div>
            </div>
            <div class="mt-4">
                <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.field.as_deref().is_none_or(|f| f == "date_end" && e.code == "range_too_long"))) />
            </div>
            <div class="mt-4 flex flex-wrap items-center gap-3">
                <button type="button" class=format!("min-h-11 {SECONDARY}") data-testid="preview-export"
                    disabled=move || ask.pending().get() on:click=move |_| send(Ask::Preview)>
                    {move || i18n.t(|t| t.x.preview_button)}
                </button>
                <button type="button" class=format!("min-h-11 {PRIMARY}") data-testid="create-export"
                    disabled=move || ask.pending().get() on:click=move |_| send(Ask::Create)>
                    {move || i18n.t(|t| t.x.create_button)}
                </button>
                <Show when=move || matches!(ask.value().get(), Some(Ok(Answer::Created)))>
                    <span role="status" class="text-sm text-teal-800" data-testid="export-created">{move || i18n.t(|t| t.x.created)}</span>
                </Show>
            </div>
            {move || match ask.value().get() {
                Some(Ok(Answer::Preview(p))) => Some(view! { <PreviewTable preview=p /> }),
                _ => None,
            }}
        </section>
        <section class=format!("mt-4 {CARD}") data-testid="export-jobs">
            <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.x.jobs_title)}</h2>
            <ErrorBanner error=Signal::derive(move || remove.value().get().and_then(Result::err)) />
            {move || {
                let list = jobs.get();
                if list.is_empty() {
                    view! {
                        <p class="mt-1 text-sm text-slate-600" data-testid="jobs-empty">{move || i18n.t(|t| t.x.jobs_empty)}</p>
                    }.into_any()
                } else {
                    view! {
                        <ul class="mt-2 divide-y divide-slate-100">
                            {list.into_iter().map(|job| view! { <JobItem job remove=Callback::new(move |id| { remove.dispatch(id); }) /> }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </section>
    }
}
