//! How the reader's large entity storage meets the kernel: huge pages for it, and population ahead of the
//! builder by a helper thread.
//!
//! A large drawing's entities are one dense array written once from front to back (and, in a split read,
//! a few runs of such arrays). Every fresh 4 KiB page of it costs a page fault on first write; on this
//! project's benchmark machine (a VM) that is about 1.9 µs a page, some 30 ms for the 63 MB a 320 000-entity
//! drawing writes, where the whole read takes about 40. So large storage asks for transparent huge pages
//! ([`entity_storage`]: one fault per 2 MiB where the kernel has them, measured 4.5 times cheaper per byte)
//! and a helper thread can populate it ahead of the builder ([`Prefault`]). Neither changes a byte the
//! program can see: both are advice on addresses, never reads or writes through them.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::model::Entity;

/// Entity storage at least this large asks for huge pages: smaller storage would round its resident size
/// up to a 2 MiB page for little gain (and small drawings are read in a few milliseconds anyway).
const HUGE_PAGES_FROM: usize = 4 << 20;

/// Room for `capacity` entities; when that is [`HUGE_PAGES_FROM`] or more, advised to be backed by
/// transparent huge pages (`MADV_HUGEPAGE`: the kernel uses them where it has them free and falls back to
/// small pages otherwise; only the storage's whole 2 MiB-aligned blocks can use them).
pub(super) fn entity_storage(capacity: usize) -> Vec<Entity> {
    let storage: Vec<Entity> = Vec::with_capacity(capacity);
    let bytes = storage.capacity().saturating_mul(size_of::<Entity>());
    if bytes >= HUGE_PAGES_FROM {
        advise_huge_pages(storage.as_ptr().addr(), bytes);
    }
    storage
}

/// How far past the builder's last entity the tokenizer thread keeps the model's storage faulted in: about
/// 7 000 entities, twenty-odd batches of work for the builder, so it never meets a page not yet there; the
/// tokenizer tops the window up when less than half of it is left, one system call per half window.
const PREFAULT_AHEAD: usize = 1 << 20;

/// Memory the builder is about to fill in order (the model-space entities' reserved storage, `len` bytes
/// from address `base`), and how much it has filled (`filled`, bytes, published by the builder).
///
/// Why: the first write to each fresh page of that storage is a page fault, and for a large drawing those
/// faults (about 11 000 for the benchmark's 320 000 entities, a kernel trap and a page zeroed each) were a
/// quarter of the builder thread's time, while the tokenizer thread, the faster side, sat idle. Here the
/// tokenizer thread asks the kernel to populate the pages a window ahead of the builder
/// (`MADV_POPULATE_WRITE`, which maps zeroed pages without changing a byte the program can see), so the
/// builder writes to pages already there. Only addresses are kept: nothing is read or written through
/// them, so a stale range (the storage regrown elsewhere or freed) costs at most some useless population.
pub(super) struct Prefault {
    base: usize,
    len: usize,
    filled: Arc<AtomicUsize>,
    /// Bytes from `base` populated so far (`len` once done, or once the kernel refused).
    done: usize,
}

impl Prefault {
    pub fn new(base: usize, len: usize, filled: Arc<AtomicUsize>) -> Prefault {
        Prefault { base, len, filled, done: 0 }
    }

    /// Tops the populated window up to [`PREFAULT_AHEAD`] past the builder when less than half is left.
    pub(super) fn advance(&mut self) {
        self.advance_by(PREFAULT_AHEAD);
    }

    /// Tops the populated window up to `window` bytes past the builder when less than half is left.
    pub(super) fn advance_by(&mut self, window: usize) {
        let filled = self.filled.load(Ordering::Relaxed);
        if self.done >= self.len || filled.saturating_add(window / 2) < self.done {
            return;
        }
        let target = filled.saturating_add(window).min(self.len);
        let from = self.done.max(filled);
        if target > from && !populate_for_writing(self.base.saturating_add(from), target - from) {
            // Not supported here (kernels before 5.14, other systems): the builder faults its own pages.
            self.done = self.len;
            return;
        }
        self.done = target;
    }
}

/// Asks the kernel to map the pages of `len` bytes from address `addr` writable now; false if it refused.
#[cfg(target_os = "linux")]
fn populate_for_writing(addr: usize, len: usize) -> bool {
    // SAFETY: `sysconf` only reads a process constant.
    let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(0);
    if !page.is_power_of_two() {
        return false;
    }
    let start = addr & !(page - 1);
    let Some(len) = (addr - start).checked_add(len) else {
        return false;
    };
    // SAFETY: MADV_POPULATE_WRITE changes no memory contents: it maps a zeroed page where the process has
    // none yet (a page never written reads as zero anyway) and leaves mapped pages alone, and the kernel
    // serialises it with the builder's own faults on the same pages. An address that is no longer mapped
    // writable is refused (ENOMEM, EFAULT), not touched; the pointer is never dereferenced by Rust.
    unsafe { libc::madvise(start as *mut libc::c_void, len, libc::MADV_POPULATE_WRITE) == 0 }
}

#[cfg(not(target_os = "linux"))]
fn populate_for_writing(_addr: usize, _len: usize) -> bool {
    false
}

/// Asks the kernel to back the whole pages of `len` bytes from `addr` with transparent huge pages; false if
/// it refused (no THP support, or `never` in its settings), which changes nothing else.
#[cfg(target_os = "linux")]
fn advise_huge_pages(addr: usize, len: usize) -> bool {
    // SAFETY: `sysconf` only reads a process constant.
    let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(0);
    if !page.is_power_of_two() {
        return false;
    }
    // Only whole pages inside the range: advice on a page shared with other data would apply to it too.
    let Some(start) = addr.checked_next_multiple_of(page) else {
        return false;
    };
    let end = addr.saturating_add(len) & !(page - 1);
    if end <= start {
        return false;
    }
    // SAFETY: MADV_HUGEPAGE changes no memory contents and no mapping the program relies on: it only lets
    // the kernel back these pages (all inside storage this process allocated) with 2 MiB pages. The
    // pointer is never dereferenced by Rust.
    unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE) == 0 }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge_pages(_addr: usize, _len: usize) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn prefault_keeps_a_window_ahead_of_the_builder_and_stops_at_the_storage_end() {
        // One and a half windows of storage, never written by the test (population changes no contents).
        let storage: Vec<u64> = Vec::with_capacity(3 * PREFAULT_AHEAD / 16);
        let len = storage.capacity() * size_of::<u64>();
        let filled = Arc::new(AtomicUsize::new(0));
        let mut p = Prefault::new(storage.as_ptr().addr(), len, Arc::clone(&filled));
        p.advance();
        assert_eq!(p.done, PREFAULT_AHEAD);
        // More than half a window still ahead of the builder: no system call.
        filled.store(PREFAULT_AHEAD / 4, Ordering::Relaxed);
        p.advance();
        assert_eq!(p.done, PREFAULT_AHEAD);
        // Less than half left: topped up, but never past the storage.
        filled.store(PREFAULT_AHEAD * 3 / 4, Ordering::Relaxed);
        p.advance();
        assert_eq!(p.done, len);
        assert!(storage.is_empty());
    }

    #[test]
    fn prefault_of_an_unmapped_range_gives_up_quietly() {
        // Address 0 is never mapped: the kernel refuses and the tokenizer stops asking.
        let mut p = Prefault::new(0, 1 << 16, Arc::new(AtomicUsize::new(0)));
        p.advance();
        assert_eq!(p.done, 1 << 16);
        assert!(!populate_for_writing(0, 4096));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn large_entity_storage_asks_for_huge_pages_and_small_storage_does_not() {
        let large = entity_storage(HUGE_PAGES_FROM / size_of::<Entity>() + 1);
        let small = entity_storage(16);
        let advice = |v: &Vec<Entity>| {
            let start = v.as_ptr().addr();
            let end = start + v.capacity() * size_of::<Entity>();
            std::fs::read_to_string("/proc/self/smaps").ok().and_then(|smaps| thp_flag_of(&smaps, start, end))
        };
        // Where the kernel has THP at all (the `hg` flag in VmFlags marks the advice).
        if std::path::Path::new("/sys/kernel/mm/transparent_hugepage/enabled").exists() {
            assert_eq!(advice(&large), Some(true), "the large storage carries MADV_HUGEPAGE");
            assert_ne!(advice(&small), Some(true), "small storage is left alone");
        }
        // Unmapped addresses are refused quietly.
        assert!(!advise_huge_pages(0, 1 << 21));
        assert!(!advise_huge_pages(4096 + 1, 100), "no whole page inside: nothing asked");
    }

    /// Whether the mapping of /proc/self/smaps holding `[start, end)` has the huge-page advice (`hg`).
    fn thp_flag_of(smaps: &str, start: usize, end: usize) -> Option<bool> {
        let mut inside = false;
        for line in smaps.lines() {
            let range = line.split_whitespace().next().unwrap_or_default();
            if let Some((a, b)) = range.split_once('-').filter(|_| !line.starts_with("VmFlags")) {
                if let (Ok(a), Ok(b)) = (usize::from_str_radix(a, 16), usize::from_str_radix(b, 16)) {
                    // The mapping holding the storage's middle: the advised part of it is a mapping of its own.
                    let mid = start + (end - start) / 2;
                    inside = a <= mid && mid < b;
                    continue;
                }
            }
            if inside {
                if let Some(flags) = line.strip_prefix("VmFlags:") {
                    return Some(flags.split_whitespace().any(|f| f == "hg"));
                }
            }
        }
        None
    }
}
