//! Map over items on every core, keeping the items' order in the results.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Planning and evaluating a definition recurse once per operator of an
/// expression: expressions are bounded (`language::MAX_OPERATORS`), and these
/// stacks keep even the largest allowed far from the limit in a debug build.
/// Reserved, not committed: unused pages cost nothing.
const MAIN_STACK_BYTES: usize = 256 << 20;
const WORKER_STACK_BYTES: usize = 64 << 20;

/// Run `work` on a thread with the deep stack the command line runs on.
pub fn with_deep_stack<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    let work = Mutex::new(Some(work));
    let take = || work.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
    std::thread::scope(|scope| {
        let run = || take().map(|work| work());
        match std::thread::Builder::new().stack_size(MAIN_STACK_BYTES).spawn_scoped(scope, run) {
            Ok(handle) => handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // No thread to be had: the current one will have to do.
            Err(_) => take().map(|work| work()),
        }
    })
    .expect("the work ran exactly once")
}

pub fn map<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(items.len()).max(1);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new(items.iter().map(|_| None).collect());
    let worker = || loop {
        let index = next.fetch_add(1, Ordering::Relaxed);
        let Some(item) = items.get(index) else { break };
        let result = work(item);
        results.lock().unwrap_or_else(|poisoned| poisoned.into_inner())[index] = Some(result);
    };
    std::thread::scope(|scope| {
        // The calling thread is one of the workers.
        for _ in 1..workers {
            // Evaluating a plan recurses over its expressions: as deep a stack
            // as the main thread's (reserved, not committed). A worker that
            // cannot start leaves its share to the others.
            let _ = std::thread::Builder::new().stack_size(WORKER_STACK_BYTES).spawn_scoped(scope, worker);
        }
        worker();
    });
    results
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .into_iter()
        .map(|result| result.expect("every item was worked"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn deep_stack_work_runs_once_and_returns() {
        // 100,000 nested calls of a frame holding 1 KiB: ~100 MiB, far past a test thread's 2 MiB.
        fn depth(n: u32) -> u32 {
            let frame = std::hint::black_box([0u8; 1024]);
            if n == 0 {
                u32::from(frame[0])
            } else {
                1 + depth(n - 1)
            }
        }
        assert_eq!(super::with_deep_stack(|| depth(100_000)), 100_000);
    }

    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u64> = (0..100).collect();
        assert_eq!(super::map(&items, |n| n * 2), items.iter().map(|n| n * 2).collect::<Vec<_>>());
    }
}
