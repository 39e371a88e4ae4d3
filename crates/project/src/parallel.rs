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

/// The threads `map` works on: one per core. Asked once: the standard
/// library reads the cgroup's CPU quota files at every call.
pub fn workers() -> usize {
    static WORKERS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *WORKERS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// `work` done for every item on `workers()` threads, the results in the items' order.
pub fn map<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = workers().min(items.len()).max(1);
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

/// `then` on each item in turn, while the next item's `read` runs on
/// another thread: reading spreads over the cores file by file, but an
/// evaluation leaves a core idle at times (a sort's last merge, say), and
/// the next read fills it. Outputs are in the items' order. One read is
/// held ahead, so memory holds at most two items' reads.
pub fn read_ahead<T: Sync, R: Send, O>(
    items: &[T],
    read: impl Fn(&T) -> R + Sync,
    mut then: impl FnMut(&T, R) -> O,
) -> Vec<O> {
    let read = &read;
    std::thread::scope(|scope| {
        let start = |item| {
            let builder = std::thread::Builder::new().stack_size(WORKER_STACK_BYTES);
            // No thread to be had: read now, on this one.
            builder.spawn_scoped(scope, move || read(item)).map_err(|_| read(item))
        };
        let mut next = items.first().map(start);
        let mut outputs = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let ready = match next.take().expect("each item's read was started") {
                Ok(reading) => reading.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                Err(done) => done,
            };
            next = items.get(index + 1).map(start);
            outputs.push(then(item, ready));
        }
        outputs
    })
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
    fn reading_ahead_keeps_the_order_and_reads_each_item_once() {
        let items: Vec<u64> = (0..20).collect();
        let reads = std::sync::atomic::AtomicUsize::new(0);
        let read = |n: &u64| {
            reads.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            n * 3
        };
        let outputs = super::read_ahead(&items, read, |n, tripled| (*n, tripled));
        assert_eq!(outputs, items.iter().map(|n| (*n, n * 3)).collect::<Vec<_>>());
        assert_eq!(reads.into_inner(), 20);
        assert!(super::read_ahead(&[] as &[u64], |n| *n, |_, n| n).is_empty());
    }

    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u64> = (0..100).collect();
        assert_eq!(super::map(&items, |n| n * 2), items.iter().map(|n| n * 2).collect::<Vec<_>>());
    }
}
