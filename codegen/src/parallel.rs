//! A small order-keeping parallel map over scoped threads: service
//! versions are independent, so the generator works on several at once.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// How many threads to use: `TENCENTCLOUD_CODEGEN_THREADS` if set to a
/// positive number, else the machine's parallelism.
pub fn threads() -> usize {
    std::env::var("TENCENTCLOUD_CODEGEN_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
}

/// `items.iter().map(f).collect()`, with the calls spread over threads;
/// the results keep the order of `items`.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = threads().min(items.len());
    if workers <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let worker = || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let result = f(item);
                if let Ok(mut results) = results.lock() {
                    results[i] = Some(result);
                }
            };
            // A worker that cannot start leaves its items to the others,
            // or to the calling thread below.
            let _ = std::thread::Builder::new()
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, worker);
        }
    });
    let results = results
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    results
        .into_iter()
        .zip(items)
        .map(|(result, item)| result.unwrap_or_else(|| f(item)))
        .collect()
}

/// Worker threads' stack. Example replies are decoded on them (the decode
/// check), and serde's derived decoders of large structs take big frames in
/// debug builds: a deeply nested reply overflowed the default 2 MiB.
const WORKER_STACK: usize = 64 << 20;

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order_and_covers_every_item() {
        let items: Vec<u32> = (0..1000).collect();
        let doubled = super::map(&items, |n| n * 2);
        assert_eq!(doubled, items.iter().map(|n| n * 2).collect::<Vec<_>>());
    }
}
