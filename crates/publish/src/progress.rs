//! A progress bar on stderr for people watching a build; hidden for cron
//! and pipes, where the log says what happened.

pub(crate) struct Progress(indicatif::ProgressBar);

impl Progress {
    pub(crate) fn new(show: bool, steps: u64) -> Progress {
        if !show {
            return Progress(indicatif::ProgressBar::hidden());
        }
        let bar = indicatif::ProgressBar::new(steps);
        if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}") {
            bar.set_style(style);
        }
        Progress(bar)
    }

    /// One step done; `next` says what comes next (empty: unchanged).
    pub(crate) fn step(&self, next: &str) {
        if !next.is_empty() {
            self.0.set_message(next.to_string());
        }
        self.0.inc(1);
    }

    pub(crate) fn finish(&self) {
        self.0.finish_and_clear();
    }
}
