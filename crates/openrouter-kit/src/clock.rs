//! Deadlines from caller-given durations: a duration past what the clock can hold
//! (`Duration::MAX`, "wait forever") is no deadline at all, never an overflow panic.

use std::time::Duration;

use tokio::time::Instant;

/// `now + after`, or `None` when that is past what the clock can hold.
pub(crate) fn deadline(after: Duration) -> Option<Instant> {
    Instant::now().checked_add(after)
}

/// Whether waiting `interval` more still ends before `deadline` (`None`: there is none).
pub(crate) fn fits(deadline: Option<Instant>, interval: Duration) -> bool {
    match (deadline, Instant::now().checked_add(interval)) {
        (None, Some(_)) => true,
        (Some(d), Some(after)) => after < d,
        (_, None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endless_duration_is_no_deadline_and_an_endless_interval_never_fits() {
        assert!(deadline(Duration::MAX).is_none());
        assert!(fits(deadline(Duration::MAX), Duration::from_secs(3600)));
        assert!(!fits(None, Duration::MAX));
        assert!(!fits(deadline(Duration::from_millis(10)), Duration::from_secs(1)));
        assert!(fits(deadline(Duration::from_secs(10)), Duration::from_millis(1)));
    }
}
