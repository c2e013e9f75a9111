//! When a failed delivery is tried again (api.md §6): after 2 s, 4 s and 8 s as the hosted service does,
//! then with exponential back-off and jitter, until the retry window (counted from the event) is spent.

/// Waits after the first, second and third failed attempt.
const FIRST_MS: [i64; 3] = [2_000, 4_000, 8_000];
/// The longest wait between two attempts: a receiver that comes back is noticed within the hour even late
/// in a 24 h window.
const MAX_DELAY_MS: i64 = 3_600_000;

/// When to try again after `attempts` failed attempts (≥ 1) of an event made at `created_at`, or `None`
/// when that would fall outside `window_ms` (give up). `jitter` is a random number: from the fourth
/// attempt on, the wait is drawn between half and all of the exponential step, so receivers that failed
/// together do not get their retries together.
pub fn retry_at(attempts: i64, now: i64, created_at: i64, window_ms: i64, jitter: u64) -> Option<i64> {
    let delay = match usize::try_from(attempts.saturating_sub(1)).ok().and_then(|i| FIRST_MS.get(i)) {
        Some(&d) => d,
        None => {
            let doublings = u32::try_from(attempts.saturating_sub(3)).unwrap_or(u32::MAX).min(20);
            let step = FIRST_MS[2].saturating_mul(1i64 << doublings).min(MAX_DELAY_MS);
            let half = step / 2;
            half + i64::try_from(jitter % u64::try_from(half + 1).unwrap_or(1)).unwrap_or(0)
        }
    };
    let at = now.saturating_add(delay);
    (at <= created_at.saturating_add(window_ms)).then_some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    #[test]
    fn the_first_three_retries_follow_the_hosted_schedule() {
        assert_eq!(retry_at(1, 1_000, 1_000, DAY, 12345), Some(3_000));
        assert_eq!(retry_at(2, 3_000, 1_000, DAY, 12345), Some(7_000));
        assert_eq!(retry_at(3, 7_000, 1_000, DAY, 12345), Some(15_000));
    }

    #[test]
    fn later_retries_back_off_exponentially_within_the_jitter_band() {
        // Fourth failure: step 16 s, drawn from 8..=16 s.
        assert_eq!(retry_at(4, 0, 0, DAY, 0), Some(8_000));
        assert_eq!(retry_at(4, 0, 0, DAY, 8_000), Some(16_000));
        assert_eq!(retry_at(4, 0, 0, DAY, 8_001), Some(8_000));
        // Fifth: step 32 s.
        assert_eq!(retry_at(5, 0, 0, DAY, 0), Some(16_000));
        // Far on, the step stops at one hour.
        assert_eq!(retry_at(40, 0, 0, DAY, u64::MAX), Some(MAX_DELAY_MS / 2 + (u64::MAX % 1_800_001) as i64));
        assert!(retry_at(40, 0, 0, DAY, 7).is_some_and(|t| (1_800_000..=3_600_000).contains(&t)));
    }

    #[test]
    fn nothing_is_scheduled_past_the_window() {
        // Window 5 s: the 2 s retry fits, the 4 s one after it (at 6 s) does not.
        assert_eq!(retry_at(1, 0, 0, 5_000, 0), Some(2_000));
        assert_eq!(retry_at(2, 2_000, 0, 5_000, 0), None);
        assert_eq!(retry_at(1, 0, 0, 0, 0), None);
    }
}
