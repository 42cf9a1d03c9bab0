//! Texts of the administrators' research exports. The texts themselves are
//! in `research_fr.rs` and `research_en.rs`.

crate::texts! {
    /// Texts of research exports.
    pub struct Research {
        pub nav_exports: &'static str,
        pub title: &'static str,
        pub intro: &'static str,
        pub new_title: &'static str,
        pub dataset_label: &'static str,
        pub format_label: &'static str,
        pub date_start_label: &'static str,
        pub date_end_label: &'static str,
        pub precision_label: &'static str,
        pub precision_hint: &'static str,
        pub k_label: &'static str,
        pub k_hint: &'static str,
        pub filters_title: &'static str,
        pub status_label: &'static str,
        pub any: &'static str,
        pub age_min_label: &'static str,
        pub age_max_label: &'static str,
        pub sex_label: &'static str,
        pub specialty_label: &'static str,
        pub free_text_label: &'static str,
        pub free_text_hint: &'static str,
        pub personal_label: &'static str,
        pub personal_hint: &'static str,
        pub reason_label: &'static str,
        pub preview_button: &'static str,
        pub create_button: &'static str,
        pub created: &'static str,
        pub preview_title: &'static str,
        pub preview_empty: &'static str,
        pub preview_all_left_out: &'static str,
        pub preview_more: &'static str,
        pub rows_selected: &'static str,
        pub rows_suppressed: &'static str,
        pub patients: &'static str,
        pub patients_suppressed: &'static str,
        pub jobs_title: &'static str,
        pub jobs_empty: &'static str,
        pub rows_read: &'static str,
        pub of: &'static str,
        pub rows_in_file: &'static str,
        pub left_out: &'static str,
        pub requested_by: &'static str,
        pub finished: &'static str,
        pub removed_on: &'static str,
        pub failed_hint: &'static str,
        pub personal_badge: &'static str,
        pub anonymised_badge: &'static str,
        pub free_text_badge: &'static str,
        pub download: &'static str,
        pub manifest: &'static str,
        pub cancel: &'static str,
        pub cancel_question: &'static str,
        pub cancel_yes: &'static str,
        pub remove: &'static str,
        pub remove_question: &'static str,
        pub remove_yes: &'static str,
        pub kilobytes: &'static str,
        pub megabytes: &'static str,
        pub err_range_too_long: &'static str,
        pub err_reason_required: &'static str,
        pub err_exact_dates_are_personal: &'static str,
        pub err_unknown_status: &'static str,
        pub err_before_min: &'static str,
        /// Datasets by code.
        pub datasets: [(&'static str, &'static str); 5],
        /// Formats by code.
        pub formats: [(&'static str, &'static str); 5],
        /// How dates are written, by code.
        pub precisions: [(&'static str, &'static str); 4],
        /// Where a job is, by status.
        pub statuses: [(&'static str, &'static str); 6],
        /// The datasets' own statuses (the `status` filter).
        pub row_statuses: [(&'static str, &'static str); 16],
        /// Sexes by code.
        pub sexes: [(&'static str, &'static str); 3],
    }
}

impl Research {
    fn label(list: &[(&'static str, &'static str)], code: &str) -> &'static str {
        list.iter()
            .find(|(c, _)| *c == code)
            .map_or("", |(_, l)| *l)
    }

    pub fn dataset(&self, code: &str) -> &'static str {
        Self::label(&self.datasets, code)
    }

    pub fn format(&self, code: &str) -> &'static str {
        Self::label(&self.formats, code)
    }

    pub fn precision(&self, code: &str) -> &'static str {
        Self::label(&self.precisions, code)
    }

    pub fn status(&self, code: &str) -> &'static str {
        Self::label(&self.statuses, code)
    }

    pub fn row_status(&self, code: &str) -> &'static str {
        Self::label(&self.row_statuses, code)
    }

    pub fn sex(&self, code: &str) -> &'static str {
        Self::label(&self.sexes, code)
    }

    /// A file's size: "840 Ko", "12,4 Mo".
    pub fn size(&self, bytes: i64) -> String {
        let kib = bytes as f64 / 1024.0;
        if kib < 1024.0 {
            format!("{} {}", kib.ceil() as i64, self.kilobytes)
        } else {
            format!("{:.1} {}", kib / 1024.0, self.megabytes)
        }
    }

    /// The message of an export's error code.
    pub fn error(&self, code: &str) -> Option<&'static str> {
        Some(match code {
            "range_too_long" => self.err_range_too_long,
            "reason_required" => self.err_reason_required,
            "exact_dates_are_personal" => self.err_exact_dates_are_personal,
            "unknown_status" => self.err_unknown_status,
            "before_min" => self.err_before_min,
            _ => return None,
        })
    }

    /// The label of an export form's field, for error messages.
    pub fn field(&self, field: &str) -> Option<&'static str> {
        Some(match field {
            "date_start" => self.date_start_label,
            "date_end" => self.date_end_label,
            "date_precision" => self.precision_label,
            "k_anonymity" => self.k_label,
            "personal_data_reason" => self.reason_label,
            "filters.status" => self.status_label,
            "filters.age_min" => self.age_min_label,
            "filters.age_max" => self.age_max_label,
            "filters.specialty" => self.specialty_label,
            _ => return None,
        })
    }
}
