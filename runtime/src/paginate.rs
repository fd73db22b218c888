//! Offset/Limit pagination, shared by every generated paginator.
//!
//! A generated `<action>_paginator(request)` method returns a [`Paginator`];
//! its [`pages`](Paginator::pages) and [`items`](Paginator::items) are
//! `futures::Stream`s that call the action once per page, asking for
//! `Offset = items seen so far` and `Limit = page size`.
//!
//! The page size is the caller's ([`Paginator::page_size`], else the
//! request's own `Limit`), else the action's [`PageLimit`]. Only a
//! documented maximum ([`PageLimit::Max`]) caps the caller's; with a
//! documented default ([`PageLimit::Default`]) it is sent as given.
//!
//! When to stop, in this order:
//! - a call fails: the error is the last element;
//! - a page has no items;
//! - the page repeats the previous page's items: the service ignores
//!   `Offset`, so the stream ends with an [`Error::Decode`] instead of
//!   looping forever;
//! - the reply has a total count and the items seen reach it;
//! - the reply has no total count and the page is short (fewer items than
//!   the `Limit` asked for).
//!
//! With a total count, a short page does not stop the stream: a service may
//! cap `Limit` below what was asked, so the next offset is always the number
//! of items received, never the number asked for.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};

use crate::error::Error;

/// A reply of a paginated action: one page.
pub trait Page {
    type Item;
    /// How many items all pages hold together, if the reply says.
    fn total_count(&self) -> Option<u64>;
    fn items(&self) -> &[Self::Item];
    fn into_items(self) -> Vec<Self::Item>;
}

/// A request of a paginated action.
pub trait PagedRequest: Clone {
    fn offset(&self) -> Option<u64>;
    fn limit(&self) -> Option<u64>;
    /// The same request asking for `limit` items from `offset`.
    fn with_page(self, offset: u64, limit: u64) -> Self;
}

/// An Offset, Limit or TotalCount member: an integer, or text holding one.
pub trait PageParam {
    fn from_page(value: u64) -> Self;
    /// `None` for a negative or non-numeric value.
    fn to_page(&self) -> Option<u64>;
}

impl PageParam for u64 {
    fn from_page(value: u64) -> Self {
        value
    }
    fn to_page(&self) -> Option<u64> {
        Some(*self)
    }
}

impl PageParam for i64 {
    fn from_page(value: u64) -> Self {
        i64::try_from(value).unwrap_or(i64::MAX)
    }
    fn to_page(&self) -> Option<u64> {
        u64::try_from(*self).ok()
    }
}

impl PageParam for String {
    fn from_page(value: u64) -> Self {
        value.to_string()
    }
    fn to_page(&self) -> Option<u64> {
        self.trim().parse().ok()
    }
}

/// The `Limit` a paginator asks for when the caller names none, and
/// whether it caps the caller's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageLimit {
    /// The largest `Limit` the action documents: a larger one from the
    /// caller is lowered to it.
    Max(u64),
    /// The `Limit` the action documents as its default (or none is
    /// documented): the caller's own is sent as given.
    Default(u64),
}

type PageFuture<P> = Pin<Box<dyn Future<Output = Result<P, Error>> + Send>>;
type Fetch<R, P> = Arc<dyn Fn(R) -> PageFuture<P> + Send + Sync>;

/// Pages through one paginated action. Build it with the generated
/// `<action>_paginator` method; nothing is sent until a stream is polled.
pub struct Paginator<R, P> {
    action: &'static str,
    page_limit: PageLimit,
    page_size: Option<u64>,
    request: R,
    fetch: Fetch<R, P>,
}

impl<R, P> std::fmt::Debug for Paginator<R, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paginator")
            .field("action", &self.action)
            .field("page_limit", &self.page_limit)
            .field("page_size", &self.page_size)
            .finish_non_exhaustive()
    }
}

impl<R, P> Paginator<R, P>
where
    R: PagedRequest + Send + Sync + 'static,
    P: Page + Send + 'static,
    P::Item: PartialEq + Clone + Send + 'static,
{
    /// `page_limit` is the action's documented maximum or default `Limit`;
    /// `fetch` sends one request.
    pub fn new<F, Fut>(action: &'static str, page_limit: PageLimit, request: R, fetch: F) -> Self
    where
        F: Fn(R) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<P, Error>> + Send + 'static,
    {
        Paginator {
            action,
            page_limit,
            page_size: None,
            request,
            fetch: Arc::new(move |request| Box::pin(fetch(request))),
        }
    }

    /// Items per request. Without it, the request's own `Limit` applies, or
    /// else the action's [`PageLimit`]. Either is raised to at least 1, and
    /// lowered to the action's [`PageLimit::Max`] if it has one.
    pub fn page_size(mut self, limit: u64) -> Self {
        self.page_size = Some(limit);
        self
    }

    /// The `Limit` each request asks for.
    pub fn limit(&self) -> u64 {
        let asked = self.page_size.or_else(|| self.request.limit());
        match self.page_limit {
            PageLimit::Max(max) => asked.unwrap_or(max).clamp(1, max.max(1)),
            PageLimit::Default(default) => asked.unwrap_or(default).max(1),
        }
    }

    /// Each reply, in order.
    pub fn pages(self) -> BoxStream<'static, Result<P, Error>> {
        let state = State {
            action: self.action,
            offset: self.request.offset().unwrap_or(0),
            limit: self.limit(),
            request: self.request,
            fetch: self.fetch,
            previous: None,
        };
        stream::unfold(Some(state), next_page).boxed()
    }

    /// Every item of every page, in order.
    pub fn items(self) -> BoxStream<'static, Result<P::Item, Error>> {
        self.pages()
            .map_ok(|page| stream::iter(page.into_items().into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }
}

struct State<R, P: Page> {
    action: &'static str,
    request: R,
    fetch: Fetch<R, P>,
    offset: u64,
    limit: u64,
    /// The last page's items, to notice a service that ignores `Offset`.
    previous: Option<Vec<P::Item>>,
}

/// The next page, and the state for the one after it, if any.
async fn next_page<R: PagedRequest, P: Page>(
    state: Option<State<R, P>>,
) -> Option<(Result<P, Error>, Option<State<R, P>>)>
where
    P::Item: PartialEq + Clone,
{
    let mut state = state?;
    let request = state.request.clone().with_page(state.offset, state.limit);
    let page = match (state.fetch)(request).await {
        Ok(page) => page,
        Err(error) => return Some((Err(error), None)),
    };
    let received = page.items().len() as u64;
    if received > 0 && state.previous.as_deref() == Some(page.items()) {
        let error = Error::Decode {
            action: state.action.to_owned(),
            status: 200,
            message: format!(
                "the page at Offset {} repeats the previous page: the service ignores Offset, so paging stops",
                state.offset
            ),
            body: String::new(),
        };
        return Some((Err(error), None));
    }
    state.offset = state.offset.saturating_add(received);
    let done = received == 0
        || match page.total_count() {
            Some(total) => state.offset >= total,
            None => received < state.limit,
        };
    if done {
        return Some((Ok(page), None));
    }
    state.previous = Some(page.items().to_vec());
    Some((Ok(page), Some(state)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Clone, Default)]
    struct Req {
        offset: Option<String>,
        limit: Option<i64>,
    }

    impl PagedRequest for Req {
        fn offset(&self) -> Option<u64> {
            self.offset.as_ref().and_then(PageParam::to_page)
        }
        fn limit(&self) -> Option<u64> {
            self.limit.as_ref().and_then(PageParam::to_page)
        }
        fn with_page(self, offset: u64, limit: u64) -> Self {
            Req {
                offset: Some(PageParam::from_page(offset)),
                limit: Some(PageParam::from_page(limit)),
            }
        }
    }

    struct Reply {
        total: Option<u64>,
        items: Vec<u32>,
    }

    impl Page for Reply {
        type Item = u32;
        fn total_count(&self) -> Option<u64> {
            self.total
        }
        fn items(&self) -> &[u32] {
            &self.items
        }
        fn into_items(self) -> Vec<u32> {
            self.items
        }
    }

    /// A service over `0..len` that serves at most `cap` per page, reports
    /// the total if `total`, and records (offset, limit) of each call.
    fn service(
        len: u32,
        cap: u64,
        total: bool,
        calls: Arc<Mutex<Vec<(u64, u64)>>>,
    ) -> impl Fn(Req) -> std::future::Ready<Result<Reply, Error>> {
        move |req: Req| {
            let offset = req.offset().unwrap_or(0);
            let limit = req.limit().unwrap_or(20).min(cap);
            calls
                .lock()
                .unwrap()
                .push((offset, req.limit().unwrap_or(0)));
            let items = (0..len)
                .skip(offset as usize)
                .take(limit as usize)
                .collect();
            std::future::ready(Ok(Reply {
                total: total.then_some(u64::from(len)),
                items,
            }))
        }
    }

    fn run<T>(stream: BoxStream<'static, T>) -> Vec<T> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(stream.collect())
    }

    #[test]
    fn limits_are_capped_and_string_params_round_trip() {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let request = Req {
            offset: Some("3".into()),
            limit: Some(500),
        };
        let paginator = Paginator::new(
            "A",
            PageLimit::Max(100),
            request,
            service(10, 100, true, calls.clone()),
        );
        assert_eq!(paginator.limit(), 100);
        let items: Vec<u32> = run(paginator.items())
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(items, (3..10).collect::<Vec<_>>());
        assert_eq!(*calls.lock().unwrap(), vec![(3, 100)]);
        assert_eq!(i64::from_page(u64::MAX), i64::MAX);
        assert_eq!((-1i64).to_page(), None);
    }

    #[test]
    fn only_a_maximum_caps_the_callers_page_size() {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let paginator = |limit| {
            Paginator::new(
                "A",
                limit,
                Req::default(),
                service(150, 500, true, calls.clone()),
            )
        };
        // Above a maximum: capped; above a default: sent as given.
        assert_eq!(paginator(PageLimit::Max(20)).page_size(100).limit(), 20);
        assert_eq!(
            paginator(PageLimit::Default(20)).page_size(100).limit(),
            100
        );
        // Without one, either number; a page size is at least 1.
        assert_eq!(paginator(PageLimit::Max(100)).limit(), 100);
        assert_eq!(paginator(PageLimit::Default(20)).limit(), 20);
        assert_eq!(paginator(PageLimit::Default(20)).page_size(0).limit(), 1);
        assert_eq!(paginator(PageLimit::Max(0)).limit(), 1);
        // The request's own Limit counts as the caller's.
        let request = Req {
            offset: None,
            limit: Some(100),
        };
        let paginator = Paginator::new(
            "A",
            PageLimit::Default(20),
            request,
            service(150, 500, true, calls.clone()),
        );
        assert_eq!(paginator.limit(), 100);
        let sizes: Vec<usize> = run(paginator.pages())
            .into_iter()
            .map(|p| p.unwrap().items.len())
            .collect();
        assert_eq!(sizes, vec![100, 50]);
        assert_eq!(*calls.lock().unwrap(), vec![(0, 100), (100, 100)]);
    }

    #[test]
    fn without_total_a_short_page_stops() {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let paginator = Paginator::new(
            "A",
            PageLimit::Max(100),
            Req::default(),
            service(25, 100, false, calls.clone()),
        )
        .page_size(10);
        let sizes: Vec<usize> = run(paginator.pages())
            .into_iter()
            .map(|p| p.unwrap().items.len())
            .collect();
        assert_eq!(sizes, vec![10, 10, 5]);
        // An exact multiple needs one more, empty, page to know it is over.
        let calls = Arc::new(Mutex::new(Vec::new()));
        let paginator = Paginator::new(
            "A",
            PageLimit::Max(100),
            Req::default(),
            service(20, 100, false, calls.clone()),
        )
        .page_size(10);
        let sizes: Vec<usize> = run(paginator.pages())
            .into_iter()
            .map(|p| p.unwrap().items.len())
            .collect();
        assert_eq!(sizes, vec![10, 10, 0]);
    }

    #[test]
    fn with_total_a_capped_page_continues_from_what_arrived() {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let paginator = Paginator::new(
            "A",
            PageLimit::Max(100),
            Req::default(),
            service(25, 7, true, calls.clone()),
        )
        .page_size(10);
        let items: Vec<u32> = run(paginator.items())
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(items, (0..25).collect::<Vec<_>>());
        let offsets: Vec<u64> = calls.lock().unwrap().iter().map(|c| c.0).collect();
        assert_eq!(offsets, vec![0, 7, 14, 21]);
    }

    #[test]
    fn a_service_ignoring_offset_ends_with_an_error() {
        let fetch = |_req: Req| {
            std::future::ready(Ok(Reply {
                total: None,
                items: vec![1, 2],
            }))
        };
        let pages = run(Paginator::new("A", PageLimit::Max(2), Req::default(), fetch).pages());
        assert_eq!(pages.len(), 2);
        assert!(pages[0].is_ok());
        let error = pages[1].as_ref().err().expect("an error");
        assert!(error.to_string().contains("ignores Offset"), "{error}");
    }

    #[test]
    fn an_error_ends_the_stream() {
        let fetch = |_req: Req| std::future::ready(Err::<Reply, _>(Error::Config("boom".into())));
        let pages = run(Paginator::new("A", PageLimit::Max(2), Req::default(), fetch).pages());
        assert_eq!(pages.len(), 1);
        assert!(pages[0].is_err());
    }
}
