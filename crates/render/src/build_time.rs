//! When a bundle was built, as its files record it.

/// When the build happened: `SOURCE_DATE_EPOCH` when set (reproducible
/// builds), otherwise now.
#[derive(Debug, Clone)]
pub struct BuildTime {
    /// Seconds since 1970.
    pub epoch: i64,
    /// The time in words, as the pages print it ("31 March 2026 00:00 UTC").
    pub text: String,
}

impl BuildTime {
    /// `SOURCE_DATE_EPOCH` when set, otherwise now.
    pub fn from_environment() -> BuildTime {
        let epoch = std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|text| text.trim().parse::<i64>().ok())
            .unwrap_or_else(|| chrono::Utc::now().timestamp());
        BuildTime::at(epoch)
    }

    /// The time `epoch` seconds after 1970.
    pub fn at(epoch: i64) -> BuildTime {
        let text = chrono::DateTime::from_timestamp(epoch, 0)
            .map(|time| time.format("%-d %B %Y %H:%M UTC").to_string())
            .unwrap_or_default();
        BuildTime { epoch, text }
    }
}
