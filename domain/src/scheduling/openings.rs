//! One-off slots: a doctor opens a single consultation slot outside their weekly
//! ranges (the seed's `POST /api/slots/`).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::ConsultationType;
use super::slots::Slot;
use crate::bounds;
use crate::error::{DomainError, DomainResult};

/// A one-off slot, raw (`start` and `end` are RFC 3339 instants).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpeningForm {
    #[cfg_attr(feature = "openapi", schema(value_type = crate::wire_formats::Instant, example = "2027-03-20T17:00:00+01:00"))]
    pub start: Option<String>,
    /// 15 minutes to 8 hours after the start.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::wire_formats::Instant, example = "2027-03-20T17:30:00+01:00"))]
    pub end: Option<String>,
    /// `in_person`, `remote` or `both` (default).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::wire_formats::ConsultationKind>))]
    pub consultation_type: Option<String>,
    /// Patients in the slot (default 1).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 50, example = 1))]
    pub capacity: Option<i64>,
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 200, example = "Cabinet, 12 rue de la Paix, Lyon")
    )]
    pub location: Option<String>,
}

impl OpeningForm {
    /// Checks the form: both instants (within [`bounds`]), 15 minutes to 8 hours
    /// apart, 1 to 50 places.
    pub fn parse(&self) -> DomainResult<Slot> {
        let instant = |v: &Option<String>, field: &'static str| -> DomainResult<Timestamp> {
            let raw = v
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| DomainError::invalid(field, "required", "required"))?;
            bounds::parse_instant(field, raw)
        };
        let starts_at = instant(&self.start, "start")?;
        let ends_at = instant(&self.end, "end")?;
        let minutes = ends_at.duration_since(starts_at).as_mins();
        if minutes <= 0 {
            return Err(DomainError::invalid(
                "end",
                "end_before_start",
                "the end must come after the start",
            ));
        }
        if !(15..=480).contains(&minutes) {
            return Err(DomainError::invalid(
                "end",
                "invalid_duration",
                "a consultation lasts 15 minutes to 8 hours",
            ));
        }
        let capacity = self.capacity.unwrap_or(1);
        if !(1..=50).contains(&capacity) {
            return Err(DomainError::invalid(
                "capacity",
                "invalid_capacity",
                "capacity must be 1 to 50",
            ));
        }
        let consultation_type = match self.consultation_type.as_deref() {
            None => ConsultationType::Both,
            Some(raw) => ConsultationType::parse("consultation_type", raw)?,
        };
        let location = self
            .location
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned);
        if location.as_ref().is_some_and(|l| l.chars().count() > 200) {
            return Err(DomainError::invalid(
                "location",
                "too_long",
                "at most 200 characters",
            ));
        }
        Ok(Slot {
            starts_at,
            ends_at,
            availability_id: 0,
            opening_id: None,
            consultation_type,
            capacity: capacity as i32,
            location,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_forms_name_their_bad_field() {
        let good = OpeningForm {
            start: Some("2030-03-20T10:00:00Z".into()),
            end: Some("2030-03-20T11:00:00Z".into()),
            ..OpeningForm::default()
        };
        let slot = good.parse().unwrap();
        assert_eq!(
            (slot.capacity, slot.consultation_type),
            (1, ConsultationType::Both)
        );
        let field = |form: OpeningForm| form.parse().unwrap_err().field();
        assert_eq!(
            field(OpeningForm {
                start: None,
                ..good.clone()
            }),
            Some("start")
        );
        assert_eq!(
            field(OpeningForm {
                end: Some("2030-03-20T09:00:00Z".into()),
                ..good.clone()
            }),
            Some("end")
        );
        assert_eq!(
            field(OpeningForm {
                end: Some("tomorrow".into()),
                ..good.clone()
            }),
            Some("end")
        );
        assert_eq!(
            field(OpeningForm {
                capacity: Some(0),
                ..good
            }),
            Some("capacity")
        );
    }
}
