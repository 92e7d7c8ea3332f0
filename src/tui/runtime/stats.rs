//! Counters the runtime keeps for the benchmark and the tests: frames drawn
//! and when the first one was done.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Stats {
    start: Instant,
    frames: AtomicU64,
    /// Nanoseconds from `start` to the end of the first frame; 0 = none yet.
    first_frame_ns: AtomicU64,
}

impl Default for Stats {
    fn default() -> Self {
        Stats::new()
    }
}

impl Stats {
    /// Starts the clock for "time to first frame".
    pub fn new() -> Stats {
        Stats {
            start: Instant::now(),
            frames: AtomicU64::new(0),
            first_frame_ns: AtomicU64::new(0),
        }
    }

    pub fn frame_drawn(&self) {
        if self.frames.fetch_add(1, Ordering::Relaxed) == 0 {
            let ns = u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX);
            self.first_frame_ns.store(ns.max(1), Ordering::Relaxed);
        }
    }

    pub fn frames(&self) -> u64 {
        self.frames.load(Ordering::Relaxed)
    }

    pub fn first_frame(&self) -> Option<Duration> {
        match self.first_frame_ns.load(Ordering::Relaxed) {
            0 => None,
            ns => Some(Duration::from_nanos(ns)),
        }
    }
}
