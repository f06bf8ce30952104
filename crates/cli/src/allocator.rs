//! The process's allocator. A CPU step allocates and frees the same large tensors every step: glibc
//! handed them back to the kernel and faulted them in again (a third of a step at 224 px, block2).
//! mimalloc keeps them, once its purging of freed memory is off: with mimalloc's default purge
//! delay a 224 px block8 run of 35 steps still took 6,600–10,800 page faults, against 960 without.

use std::os::raw::c_long;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc's option enum; `libmimalloc-sys` names only the stable
/// options, so the test below checks that this index is the purge delay by its default.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
const NEVER: c_long = -1;

/// Freed memory stays with the process for reuse: the peak is held during a run anyway.
pub fn keep_freed_memory() {
    // SAFETY: called first thing in `main`, before any other thread exists (mimalloc's options are
    // not synchronized); the option is a plain integer.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, NEVER) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_option_index_is_the_purge_delay() {
        // mimalloc v3's purge delay defaults to 1000 ms; no other option defaults to that value.
        // SAFETY: reading an option; this test binary's other tests do not set options.
        let default = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert_eq!(default, 1000);
    }
}
