#!/usr/bin/env node
/**
 * The zmq-ts command-line tool for Node.js and Bun: the npm package's `bin`
 * (`npx zmq-ts --help`). It exports exactly what `../cli.ts` exports
 * (checked by `npm/build.ts`), and binds Node's standard streams and signals
 * when it is the program being run.
 *
 * @module
 */

import "./mod.ts"; // binds the Node.js runtime to the default context
import { main } from "../src/cli/main.ts";
import { exitNode, isNodeMain, nodeArgs, nodeCliIo } from "../src/runtime/node_io.ts";

export { main } from "../src/cli/main.ts";
export type { CliIo, InterruptSignal } from "../src/runtime/stdio.ts";
export { EXIT } from "../src/cli/exit_codes.ts";

if (isNodeMain(import.meta.url)) exitNode(await main(nodeArgs(), nodeCliIo));
