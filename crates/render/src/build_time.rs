//! When a bundle was built, as its files record it.

/// When the build happened: `SOURCE_DATE_EPOCH` when set (reproducible
/// builds), otherwise now.
#[derive(Debug, Clone)]
pub struct BuildTime {
    pub epoch: i64,
    pub text: String,
}

impl BuildTime {
    pub fn from_environment() -> BuildTime {
        let epoch = std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|text| text.trim().parse::<i64>().ok())
            .unwrap_or_else(|| chrono::Utc::now().timestamp());
        BuildTime::at(epoch)
    }

    pub fn at(epoch: i64) -> BuildTime {
        let text = chrono::DateTime::from_timestamp(epoch, 0)
            .map(|time| time.format("%-d %B %Y %H:%M UTC").to_string())
            .unwrap_or_default();
        BuildTime { epoch, text }
    }
}
