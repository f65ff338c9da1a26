//! The subscription multi-trie of libzmq's `generic_mtrie_t`: for every
//! prefix, the set of peers subscribed to it.
//!
//! Each node holds a sorted array of peer ids and a table of children
//! covering the byte range `min .. min + count` (libzmq's layout: one array
//! index per byte, so matching is one bounds check and one load per byte).
//! Nodes with no peers and no children are freed as soon as they become so.
//!
//! Results are written to the trie's output buffer, which always holds at
//! least `4 * size` bytes, so `match_data` never allocates:
//! - `match_data`: distinct peer ids (u32), shallowest prefix first, ascending
//!   within a prefix;
//! - `remove_peer`: the prefixes that lost their last peer, in byte order
//!   (a prefix before its extensions), each as a u32 length, the bytes, and
//!   padding to 4 bytes.

use crate::abi::*;
use crate::alloc;
use core::ptr::null_mut;

#[repr(C)]
struct Node {
    peers: *mut u32,
    npeers: u32,
    cap: u32,
    next: *mut *mut Node,
    min: u32,
    count: u32,
    live: u32,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct Frame {
    node: *mut Node,
    index: u32,
    byte: u32,
}

#[repr(C)]
pub struct Trie {
    root: Node,
    size: u32,
    depth: u32,
    out: *mut u8,
    out_cap: u32,
    marks: *mut u32,
    marks_cap: u32,
    epoch: u32,
    stack: *mut Frame,
    stack_cap: u32,
}

const NODE_BYTES: usize = core::mem::size_of::<Node>();
const PTR_BYTES: usize = core::mem::size_of::<*mut Node>();
const FRAME_BYTES: usize = core::mem::size_of::<Frame>();

pub unsafe fn new() -> *mut Trie {
    alloc::alloc_zeroed(core::mem::size_of::<Trie>()) as *mut Trie
}

#[inline(always)]
unsafe fn child(n: *const Node, c: u32) -> *mut Node {
    let k = c.wrapping_sub((*n).min);
    if k >= (*n).count {
        null_mut()
    } else {
        *(*n).next.add(k as usize)
    }
}

/// The child for byte `c`, made if missing (widening the table). Null when out of memory.
unsafe fn child_or_create(n: *mut Node, c: u32) -> *mut Node {
    let node = &mut *n;
    if node.count == 0 || c < node.min || c >= node.min + node.count {
        let (lo, hi) = if node.count == 0 {
            (c, c + 1)
        } else {
            (core::cmp::min(node.min, c), core::cmp::max(node.min + node.count, c + 1))
        };
        let table = alloc::alloc_zeroed((hi - lo) as usize * PTR_BYTES) as *mut *mut Node;
        if table.is_null() {
            return null_mut();
        }
        if node.count > 0 {
            core::ptr::copy_nonoverlapping(node.next, table.add((node.min - lo) as usize), node.count as usize);
            alloc::free(node.next as *mut u8, node.count as usize * PTR_BYTES);
        }
        node.next = table;
        node.min = lo;
        node.count = hi - lo;
    }
    let slot = node.next.add((c - node.min) as usize);
    if (*slot).is_null() {
        let made = alloc::alloc_zeroed(NODE_BYTES) as *mut Node;
        if made.is_null() {
            return null_mut();
        }
        *slot = made;
        node.live += 1;
    }
    *slot
}

/// Where `peer` is (Ok) or would go (Err) in the node's sorted peers.
#[inline(always)]
unsafe fn find_peer(n: *const Node, peer: u32) -> Result<usize, usize> {
    if (*n).npeers == 0 {
        return Err(0);
    }
    core::slice::from_raw_parts((*n).peers, (*n).npeers as usize).binary_search(&peer)
}

unsafe fn insert_peer(n: *mut Node, at: usize, peer: u32) -> bool {
    let node = &mut *n;
    if node.npeers == node.cap {
        let cap = if node.cap == 0 { 2 } else { node.cap * 2 };
        let peers = alloc::realloc(node.peers as *mut u8, node.cap as usize * 4, cap as usize * 4) as *mut u32;
        if peers.is_null() {
            return false;
        }
        node.peers = peers;
        node.cap = cap;
    }
    core::ptr::copy(node.peers.add(at), node.peers.add(at + 1), node.npeers as usize - at);
    *node.peers.add(at) = peer;
    node.npeers += 1;
    true
}

unsafe fn remove_peer_at(n: *mut Node, at: usize) {
    let node = &mut *n;
    core::ptr::copy(node.peers.add(at + 1), node.peers.add(at), node.npeers as usize - at - 1);
    node.npeers -= 1;
    if node.npeers == 0 {
        alloc::free(node.peers as *mut u8, node.cap as usize * 4);
        node.peers = null_mut();
        node.cap = 0;
    }
}

/// Frees a node's child table (the children must already be gone or owned elsewhere).
unsafe fn free_table(n: *mut Node) {
    let node = &mut *n;
    if node.count > 0 {
        alloc::free(node.next as *mut u8, node.count as usize * PTR_BYTES);
    }
    node.next = null_mut();
    node.count = 0;
    node.min = 0;
}

/// Frees a node that has no children left.
unsafe fn free_node(n: *mut Node) {
    free_table(n);
    alloc::free((*n).peers as *mut u8, (*n).cap as usize * 4);
    alloc::free(n as *mut u8, NODE_BYTES);
}

/// Grows the output buffer to at least `bytes`, keeping its contents.
unsafe fn ensure_out(t: &mut Trie, bytes: usize) -> bool {
    if (t.out_cap as usize) < bytes {
        let cap = core::cmp::max(bytes, core::cmp::max(2 * t.out_cap as usize, 64));
        let out = alloc::realloc(t.out, t.out_cap as usize, cap);
        if out.is_null() {
            return false;
        }
        t.out = out;
        t.out_cap = cap as u32;
    }
    true
}

unsafe fn ensure_marks(t: &mut Trie, peers: usize) -> bool {
    if (t.marks_cap as usize) < peers {
        let cap = core::cmp::max(peers, core::cmp::max(2 * t.marks_cap as usize, 16));
        let marks = alloc::alloc_zeroed(cap * 4) as *mut u32;
        if marks.is_null() {
            return false;
        }
        if t.marks_cap > 0 {
            core::ptr::copy_nonoverlapping(t.marks, marks, t.marks_cap as usize);
            alloc::free(t.marks as *mut u8, t.marks_cap as usize * 4);
        }
        t.marks = marks;
        t.marks_cap = cap as u32;
    }
    true
}

/// Adds (prefix, peer); 1 if the prefix had no peer before, 0 if it had (or already had this one), or a negative code.
pub unsafe fn add(t: *mut Trie, prefix: *const u8, len: i32, peer: i32) -> i32 {
    let t = &mut *t;
    if len < 0 || peer < 0 || peer >= MTRIE_PEER_LIMIT {
        return ERR_ARGUMENT;
    }
    if !ensure_marks(t, peer as usize + 1) || !ensure_out(t, (t.size as usize + 1) * 4) {
        return ERR_NO_MEMORY;
    }
    let mut node = &mut t.root as *mut Node;
    for i in 0..len as usize {
        node = child_or_create(node, *prefix.add(i) as u32);
        if node.is_null() {
            return ERR_NO_MEMORY;
        }
    }
    match find_peer(node, peer as u32) {
        Ok(_) => 0,
        Err(at) => {
            let first = (*node).npeers == 0;
            if !insert_peer(node, at, peer as u32) {
                return ERR_NO_MEMORY;
            }
            t.size += 1;
            if len as u32 > t.depth {
                t.depth = len as u32;
            }
            first as i32
        }
    }
}

/// Removes (prefix, peer); returns RM_NOT_FOUND, RM_LAST_VALUE_REMOVED or RM_VALUES_REMAIN.
pub unsafe fn remove(t: *mut Trie, prefix: *const u8, len: i32, peer: i32) -> i32 {
    let t = &mut *t;
    if len < 0 {
        return ERR_ARGUMENT;
    }
    let len = len as usize;
    let root = &mut t.root as *mut Node;
    // The deepest node on the path that stays whatever happens below it.
    let mut keep = root;
    let mut keep_depth = 0usize;
    let mut node = root;
    for i in 0..len {
        if i > 0 && ((*node).npeers > 0 || (*node).live > 1) {
            keep = node;
            keep_depth = i;
        }
        node = child(node, *prefix.add(i) as u32);
        if node.is_null() {
            return RM_NOT_FOUND;
        }
    }
    let at = match find_peer(node, peer as u32) {
        Ok(at) => at,
        Err(_) => return RM_NOT_FOUND,
    };
    remove_peer_at(node, at);
    t.size -= 1;
    if (*node).npeers > 0 {
        return RM_VALUES_REMAIN;
    }
    if len > 0 && (*node).live == 0 {
        // Free the chain of nodes below `keep` that existed only for this prefix.
        let c = *prefix.add(keep_depth) as u32;
        let mut cur = child(keep, c);
        *(*keep).next.add((c - (*keep).min) as usize) = null_mut();
        (*keep).live -= 1;
        if (*keep).live == 0 {
            free_table(keep);
        }
        let mut d = keep_depth + 1;
        while !cur.is_null() {
            let below = if d < len { child(cur, *prefix.add(d) as u32) } else { null_mut() };
            free_node(cur);
            cur = below;
            d += 1;
        }
    }
    RM_LAST_VALUE_REMOVED
}

/// Writes the distinct peers whose prefixes match `data` to the output buffer; returns their count.
pub unsafe fn match_data(t: *mut Trie, data: *const u8, len: i32) -> i32 {
    let t = &mut *t;
    if len < 0 {
        return ERR_ARGUMENT;
    }
    t.epoch = t.epoch.wrapping_add(1);
    if t.epoch == 0 {
        core::ptr::write_bytes(t.marks, 0, t.marks_cap as usize);
        t.epoch = 1;
    }
    let epoch = t.epoch;
    let marks = t.marks;
    let out = t.out as *mut u32;
    let mut n = 0usize;
    let mut node = &t.root as *const Node;
    let mut i = 0usize;
    let len = len as usize;
    loop {
        let peers = (*node).peers;
        for k in 0..(*node).npeers as usize {
            let p = *peers.add(k);
            let m = marks.add(p as usize);
            if *m != epoch {
                *m = epoch;
                *out.add(n) = p;
                n += 1;
            }
        }
        if i >= len {
            break;
        }
        node = child(node, *data.add(i) as u32);
        if node.is_null() {
            break;
        }
        i += 1;
    }
    n as i32
}

/// Appends one emptied prefix (the bytes of stack frames 1..=depth) to the output buffer.
unsafe fn emit(t: &mut Trie, at: &mut usize, depth: usize) -> bool {
    let need = *at + 4 + ((depth + 3) & !3);
    if !ensure_out(t, need) {
        return false;
    }
    *(t.out.add(*at) as *mut u32) = depth as u32;
    for k in 0..depth {
        *t.out.add(*at + 4 + k) = (*t.stack.add(k + 1)).byte as u8;
    }
    *at = need;
    true
}

/// Takes `peer` out of a node; true if that left the node without peers.
#[inline(always)]
unsafe fn drop_peer(t: &mut Trie, n: *mut Node, peer: u32) -> bool {
    if let Ok(at) = find_peer(n, peer) {
        remove_peer_at(n, at);
        t.size -= 1;
        return (*n).npeers == 0;
    }
    false
}

/// Removes every prefix of `peer`; writes the prefixes left without peers to the output buffer; returns their count.
pub unsafe fn remove_peer(t: *mut Trie, peer: i32) -> i32 {
    let t = &mut *t;
    if peer < 0 || peer >= MTRIE_PEER_LIMIT {
        return 0;
    }
    let peer = peer as u32;
    let frames = t.depth as usize + 1;
    if (t.stack_cap as usize) < frames {
        let stack = alloc::alloc(frames * FRAME_BYTES) as *mut Frame;
        if stack.is_null() {
            return ERR_NO_MEMORY;
        }
        alloc::free(t.stack as *mut u8, t.stack_cap as usize * FRAME_BYTES);
        t.stack = stack;
        t.stack_cap = frames as u32;
    }
    let root = &mut t.root as *mut Node;
    let mut at = 0usize;
    let mut count = 0i32;
    if drop_peer(t, root, peer) {
        if !emit(t, &mut at, 0) {
            return ERR_NO_MEMORY;
        }
        count += 1;
    }
    *t.stack = Frame { node: root, index: 0, byte: 0 };
    let mut sp = 1usize;
    while sp > 0 {
        let f = t.stack.add(sp - 1);
        let node = (*f).node;
        if (*f).index < (*node).count {
            let k = (*f).index;
            (*f).index += 1;
            let ch = *(*node).next.add(k as usize);
            if ch.is_null() {
                continue;
            }
            *t.stack.add(sp) = Frame { node: ch, index: 0, byte: (*node).min + k };
            sp += 1;
            if drop_peer(t, ch, peer) {
                if !emit(t, &mut at, sp - 1) {
                    return ERR_NO_MEMORY;
                }
                count += 1;
            }
            continue;
        }
        // All children visited: tidy this node and, if it is empty, unlink it from its parent.
        sp -= 1;
        if (*node).live == 0 {
            free_table(node);
        }
        if sp > 0 && (*node).npeers == 0 && (*node).live == 0 {
            let parent = t.stack.add(sp - 1);
            *(*(*parent).node).next.add((*parent).index as usize - 1) = null_mut();
            (*(*parent).node).live -= 1;
            free_node(node);
        }
    }
    count
}

pub unsafe fn size(t: *mut Trie) -> i32 {
    (*t).size as i32
}

pub unsafe fn output(t: *mut Trie) -> *mut u8 {
    (*t).out
}

/// Moves a node's children onto a free list threaded through their `peers` field.
unsafe fn push_children(n: *mut Node, head: &mut *mut Node) {
    for k in 0..(*n).count as usize {
        let ch = *(*n).next.add(k);
        if !ch.is_null() {
            alloc::free((*ch).peers as *mut u8, (*ch).cap as usize * 4);
            (*ch).cap = 0;
            (*ch).peers = *head as *mut u32;
            *head = ch;
        }
    }
    free_table(n);
}

/// Frees the trie and everything in it, without recursion.
pub unsafe fn free(t: *mut Trie) {
    let tr = &mut *t;
    let root = &mut tr.root as *mut Node;
    alloc::free((*root).peers as *mut u8, (*root).cap as usize * 4);
    let mut head: *mut Node = null_mut();
    push_children(root, &mut head);
    while !head.is_null() {
        let n = head;
        head = (*n).peers as *mut Node;
        push_children(n, &mut head);
        alloc::free(n as *mut u8, NODE_BYTES);
    }
    alloc::free(tr.out, tr.out_cap as usize);
    alloc::free(tr.marks as *mut u8, tr.marks_cap as usize * 4);
    alloc::free(tr.stack as *mut u8, tr.stack_cap as usize * FRAME_BYTES);
    alloc::free(t as *mut u8, core::mem::size_of::<Trie>());
}
