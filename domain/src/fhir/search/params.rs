//! The resource types served and the search parameters each takes: one
//! table, read by the parser and by the CapabilityStatement.

use serde::{Deserialize, Serialize};

wire_enum! {
    /// The resource types served under `/fhir/`.
    ResourceType {
        Patient => "Patient",
        Practitioner => "Practitioner",
        PractitionerRole => "PractitionerRole",
        Schedule => "Schedule",
        Slot => "Slot",
        Appointment => "Appointment",
        Observation => "Observation",
        MedicationStatement => "MedicationStatement",
        Condition => "Condition",
        Encounter => "Encounter",
    }
}

/// Results per page when `_count` is not given, and at most.
pub const DEFAULT_COUNT: i64 = 50;
pub const MAX_COUNT: i64 = 500;
/// Pages beyond this are refused (narrow the search instead).
pub const MAX_PAGE: i64 = 10_000;

/// A search parameter: its name, FHIR type and what it means.
pub struct Param {
    pub name: &'static str,
    pub kind: &'static str,
    pub doc: &'static str,
}

const fn p(name: &'static str, kind: &'static str, doc: &'static str) -> Param {
    Param { name, kind, doc }
}

const PATIENT: Param = p(
    "patient",
    "reference",
    "The patient (`5` or `Patient/5`); patients may leave it out",
);
const COUNT: Param = p(
    "_count",
    "number",
    "Results per page (1 to 500, 50 by default)",
);
const PAGE: Param = p("_page", "number", "Which page of results (from 1)");

impl ResourceType {
    /// The search parameters this type takes.
    pub fn params(self) -> &'static [Param] {
        use ResourceType::*;
        match self {
            Patient => const { &[p("_id", "token", "The patient's id"), COUNT, PAGE] },
            Practitioner => {
                const {
                    &[
                        p("_id", "token", "The doctor's id"),
                        p("name", "string", "Part of the doctor's name"),
                        COUNT,
                        PAGE,
                    ]
                }
            }
            PractitionerRole => {
                const {
                    &[
                        p("practitioner", "reference", "The doctor"),
                        p("specialty", "token", "The specialty's code (`cardiology`)"),
                        COUNT,
                        PAGE,
                    ]
                }
            }
            Schedule => {
                const {
                    &[
                        p("actor", "reference", "The doctor (`Practitioner/3`)"),
                        COUNT,
                        PAGE,
                    ]
                }
            }
            Slot => {
                const {
                    &[
                        p("schedule", "reference", "The doctor's schedule (required)"),
                        p(
                            "start",
                            "date",
                            "When the slot starts (`ge`, `lt`…; 7 days from today by default, 31 at most)",
                        ),
                        p("status", "token", "`free` or `busy`"),
                        COUNT,
                        PAGE,
                    ]
                }
            }
            Appointment => {
                const {
                    &[
                        PATIENT,
                        p("practitioner", "reference", "The doctor"),
                        p("date", "date", "When the appointment starts"),
                        p(
                            "status",
                            "token",
                            "`pending`, `booked`, `fulfilled`, `cancelled` or `noshow`",
                        ),
                        COUNT,
                        PAGE,
                    ]
                }
            }
            Observation => {
                const {
                    &[
                        PATIENT,
                        p(
                            "code",
                            "token",
                            "LOINC code (`http://loinc.org|8867-4`) or the vital's name (`heart_rate`)",
                        ),
                        p(
                            "date",
                            "date",
                            "When it was measured (the last 24 hours by default, 366 days at most)",
                        ),
                        p("category", "token", "`vital-signs`"),
                        COUNT,
                        PAGE,
                    ]
                }
            }
            MedicationStatement => {
                const {
                    &[
                        PATIENT,
                        p("status", "token", "`active`, `completed` or `intended`"),
                        COUNT,
                        PAGE,
                    ]
                }
            }
            Condition => {
                const {
                    &[
                        PATIENT,
                        p(
                            "code",
                            "token",
                            "ICD-10 code (`http://hl7.org/fhir/sid/icd-10|I10`)",
                        ),
                        COUNT,
                        PAGE,
                    ]
                }
            }
            Encounter => {
                const {
                    &[
                        PATIENT,
                        p("date", "date", "When the consultation took place"),
                        p("status", "token", "`planned`, `in-progress` or `finished`"),
                        COUNT,
                        PAGE,
                    ]
                }
            }
        }
    }

    /// Whether `GET [type]/[id]` reads one (Slots are computed: searched only).
    pub fn readable(self) -> bool {
        self != Self::Slot
    }
}
