//! How many searches run at once, and in which order the others wait: first come, first
//! served. Searches are CPU-bound, so more at once than there are cores only stretches each;
//! a waiting request is let in by its arrival, so under load every request waits about as
//! long as the others (a condition variable's plain wake-up lets a late comer overtake and
//! another wait on and on, which was the 99th percentile under load).

use std::sync::{Condvar, Mutex};

/// Admits at most `slots` holders at once, in the order they asked.
pub struct Gate {
    slots: u64,
    state: Mutex<Tickets>,
    turn: Condvar,
}

#[derive(Default)]
struct Tickets {
    /// The next ticket to hand out.
    issued: u64,
    /// Holders that have left.
    left: u64,
}

impl Gate {
    /// A gate for `slots` holders at once (at least one).
    pub fn new(slots: usize) -> Gate {
        Gate {
            slots: slots.max(1) as u64,
            state: Mutex::new(Tickets::default()),
            turn: Condvar::new(),
        }
    }

    /// Waits for this caller's turn; the turn ends when the pass is dropped, however the
    /// work ended.
    pub fn enter(&self) -> Pass<'_> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let ticket = state.issued;
        state.issued += 1;
        // Tickets below `left + slots` are in: at most `slots` of them have not left.
        while ticket >= state.left + self.slots {
            state = self.turn.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        Pass(self)
    }
}

/// One admitted holder.
pub struct Pass<'a>(&'a Gate);

impl Drop for Pass<'_> {
    fn drop(&mut self) {
        self.0.state.lock().unwrap_or_else(|e| e.into_inner()).left += 1;
        // Every waiter checks its ticket; only the next one in line goes in.
        self.0.turn.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    /// Fills a gate of `slots` with holders, queues eight callers one after another, lets
    /// them through; returns the most inside at once and the order they went in.
    fn queue_through(slots: usize) -> (usize, Vec<usize>) {
        let gate = Arc::new(Gate::new(slots));
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let order = Arc::new(Mutex::new(Vec::new()));
        let holders: Vec<Pass> = (0..slots).map(|_| gate.enter()).collect();
        let mut threads = Vec::new();
        for i in 0..8 {
            let (shared, inside, most, order) =
                (gate.clone(), inside.clone(), most.clone(), order.clone());
            threads.push(std::thread::spawn(move || {
                let _pass = shared.enter();
                let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                order.lock().unwrap().push(i);
                std::thread::sleep(Duration::from_millis(5));
                inside.fetch_sub(1, Ordering::SeqCst);
            }));
            // This caller holds its ticket before the next one asks.
            while gate.state.lock().unwrap().issued < (slots + i + 1) as u64 {
                std::thread::yield_now();
            }
        }
        drop(holders);
        for t in threads {
            t.join().unwrap();
        }
        let order = order.lock().unwrap().clone();
        (most.load(Ordering::SeqCst), order)
    }

    #[test]
    fn waiters_go_in_the_order_they_came() {
        assert_eq!(queue_through(1), (1, (0..8).collect()));
    }

    #[test]
    fn never_more_inside_than_its_slots() {
        let (most, order) = queue_through(2);
        assert!(most <= 2 && order.len() == 8, "{most} {order:?}");
    }
}
