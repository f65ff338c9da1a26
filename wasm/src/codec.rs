//! The ZMTP 3.x frame codec: a header scanner that fills a frame table, and a
//! batch encoder that lays frames out in place.
//!
//! Decoder. `feed` scans input bytes in linear memory and writes one table
//! entry (offset, length, reported flags) per whole frame, checking each
//! header exactly as `checkFrameHeader` in `src/codec/js.ts` does. A header
//! split across inputs is held in the decoder. When a frame's body runs past
//! the input, the decoder enters the body state and stops: the caller takes
//! the body bytes from wherever they already are (usually its own chunk, so
//! large bodies never pass through linear memory) and reports them with
//! `skip`. Bodies are never buffered here, so linear memory never has to grow
//! for a large frame.
//!
//! Encoder. The caller stages small bodies back to back at the start of the
//! batch buffer and describes every frame in the entry table; `encode` then
//! inserts the headers, moving the bodies right in place (last frame first, so
//! nothing is overwritten before it has moved). Entries marked external have
//! no staged body: only their header is written and the caller sends the body
//! itself, uncopied.

use crate::abi::*;
use crate::alloc;

const FLAG_MORE: u8 = 0x01;
const FLAG_LONG: u8 = 0x02;
const FLAG_COMMAND: u8 = 0x04;
const FLAGS_KNOWN: u8 = FLAG_MORE | FLAG_LONG | FLAG_COMMAND;
const SHORT_FRAME_MAX: u32 = 255;

const DEC_BYTES: usize = DEC_WORDS as usize * 4;
const ENC_TABLE_BYTES: usize = ENC_TABLE_CAPACITY as usize * 8;

#[inline(always)]
unsafe fn word(d: *mut i32, index: i32) -> *mut i32 {
    d.add(index as usize)
}

/// Makes a decoder; `max_size` < 0 means no limit beyond FRAME_SIZE_LIMIT. Null when out of memory.
pub unsafe fn decoder_new(max_size: f64, strict: i32) -> *mut i32 {
    let d = alloc::alloc_zeroed(DEC_BYTES) as *mut i32;
    if d.is_null() {
        return d;
    }
    *word(d, DEC_STRICT) = (strict != 0) as i32;
    *(word(d, DEC_MAX_SIZE) as *mut f64) = max_size;
    d
}

pub unsafe fn decoder_free(d: *mut i32) {
    alloc::free(d as *mut u8, DEC_BYTES);
}

/// Checks a complete header; returns the reported flags or a negative error code.
#[inline(always)]
unsafe fn check(d: *mut i32, flags: u8, size: u64) -> i32 {
    let strict = *word(d, DEC_STRICT) != 0;
    let max = *(word(d, DEC_MAX_SIZE) as *const f64);
    let code = if strict && flags & !FLAGS_KNOWN != 0 {
        ERR_RESERVED_FLAGS
    } else if strict && flags & FLAG_COMMAND != 0 && flags & FLAG_MORE != 0 {
        ERR_COMMAND_MORE
    } else if size > FRAME_SIZE_LIMIT as u64 {
        ERR_FRAME_LIMIT
    } else if max >= 0.0 && size as f64 > max {
        ERR_MAX_SIZE
    } else {
        return (flags & (FLAG_MORE | FLAG_COMMAND)) as i32;
    };
    *word(d, DEC_STATE) = STATE_FAILED;
    *word(d, DEC_ERROR) = code;
    *word(d, DEC_ERROR_FLAGS) = flags as i32;
    *word(d, DEC_ERROR_SIZE_HIGH) = (size >> 32) as i32;
    *word(d, DEC_ERROR_SIZE_LOW) = size as u32 as i32;
    *word(d, DEC_HEADER_LENGTH) = 0;
    code
}

#[inline(always)]
unsafe fn read_long_size(p: *const u8) -> u64 {
    u64::from_be_bytes(core::ptr::read_unaligned(p as *const [u8; 8]))
}

/// Scans `len` bytes at `input`, of which the caller's chunk holds `avail` (>= `len`):
/// a frame whose body ends within `avail` is reported whole even if it runs past `len`,
/// and the scan stops after it. Returns OK or a negative code; see ABI.md.
pub unsafe fn decoder_feed(d: *mut i32, input: *const u8, len: i32, avail: i32) -> i32 {
    *word(d, DEC_COUNT) = 0;
    *word(d, DEC_CONSUMED) = 0;
    let state = *word(d, DEC_STATE);
    if state == STATE_FAILED {
        return *word(d, DEC_ERROR);
    }
    if state == STATE_BODY {
        return ERR_STATE;
    }
    if len < 0 || avail < len {
        return ERR_ARGUMENT;
    }
    let end = len as usize;
    let avail = avail as usize;
    let table = word(d, DEC_TABLE) as *mut u32;
    let header = word(d, DEC_HEADER) as *mut u8;
    let mut count = 0usize;
    let mut pos = 0usize;

    let held = *word(d, DEC_HEADER_LENGTH) as usize;
    if held > 0 {
        // Complete a header split across inputs.
        let need = if *header & FLAG_LONG == 0 { 2 } else { 9 };
        let take = core::cmp::min(need - held, end);
        core::ptr::copy_nonoverlapping(input, header.add(held), take);
        if held + take < need {
            *word(d, DEC_HEADER_LENGTH) = (held + take) as i32;
            *word(d, DEC_CONSUMED) = len;
            return OK;
        }
        *word(d, DEC_HEADER_LENGTH) = 0;
        pos = take;
        let flags = *header;
        let size = if need == 2 { *header.add(1) as u64 } else { read_long_size(header.add(1)) };
        let reported = check(d, flags, size);
        if reported < 0 {
            return reported;
        }
        let size = size as usize;
        if size > avail - pos {
            return enter_body(d, pos, end, size, reported, count);
        }
        *table = pos as u32;
        *table.add(1) = size as u32;
        *table.add(2) = reported as u32;
        count = 1;
        pos += size;
        if pos > end {
            return skipped_past(d, pos, count);
        }
    }

    let cap = DEC_TABLE_CAPACITY as usize;
    while pos < end {
        if count == cap {
            *word(d, DEC_COUNT) = count as i32;
            *word(d, DEC_CONSUMED) = pos as i32;
            return OK;
        }
        let flags = *input.add(pos);
        let size: u64;
        let body: usize;
        if flags & FLAG_LONG == 0 {
            if end - pos < 2 {
                break;
            }
            size = *input.add(pos + 1) as u64;
            body = pos + 2;
        } else {
            if end - pos < 9 {
                break;
            }
            size = read_long_size(input.add(pos + 1));
            body = pos + 9;
        }
        let reported = check(d, flags, size);
        if reported < 0 {
            *word(d, DEC_COUNT) = count as i32;
            *word(d, DEC_CONSUMED) = pos as i32;
            return reported;
        }
        let size = size as usize;
        if size > avail - body {
            return enter_body(d, body, end, size, reported, count);
        }
        let e = table.add(count * 3);
        *e = body as u32;
        *e.add(1) = size as u32;
        *e.add(2) = reported as u32;
        count += 1;
        pos = body + size;
        if pos > end {
            return skipped_past(d, pos, count);
        }
    }
    if pos < end {
        core::ptr::copy_nonoverlapping(input.add(pos), header, end - pos);
        *word(d, DEC_HEADER_LENGTH) = (end - pos) as i32;
    }
    *word(d, DEC_COUNT) = count as i32;
    *word(d, DEC_CONSUMED) = len;
    OK
}

/// A whole frame ran past the scanned bytes (but not past the caller's chunk): stop after it.
#[inline(always)]
unsafe fn skipped_past(d: *mut i32, pos: usize, count: usize) -> i32 {
    *word(d, DEC_COUNT) = count as i32;
    *word(d, DEC_CONSUMED) = pos as i32;
    OK
}

#[inline(always)]
unsafe fn enter_body(d: *mut i32, start: usize, end: usize, size: usize, reported: i32, count: usize) -> i32 {
    *word(d, DEC_STATE) = STATE_BODY;
    *word(d, DEC_BODY_START) = start as i32;
    *word(d, DEC_BODY_SIZE) = size as i32;
    *word(d, DEC_BODY_FLAGS) = reported;
    *word(d, DEC_BODY_REMAINING) = (size - (end - start)) as i32;
    *word(d, DEC_COUNT) = count as i32;
    *word(d, DEC_CONSUMED) = end as i32;
    OK
}

/// Accounts for `n` body bytes the caller consumed; returns the bytes still pending or a negative code.
pub unsafe fn decoder_skip(d: *mut i32, n: i32) -> i32 {
    if *word(d, DEC_STATE) != STATE_BODY {
        return ERR_STATE;
    }
    let remaining = *word(d, DEC_BODY_REMAINING);
    if n < 0 || n > remaining {
        return ERR_ARGUMENT;
    }
    let left = remaining - n;
    *word(d, DEC_BODY_REMAINING) = left;
    if left == 0 {
        *word(d, DEC_STATE) = STATE_HEADER;
    }
    left
}

/// Makes an encoder with its batch buffer and entry table. Null when out of memory.
pub unsafe fn encoder_new() -> *mut i32 {
    let e = alloc::alloc_zeroed(ENC_WORDS as usize * 4) as *mut i32;
    if e.is_null() {
        return e;
    }
    let buffer = alloc::alloc(ENC_BUFFER_SIZE as usize);
    let table = alloc::alloc(ENC_TABLE_BYTES);
    if buffer.is_null() || table.is_null() {
        alloc::free(buffer, ENC_BUFFER_SIZE as usize);
        alloc::free(table, ENC_TABLE_BYTES);
        alloc::free(e as *mut u8, ENC_WORDS as usize * 4);
        return core::ptr::null_mut();
    }
    *word(e, ENC_BUFFER) = buffer as i32;
    *word(e, ENC_TABLE) = table as i32;
    e
}

pub unsafe fn encoder_free(e: *mut i32) {
    alloc::free(*word(e, ENC_BUFFER) as *mut u8, ENC_BUFFER_SIZE as usize);
    alloc::free(*word(e, ENC_TABLE) as *mut u8, ENC_TABLE_BYTES);
    alloc::free(e as *mut u8, ENC_WORDS as usize * 4);
}

#[inline(always)]
fn header_size(n: u32) -> usize {
    if n > SHORT_FRAME_MAX {
        9
    } else {
        2
    }
}

/// Encodes `count` staged entries in place; returns the encoded length or a negative code.
pub unsafe fn encoder_encode(e: *mut i32, count: i32) -> i32 {
    if count < 0 || count > ENC_TABLE_CAPACITY {
        return ERR_ARGUMENT;
    }
    let buf = *word(e, ENC_BUFFER) as *mut u8;
    let table = *word(e, ENC_TABLE) as *mut u32;
    let count = count as usize;
    // Forward pass: where the staged bodies end and where the output ends.
    let mut staged = 0usize;
    let mut total = 0usize;
    for i in 0..count {
        let n = *table.add(2 * i);
        let external = *table.add(2 * i + 1) & ENC_EXTERNAL as u32 != 0;
        let body = if external { 0 } else { n as usize };
        staged += body;
        total += header_size(n) + body;
    }
    if total > ENC_BUFFER_SIZE as usize {
        return ERR_ARGUMENT;
    }
    // Backward pass: move each body to its final place, then write its header before it.
    let mut src_end = staged;
    let mut dst_end = total;
    let mut i = count;
    while i > 0 {
        i -= 1;
        let n = *table.add(2 * i);
        let flags_word = *table.add(2 * i + 1);
        let external = flags_word & ENC_EXTERNAL as u32 != 0;
        let flags = (flags_word & 0xff) as u8;
        let body = if external { 0 } else { n as usize };
        let src = src_end - body;
        let dst = dst_end - body;
        if body > 0 && dst != src {
            core::ptr::copy(buf.add(src), buf.add(dst), body);
        }
        let h = header_size(n);
        let at = buf.add(dst - h);
        if h == 2 {
            *at = flags;
            *at.add(1) = n as u8;
        } else {
            *at = flags | FLAG_LONG;
            core::ptr::write_unaligned(at.add(1) as *mut [u8; 8], (n as u64).to_be_bytes());
        }
        if external {
            *table.add(2 * i + 1) = dst as u32;
        }
        src_end = src;
        dst_end = dst - h;
    }
    total as i32
}
