/**
 * Where the checkout is: the sources are snapshotted from here, the
 * devDependencies in `node_modules` are used from here, and `bench/RESULTS.md`
 * is written here.
 *
 * @module
 */

/** Turns a `file:` URL into a path. */
export function pathOf(url: URL): string {
  return decodeURIComponent(url.pathname);
}

/** The root of the checkout, as a URL ending in `/`. */
export const ROOT: URL = new URL("../../", import.meta.url);
/** The root of the checkout, as a path without the trailing `/`. */
export const ROOT_PATH: string = pathOf(ROOT).replace(/\/$/, "");

/** A devDependency's executable in `node_modules/.bin/` of the checkout. */
export function binPath(name: string): string {
  return pathOf(new URL(`node_modules/.bin/${name}`, ROOT));
}
