//! Every number shared with TypeScript: status codes, decoder states and the
//! word layout of the structures TypeScript reads in linear memory.
//!
//! `src/wasm/instance.ts` mirrors each `pub const` below and
//! `tests/wasm_abi_test.ts` parses this file to compare them, so keep every
//! value a plain literal of type `i32`, one per line.

// Status codes returned by the exports. Negative values are errors.
/// Success.
pub const OK: i32 = 0;
/// Decoder: reserved flag bits are set and strict flags are on.
pub const ERR_RESERVED_FLAGS: i32 = -1;
/// Decoder: a command frame has MORE set and strict flags are on.
pub const ERR_COMMAND_MORE: i32 = -2;
/// Decoder: the frame is larger than FRAME_SIZE_LIMIT.
pub const ERR_FRAME_LIMIT: i32 = -3;
/// Decoder: the frame is larger than the decoder's maximum frame size.
pub const ERR_MAX_SIZE: i32 = -4;
/// The call does not fit the object's state (e.g. feed while a body is pending).
pub const ERR_STATE: i32 = -5;
/// An argument is out of range.
pub const ERR_ARGUMENT: i32 = -6;
/// Linear memory could not grow.
pub const ERR_NO_MEMORY: i32 = -7;

// Decoder states (word DEC_STATE).
/// Expecting a frame header (possibly part of one is held in DEC_HEADER).
pub const STATE_HEADER: i32 = 0;
/// A frame's body is pending; the caller consumes it and reports it with zmq_decoder_skip.
pub const STATE_BODY: i32 = 1;
/// A protocol error was found; every later feed returns the same code.
pub const STATE_FAILED: i32 = 2;

// Decoder layout: i32 word indexes from the decoder pointer.
/// Frame table entries written by the last feed.
pub const DEC_COUNT: i32 = 0;
/// Input bytes consumed by the last feed (less than the length only when the table filled up).
pub const DEC_CONSUMED: i32 = 1;
/// One of the STATE_* values.
pub const DEC_STATE: i32 = 2;
/// Offset in the last input where the pending body starts.
pub const DEC_BODY_START: i32 = 3;
/// Size of the pending body.
pub const DEC_BODY_SIZE: i32 = 4;
/// Reported flags (MORE, COMMAND) of the pending body.
pub const DEC_BODY_FLAGS: i32 = 5;
/// Bytes of the pending body that were not in the last input and not yet skipped.
pub const DEC_BODY_REMAINING: i32 = 6;
/// Bytes of an incomplete header held between feeds.
pub const DEC_HEADER_LENGTH: i32 = 7;
/// The sticky error code (0 while healthy).
pub const DEC_ERROR: i32 = 8;
/// Flags byte of the offending header.
pub const DEC_ERROR_FLAGS: i32 = 9;
/// High 32 bits of the offending frame size.
pub const DEC_ERROR_SIZE_HIGH: i32 = 10;
/// Low 32 bits of the offending frame size.
pub const DEC_ERROR_SIZE_LOW: i32 = 11;
/// 1 when reserved flag bits and MORE on commands are refused.
pub const DEC_STRICT: i32 = 12;
/// The maximum frame size as an f64 in words 14 and 15 (negative: no limit).
pub const DEC_MAX_SIZE: i32 = 14;
/// Up to 16 bytes of an incomplete header, in words 16 to 19.
pub const DEC_HEADER: i32 = 16;
/// First word of the frame table: entries of 3 words (offset in input, length, reported flags).
pub const DEC_TABLE: i32 = 20;
/// Entries in the frame table.
pub const DEC_TABLE_CAPACITY: i32 = 1024;
/// Words in a decoder: DEC_TABLE + 3 * DEC_TABLE_CAPACITY.
pub const DEC_WORDS: i32 = 3092;

// Encoder layout: i32 word indexes from the encoder pointer.
/// Pointer to the batch buffer: bodies are staged at its start, then encoded in place.
pub const ENC_BUFFER: i32 = 0;
/// Pointer to the entry table: 2 words per frame (length, flags).
pub const ENC_TABLE: i32 = 1;
/// Words in an encoder.
pub const ENC_WORDS: i32 = 2;
/// Bytes in the batch buffer: staged bodies plus their headers never exceed it.
pub const ENC_BUFFER_SIZE: i32 = 65536;
/// Entries in the encoder's table.
pub const ENC_TABLE_CAPACITY: i32 = 4096;
/// Entry flag: the body is not staged; the caller writes it after the header. On return
/// the entry's flags word holds the offset where that header ends.
pub const ENC_EXTERNAL: i32 = 256;

/// The largest frame body accepted (2^31 - 1), as in src/codec/codec.ts.
pub const FRAME_SIZE_LIMIT: i32 = 2147483647;

// Multi-trie results of zmq_mtrie_remove.
/// The (prefix, peer) pair was not there.
pub const RM_NOT_FOUND: i32 = 0;
/// The pair was removed and no peer holds the prefix any more.
pub const RM_LAST_VALUE_REMOVED: i32 = 1;
/// The pair was removed and other peers still hold the prefix.
pub const RM_VALUES_REMAIN: i32 = 2;
/// Peers are integers from 0 to MTRIE_PEER_LIMIT - 1 (the match marks are an array indexed by peer).
pub const MTRIE_PEER_LIMIT: i32 = 16777216;
