//! The worker's log: Rust's `log` macros routed to the browser console, and a stopwatch that
//! reports how long each stage of starting and running the engine took.

/// Routes `log` to the console once; later calls do nothing.
pub fn init() {
    let _ = console_log::init_with_level(log::Level::Info);
}

/// Milliseconds since the stopwatch started or last reported.
pub struct Stopwatch {
    last_ms: f64,
}

impl Stopwatch {
    pub fn start() -> Self {
        Self {
            last_ms: js_sys::Date::now(),
        }
    }

    /// Logs `stage` with the time since the previous report.
    pub fn lap(&mut self, stage: &str) {
        let now = js_sys::Date::now();
        log::info!("basis engine: {stage} in {:.0} ms", now - self.last_ms);
        self.last_ms = now;
    }
}
