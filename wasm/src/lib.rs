//! zmq_wasm: the hot paths of zmq-ts for WebAssembly, with a C ABI over
//! linear memory. This file holds the export list and nothing else; see
//! ABI.md for every export's arguments, results and ownership rules.

#![no_std]

mod abi;
mod alloc;
mod codec;
mod mtrie;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

// Memory.

#[no_mangle]
pub unsafe extern "C" fn zmq_alloc(size: usize) -> *mut u8 {
    alloc::alloc(size)
}

#[no_mangle]
pub unsafe extern "C" fn zmq_free(ptr: *mut u8, size: usize) {
    alloc::free(ptr, size)
}

#[no_mangle]
pub extern "C" fn zmq_heap_used() -> usize {
    alloc::used()
}

// Frame decoder.

#[no_mangle]
pub unsafe extern "C" fn zmq_decoder_new(max_size: f64, strict: i32) -> *mut i32 {
    codec::decoder_new(max_size, strict)
}

#[no_mangle]
pub unsafe extern "C" fn zmq_decoder_free(decoder: *mut i32) {
    codec::decoder_free(decoder)
}

#[no_mangle]
pub unsafe extern "C" fn zmq_decoder_feed(decoder: *mut i32, input: *const u8, len: i32, avail: i32) -> i32 {
    codec::decoder_feed(decoder, input, len, avail)
}

#[no_mangle]
pub unsafe extern "C" fn zmq_decoder_skip(decoder: *mut i32, n: i32) -> i32 {
    codec::decoder_skip(decoder, n)
}

// Frame encoder.

#[no_mangle]
pub unsafe extern "C" fn zmq_encoder_new() -> *mut i32 {
    codec::encoder_new()
}

#[no_mangle]
pub unsafe extern "C" fn zmq_encoder_free(encoder: *mut i32) {
    codec::encoder_free(encoder)
}

#[no_mangle]
pub unsafe extern "C" fn zmq_encoder_encode(encoder: *mut i32, count: i32) -> i32 {
    codec::encoder_encode(encoder, count)
}

// Subscription multi-trie.

#[no_mangle]
pub unsafe extern "C" fn zmq_mtrie_new() -> *mut mtrie::Trie {
    mtrie::new()
}

#[no_mangle]
pub unsafe extern "C" fn zmq_mtrie_free(trie: *mut mtrie::Trie) {
    mtrie::free(trie)
}

#[no_mangle]
pub unsafe extern "C" fn zmq_mtrie_add(trie: *mut mtrie::Trie, prefix: *const u8, len: i32, peer: i32) -> i32 {
    mtrie::add(trie, prefix, len, peer)
}

#[no_mangle]
pub unsafe extern "C" fn zmq_mtrie_remove(trie: *mut mtrie::Trie, prefix: *const u8, len: i32, peer: i32) -> i32 {
    mtrie::remove(trie, prefix, len, peer)
}

#[no_mangle]
pub unsafe extern "C" fn zmq_mtrie_remove_peer(trie: *mut mtrie::Trie, peer: i32) -> i32 {
    mtrie::remove_peer(trie, peer)
}

#[no_mangle]
pub unsafe extern "C" fn zmq_mtrie_match(trie: *mut mtrie::Trie, data: *const u8, len: i32) -> i32 {
    mtrie::match_data(trie, data, len)
}

#[no_mangle]
pub unsafe extern "C" fn zmq_mtrie_size(trie: *mut mtrie::Trie) -> i32 {
    mtrie::size(trie)
}

#[no_mangle]
pub unsafe extern "C" fn zmq_mtrie_output(trie: *mut mtrie::Trie) -> *mut u8 {
    mtrie::output(trie)
}
