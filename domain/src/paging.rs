//! Pages of a long list, as the REST API and the portals ask for them.

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult};

/// Items per page, by default and at most.
pub const DEFAULT_PER_PAGE: i64 = 50;
pub const MAX_PER_PAGE: i64 = 500;

/// One page of results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub results: Vec<T>,
    /// Matching items in all.
    pub count: i64,
    /// 1-based.
    pub page: i64,
    pub per_page: i64,
}

/// A checked page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: i64,
    pub per_page: i64,
}

impl PageRequest {
    /// Checks `page` (≥ 1) and `per_page` (1 to [`MAX_PER_PAGE`]); errors name the field.
    pub fn parse(page: Option<i64>, per_page: Option<i64>) -> DomainResult<Self> {
        let page = page.unwrap_or(1);
        if !(1..=1_000_000).contains(&page) {
            return Err(DomainError::invalid(
                "page",
                crate::bounds::OUT_OF_RANGE,
                "must be between 1 and 1000000",
            ));
        }
        let per_page = per_page.unwrap_or(DEFAULT_PER_PAGE);
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(DomainError::invalid(
                "per_page",
                crate::bounds::OUT_OF_RANGE,
                format!("must be between 1 and {MAX_PER_PAGE}"),
            ));
        }
        Ok(Self { page, per_page })
    }

    /// Rows to skip.
    pub fn offset(self) -> i64 {
        (self.page - 1) * self.per_page
    }

    /// The page holding `results` out of `count`.
    pub fn of<T>(self, results: Vec<T>, count: i64) -> Page<T> {
        Page {
            results,
            count,
            page: self.page,
            per_page: self.per_page,
        }
    }
}
