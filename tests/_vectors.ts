/** Loads the annotated hex vectors in tests/vectors/. */

/** One named vector. */
export interface Vector {
  name: string;
  notes: string[];
  bytes: Uint8Array;
}

/** Parses an annotated hex file: `## name` starts a vector, `#` lines are notes. */
export function parseVectors(text: string): Vector[] {
  const vectors: Vector[] = [];
  let current: { name: string; notes: string[]; hex: string[] } | null = null;
  const finish = () => {
    if (current) {
      const hex = current.hex.join("").replace(/\s+/g, "");
      const bytes = new Uint8Array(hex.length / 2);
      for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
      vectors.push({ name: current.name, notes: current.notes, bytes });
    }
  };
  for (const line of text.split("\n")) {
    if (line.startsWith("## ")) {
      finish();
      current = { name: line.slice(3).trim(), notes: [], hex: [] };
    } else if (line.startsWith("#")) {
      current?.notes.push(line.slice(1).trim());
    } else if (current && line.trim()) {
      current.hex.push(line);
    }
  }
  finish();
  return vectors;
}

/** Reads one vector file by group name (`frame`, `command`, ...). */
export function loadVectors(group: string): Vector[] {
  const url = new URL(`./vectors/${group}.hex`, import.meta.url);
  return parseVectors(Deno.readTextFileSync(url));
}

/** Reads one vector by group and name; throws if it is missing. */
export function vector(group: string, name: string): Uint8Array {
  const found = loadVectors(group).find((v) => v.name === name);
  if (!found) throw new Error(`No vector ${name} in ${group}.hex`);
  return found.bytes;
}

/** Concatenates byte arrays. */
export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A small seeded PRNG (mulberry32) so random tests repeat exactly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
