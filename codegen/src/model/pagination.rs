//! Which actions get a paginator ([`crate::resolve::paginate`] decides).

use super::{RustType, Skipped};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paginator {
    pub action: String,
    /// `describe_instances_paginator`.
    pub method: String,
    /// The action's own method.
    pub call: String,
    pub deprecated: bool,
    pub request: String,
    pub response: String,
    pub offset: PageMember,
    pub limit: PageMember,
    pub total_count: PageMember,
    /// The reply's list member (Rust field name) and its element type.
    pub items: String,
    pub items_wire: String,
    pub item: RustType,
    /// The `Limit` asked for when the caller names none: a cap on the
    /// caller's only when `page_limit_source` is [`LimitSource::Maximum`].
    pub page_limit: u64,
    /// Where `page_limit` came from.
    pub page_limit_source: LimitSource,
}

/// A scalar member the paginator reads or sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageMember {
    pub wire: String,
    /// The Rust field name.
    pub name: String,
    /// `Option<T>` rather than `T`.
    pub optional: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitSource {
    /// The documented maximum: it caps the caller's `Limit`.
    Maximum,
    /// The documented default: the caller's `Limit` is sent as given.
    Default,
    /// [`crate::resolve::paginate::FALLBACK_PAGE_LIMIT`], a default.
    Fallback,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pagination {
    /// In action order.
    pub paginators: Vec<Paginator>,
    /// Actions with Offset or Limit that got no paginator.
    pub skipped: Vec<Skipped>,
}
