//! [`prefetch`]: the crate's one `unsafe` block, the x86-64 prefetch hint, used by the
//! store's batched lookups and by graph building (see ARCHITECTURE.md for the measurements).

/// Asks the processor to fetch `value`'s cache line, without waiting for it. Unlike a
/// load, the instruction is done at once, so a loop of them runs ahead of the memory and
/// keeps many fetches in flight. A hint only: elsewhere than on x86-64 it does nothing.
#[inline(always)]
pub fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch cannot fault and changes no memory the program sees; this one is
    // of a live reference. (SSE, which it needs, is part of every x86-64 processor.)
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>((value as *const T).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}
