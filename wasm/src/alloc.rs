//! A small size-class allocator over linear memory.
//!
//! Blocks are powers of two from 16 bytes up. Freed blocks go to a free list
//! per class and are reused by the next allocation of that class; new blocks
//! come from a bump pointer that grows memory as needed. Memory is never
//! returned to the host (WebAssembly memory cannot shrink). `used()` reports
//! the bytes held by live blocks so tests can check that frees balance allocs.

use core::arch::wasm32;

const MIN_CLASS: usize = 4; // 16 bytes
const CLASSES: usize = 32;
const PAGE: usize = 65536;

static mut FREE: [usize; CLASSES] = [0; CLASSES];
static mut BUMP: usize = 0;
static mut END: usize = 0;
static mut USED: usize = 0;

extern "C" {
    static __heap_base: u8;
}

/// The size class (log2 of the block size) for `size` bytes, or None when too large.
#[inline]
fn class_of(size: usize) -> Option<usize> {
    if size <= 1 << MIN_CLASS {
        return Some(MIN_CLASS);
    }
    if size > 1 << 31 {
        return None;
    }
    Some((usize::BITS - (size - 1).leading_zeros()) as usize)
}

/// Allocates a block of at least `size` bytes, aligned to 16; null when memory cannot grow.
pub unsafe fn alloc(size: usize) -> *mut u8 {
    let class = match class_of(size) {
        Some(c) => c,
        None => return core::ptr::null_mut(),
    };
    let block = 1usize << class;
    let head = FREE[class];
    if head != 0 {
        FREE[class] = *(head as *const usize);
        USED += block;
        return head as *mut u8;
    }
    if BUMP == 0 {
        BUMP = (&__heap_base as *const u8 as usize + 15) & !15;
        END = wasm32::memory_size(0) * PAGE;
    }
    let end = match BUMP.checked_add(block) {
        Some(e) => e,
        None => return core::ptr::null_mut(),
    };
    if end > END {
        let pages = (end - END + PAGE - 1) / PAGE;
        if wasm32::memory_grow(0, pages) == usize::MAX {
            return core::ptr::null_mut();
        }
        END += pages * PAGE;
    }
    let ptr = BUMP;
    BUMP = end;
    USED += block;
    ptr as *mut u8
}

/// Allocates like `alloc` and zero-fills the block's first `size` bytes.
pub unsafe fn alloc_zeroed(size: usize) -> *mut u8 {
    let p = alloc(size);
    if !p.is_null() {
        core::ptr::write_bytes(p, 0, size);
    }
    p
}

/// Frees a block that `alloc` returned for the same `size`.
pub unsafe fn free(ptr: *mut u8, size: usize) {
    if ptr.is_null() {
        return;
    }
    if let Some(class) = class_of(size) {
        *(ptr as *mut usize) = FREE[class];
        FREE[class] = ptr as usize;
        USED -= 1usize << class;
    }
}

/// Resizes a block, keeping its first `min(old, new)` bytes; null (and the old block kept) on failure.
pub unsafe fn realloc(ptr: *mut u8, old: usize, new: usize) -> *mut u8 {
    if !ptr.is_null() && class_of(old) == class_of(new) {
        return ptr;
    }
    let p = alloc(new);
    if p.is_null() {
        return p;
    }
    if !ptr.is_null() {
        core::ptr::copy_nonoverlapping(ptr, p, if old < new { old } else { new });
        free(ptr, old);
    }
    p
}

/// Bytes held by live blocks (block sizes, not requested sizes).
pub fn used() -> usize {
    unsafe { USED }
}
