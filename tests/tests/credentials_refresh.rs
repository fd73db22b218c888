//! The cache over temporary credentials, end to end against a local
//! stand-in for the CVM metadata service: refresh before expiry, one
//! refresh for many concurrent callers, and the old credentials kept
//! through a failed refresh until they expire.

mod credentials_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use credentials_support::{metadata_reply, ManualClock, StandIn};
use tencentcloud_credentials::{CachedProvider, CvmRoleProvider, ProvideCredentials};
use tencentcloud_cvm::{Credentials, Error};

const ROLE_PATH: &str = "/latest/meta-data/cam/security-credentials/";

/// The cached CVM role provider for role `app-role` at `stand_in`, on `clock`.
fn role_provider(stand_in: &StandIn, clock: &Arc<ManualClock>) -> CachedProvider<CvmRoleProvider> {
    CvmRoleProvider::builder()
        .endpoint(stand_in.url(ROLE_PATH))
        .role("app-role")
        .build()
        .expect("valid settings")
        .clock(clock.clone())
}

/// `n` callers spawned at once, and what each got, in order.
async fn call_at_once(
    provider: &Arc<CachedProvider<CvmRoleProvider>>,
    n: usize,
) -> Vec<Result<Credentials, Error>> {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let provider = Arc::clone(provider);
            tokio::spawn(async move { provider.provide_credentials().await })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.expect("the task ran"));
    }
    outcomes
}

fn secret_ids(outcomes: Vec<Result<Credentials, Error>>) -> Vec<String> {
    outcomes
        .into_iter()
        .map(|outcome| outcome.expect("credentials").secret_id().to_owned())
        .collect()
}

/// A metadata stand-in that issues `tmp-id-N` credentials lasting ten
/// minutes from `clock`'s time, N counting the requests for them.
async fn metadata(clock: Arc<ManualClock>, delay: Duration) -> StandIn {
    let issued = AtomicUsize::new(0);
    StandIn::start_with_delay(delay, move |seen| {
        if seen.path == ROLE_PATH {
            return (200, "app-role".into());
        }
        assert_eq!(seen.path, format!("{ROLE_PATH}app-role"));
        let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
        let body = metadata_reply(
            &format!("tmp-id-{n}"),
            &format!("tmp-key-{n}"),
            &format!("tmp-token-{n}"),
            clock.unix() + 600,
        );
        (200, body)
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn refreshes_inside_the_margin_and_not_before() {
    let clock = ManualClock::new();
    let stand_in = metadata(clock.clone(), Duration::ZERO).await;
    let provider = CvmRoleProvider::builder()
        .endpoint(stand_in.url(ROLE_PATH))
        .build()
        .expect("valid settings")
        .clock(clock.clone())
        .refresh_margin(Duration::from_secs(300));

    let first = provider.provide_credentials().await.expect("first fetch");
    assert_eq!(
        (first.secret_id(), first.secret_key(), first.token()),
        ("tmp-id-1", "tmp-key-1", Some("tmp-token-1"))
    );
    assert_eq!(
        first.expiry().map(|e| e
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .ok()),
        Some(Some(clock.unix() + 600))
    );
    assert_eq!(stand_in.count(&format!("{ROLE_PATH}app-role")), 1);

    // 299 s later, 301 s remain: outside the 300 s margin, still cached.
    clock.advance(Duration::from_secs(299));
    let cached = provider.provide_credentials().await.expect("cached");
    assert_eq!(cached.secret_id(), "tmp-id-1");
    assert_eq!(stand_in.count(&format!("{ROLE_PATH}app-role")), 1);

    // 2 s more: 299 s remain, inside the margin: refreshed.
    clock.advance(Duration::from_secs(2));
    let refreshed = provider.provide_credentials().await.expect("refreshed");
    assert_eq!(
        (refreshed.secret_id(), refreshed.token()),
        ("tmp-id-2", Some("tmp-token-2"))
    );
    assert_eq!(stand_in.count(&format!("{ROLE_PATH}app-role")), 2);
    // The role's name was asked once and remembered.
    assert_eq!(stand_in.count(ROLE_PATH), 1);
}

// One thread: every spawned caller is polled, and queues on the refresh,
// before the stand-in can answer the first; no timing involved.
#[tokio::test]
async fn concurrent_callers_share_one_refresh() {
    let clock = ManualClock::new();
    let stand_in = metadata(clock.clone(), Duration::from_millis(300)).await;
    let provider = Arc::new(role_provider(&stand_in, &clock));

    let ids = secret_ids(call_at_once(&provider, 64).await);
    assert!(ids.iter().all(|id| id == "tmp-id-1"), "{ids:?}");
    assert_eq!(stand_in.count(&format!("{ROLE_PATH}app-role")), 1);
    // With the role given, the role name is never asked.
    assert_eq!(stand_in.count(ROLE_PATH), 0);

    // Expired: 64 callers again, one more fetch between them.
    clock.advance(Duration::from_secs(601));
    let ids = secret_ids(call_at_once(&provider, 64).await);
    assert!(ids.iter().all(|id| id == "tmp-id-2"), "{ids:?}");
    assert_eq!(stand_in.count(&format!("{ROLE_PATH}app-role")), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_refresh_keeps_valid_credentials_until_they_expire() {
    let clock = ManualClock::new();
    let fail = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let failing = fail.clone();
    let issued = AtomicUsize::new(0);
    let issuer_clock = clock.clone();
    let stand_in = StandIn::start(move |_| {
        if failing.load(Ordering::SeqCst) {
            return (500, "metadata service overloaded".into());
        }
        let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
        let id = format!("tmp-id-{n}");
        (
            200,
            metadata_reply(&id, "tmp-key", "tmp-token", issuer_clock.unix() + 600),
        )
    })
    .await;
    let provider = role_provider(&stand_in, &clock);
    provider.provide_credentials().await.expect("first fetch");

    fail.store(true, Ordering::SeqCst);
    // Inside the margin but not expired: the refresh fails, the old ones serve.
    clock.advance(Duration::from_secs(400));
    let kept = provider
        .provide_credentials()
        .await
        .expect("old credentials still valid");
    assert_eq!(kept.secret_id(), "tmp-id-1");
    assert_eq!(stand_in.count(&format!("{ROLE_PATH}app-role")), 2);

    // Expired: the error says where and why.
    clock.advance(Duration::from_secs(200));
    let err = provider
        .provide_credentials()
        .await
        .expect_err("expired and the refresh fails")
        .to_string();
    assert!(err.contains("CVM instance role"), "{err}");
    assert!(
        err.contains(&stand_in.url(&format!("{ROLE_PATH}app-role"))),
        "{err}"
    );
    assert!(
        err.contains("HTTP 500") && err.contains("overloaded"),
        "{err}"
    );

    // Recovered: the next call fetches fresh credentials.
    fail.store(false, Ordering::SeqCst);
    let fresh = provider.provide_credentials().await.expect("recovered");
    assert_eq!(fresh.secret_id(), "tmp-id-2");
    assert_eq!(stand_in.count(&format!("{ROLE_PATH}app-role")), 4);
}

/// A metadata stand-in for role `app-role` whose credentials last
/// `lifetime` seconds from `clock`'s time, answering HTTP 500 while `fail`
/// is set; `tmp-id-N` counts the credentials issued.
async fn role_stand_in(
    clock: Arc<ManualClock>,
    lifetime: u64,
    fail: Arc<std::sync::atomic::AtomicBool>,
    delay: Duration,
) -> StandIn {
    let issued = AtomicUsize::new(0);
    StandIn::start_with_delay(delay, move |_| {
        if fail.load(Ordering::SeqCst) {
            return (500, "metadata service overloaded".into());
        }
        let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
        let id = format!("tmp-id-{n}");
        (
            200,
            metadata_reply(&id, "tmp-key", "tmp-token", clock.unix() + lifetime),
        )
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_shorter_than_twice_the_margin_are_cached_for_half_their_life() {
    let clock = ManualClock::new();
    let fail = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stand_in = role_stand_in(clock.clone(), 120, fail, Duration::ZERO).await;
    let provider = role_provider(&stand_in, &clock).refresh_margin(Duration::from_secs(300));
    let fetches = || stand_in.count(&format!("{ROLE_PATH}app-role"));

    provider.provide_credentials().await.expect("first fetch");
    // 120 s of life against a 300 s margin: refreshed at 60 s left, not at once.
    clock.advance(Duration::from_secs(59));
    let cached = provider.provide_credentials().await.expect("cached");
    assert_eq!((cached.secret_id(), fetches()), ("tmp-id-1", 1));
    clock.advance(Duration::from_secs(2));
    let refreshed = provider.provide_credentials().await.expect("refreshed");
    assert_eq!((refreshed.secret_id(), fetches()), ("tmp-id-2", 2));
}

// One thread: every spawned caller is polled, and queues on the refresh,
// before the stand-in can answer the first; no timing involved.
#[tokio::test]
async fn callers_waiting_on_a_failed_refresh_take_its_outcome() {
    let clock = ManualClock::new();
    let fail = Arc::new(std::sync::atomic::AtomicBool::new(false));
    // The one thread queues every caller before the first fetch returns.
    let stand_in =
        role_stand_in(clock.clone(), 600, fail.clone(), Duration::from_millis(300)).await;
    let provider = Arc::new(role_provider(&stand_in, &clock));
    let fetches = || stand_in.count(&format!("{ROLE_PATH}app-role"));
    provider.provide_credentials().await.expect("first fetch");
    fail.store(true, Ordering::SeqCst);

    // Inside the margin: one failed refresh, and every caller gets the old ones.
    clock.advance(Duration::from_secs(400));
    for outcome in call_at_once(&provider, 16).await {
        assert_eq!(outcome.expect("old credentials").secret_id(), "tmp-id-1");
    }
    assert_eq!(fetches(), 2);

    // Expired: one failed refresh, and every caller gets its error.
    clock.advance(Duration::from_secs(200));
    for outcome in call_at_once(&provider, 16).await {
        let error = outcome.expect_err("expired and the refresh failed");
        assert!(error.to_string().contains("HTTP 500"), "{error}");
    }
    assert_eq!(fetches(), 3);

    // A caller arriving after the failure asks again.
    fail.store(false, Ordering::SeqCst);
    let fresh = provider.provide_credentials().await.expect("recovered");
    assert_eq!((fresh.secret_id(), fetches()), ("tmp-id-2", 4));
}
