/**
 * The NaCl primitives CURVE needs, and the only file that imports a crypto
 * library: `libsodium-wrappers` (libsodium compiled to WebAssembly, the
 * same library libzmq links; see `bench/CRYPTO.md` for the measurements
 * behind the choice).
 *
 * The library is loaded lazily by {@linkcode loadCrypto}, so importing
 * zmq-ts costs nothing and needs no permission; only the first CURVE
 * connection (or {@linkcode loadCrypto} itself) pays the ~30–90 ms it takes
 * to compile libsodium's Wasm. After that, {@linkcode loadedCrypto} gives
 * synchronous access.
 *
 * @module
 */

/**
 * NaCl `crypto_box` / `crypto_secretbox` (XSalsa20-Poly1305) and X25519, in
 * the libsodium "easy" layout: a sealed box is the 16-byte tag followed by
 * the ciphertext. Functions that authenticate or multiply return `null`
 * when the box does not open or a key is unusable (a low-order point);
 * they never return partial plaintext.
 *
 * @example Usage
 * ```ts
 * import { loadCrypto } from "./crypto.ts";
 * import assert from "node:assert/strict";
 * const crypto = await loadCrypto();
 * const key = new Uint8Array(32).fill(7);
 * const nonce = new Uint8Array(24);
 * const sealed = crypto.secretbox(new Uint8Array([1, 2, 3]), nonce, key);
 * assert.equal(sealed.length, 16 + 3);
 * assert.deepEqual(crypto.secretboxOpen(sealed, nonce, key), new Uint8Array([1, 2, 3]));
 * ```
 */
export interface CurveCrypto {
  /** The name and version of the library behind this object. */
  readonly library: string;
  /** `crypto_scalarmult_base`: the public key of a 32-byte secret key. */
  publicKey(secretKey: Uint8Array): Uint8Array;
  /** `crypto_box_beforenm`: the shared key of a box between two key pairs, or `null` for a low-order key. */
  beforenm(publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array | null;
  /** `crypto_box_easy`: seals `message` for `publicKey`'s owner, from `secretKey`'s owner. `null` for a low-order key. */
  box(message: Uint8Array, nonce: Uint8Array, publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array | null;
  /** `crypto_box_open_easy`: the plaintext, or `null` if the box does not authenticate. */
  boxOpen(sealed: Uint8Array, nonce: Uint8Array, publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array | null;
  /** `crypto_box_easy_afternm`: seals with a shared key from {@linkcode CurveCrypto.beforenm}. */
  boxAfter(message: Uint8Array, nonce: Uint8Array, sharedKey: Uint8Array): Uint8Array;
  /** `crypto_box_open_easy_afternm`: the plaintext, or `null` if the box does not authenticate. */
  boxOpenAfter(sealed: Uint8Array, nonce: Uint8Array, sharedKey: Uint8Array): Uint8Array | null;
  /** `crypto_secretbox_easy`: seals with a 32-byte symmetric key. */
  secretbox(message: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array;
  /** `crypto_secretbox_open_easy`: the plaintext, or `null` if the box does not authenticate. */
  secretboxOpen(sealed: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array | null;
}

let loaded: CurveCrypto | undefined;
let loading: Promise<CurveCrypto> | undefined;

/**
 * Loads the crypto library once and returns it; later calls return the
 * same object. Needs no permission. If loading fails (for example because
 * the package cannot be fetched), the promise rejects and the next call
 * tries again.
 *
 * @example Usage
 * ```ts
 * import { loadCrypto, loadedCrypto } from "./crypto.ts";
 * import assert from "node:assert/strict";
 * const crypto = await loadCrypto();
 * assert.equal(loadedCrypto(), crypto);
 * assert.equal(crypto.publicKey(new Uint8Array(32).fill(1)).length, 32);
 * ```
 *
 * @returns The library's primitives.
 */
export function loadCrypto(): Promise<CurveCrypto> {
  if (loaded) return Promise.resolve(loaded);
  loading ??= importSodium().then(
    (crypto) => (loaded = crypto),
    (cause) => {
      loading = undefined;
      throw new Error(
        "Cannot load libsodium-wrappers, which CURVE needs; make sure the package can be installed " +
          "(npm: libsodium-wrappers) or fetched by Deno",
        { cause },
      );
    },
  );
  return loading;
}

/**
 * The crypto library if {@linkcode loadCrypto} has finished, else
 * `undefined`. Lets hot paths stay synchronous.
 *
 * @example Usage
 * ```ts
 * import { loadCrypto, loadedCrypto } from "./crypto.ts";
 * import assert from "node:assert/strict";
 * await loadCrypto();
 * assert.ok(loadedCrypto());
 * ```
 *
 * @returns The loaded primitives, or `undefined`.
 */
export function loadedCrypto(): CurveCrypto | undefined {
  return loaded;
}

/**
 * Fills a new array with cryptographically strong random bytes from
 * `globalThis.crypto.getRandomValues` (Deno, Node 19+, Bun, browsers).
 *
 * @example Usage
 * ```ts
 * import { randomBytes } from "./crypto.ts";
 * import assert from "node:assert/strict";
 * assert.equal(randomBytes(32).length, 32);
 * ```
 *
 * @param length How many bytes, at most 65536.
 * @returns The random bytes.
 */
export function randomBytes(length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

async function importSodium(): Promise<CurveCrypto> {
  // The specifier must stay a literal: Deno prefetches it, and the npm
  // build maps it to the `libsodium-wrappers` package (bench/CRYPTO.md).
  // It is inline on purpose: URL importers do not get our import map, so
  // src/ may not use bare specifiers.
  // deno-lint-ignore no-import-prefix
  const sodium = (await import("npm:libsodium-wrappers@0.8.4")).default;
  await sodium.ready;
  const orNull = <T>(f: () => T): T | null => {
    try {
      return f();
    } catch {
      return null;
    }
  };
  return {
    library: `libsodium ${sodium.SODIUM_VERSION_STRING} (libsodium-wrappers)`,
    publicKey: (secretKey) => sodium.crypto_scalarmult_base(secretKey),
    beforenm: (publicKey, secretKey) => orNull(() => sodium.crypto_box_beforenm(publicKey, secretKey)),
    box: (message, nonce, publicKey, secretKey) =>
      orNull(() => sodium.crypto_box_easy(message, nonce, publicKey, secretKey)),
    boxOpen: (sealed, nonce, publicKey, secretKey) =>
      orNull(() => sodium.crypto_box_open_easy(sealed, nonce, publicKey, secretKey)),
    boxAfter: (message, nonce, sharedKey) => sodium.crypto_box_easy_afternm(message, nonce, sharedKey),
    boxOpenAfter: (sealed, nonce, sharedKey) =>
      orNull(() => sodium.crypto_box_open_easy_afternm(sealed, nonce, sharedKey)),
    secretbox: (message, nonce, key) => sodium.crypto_secretbox_easy(message, nonce, key),
    secretboxOpen: (sealed, nonce, key) => orNull(() => sodium.crypto_secretbox_open_easy(sealed, nonce, key)),
  };
}
