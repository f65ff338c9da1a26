/** Runs the zmq-ts CLI (cli.ts) in a Deno subprocess for the tests. */

import { withTimeout } from "../_helpers.ts";

/** The Deno entry of the CLI. */
export const CLI = new URL("../../cli.ts", import.meta.url).pathname;
const enc = new TextEncoder();
const dec = new TextDecoder();

/** The outcome of a finished CLI run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@linkcode runCli} and {@linkcode CliProcess.spawn}. */
export interface CliOptions {
  /** What standard input holds (closed after it); by default it is closed at once. */
  stdin?: string | Uint8Array;
  /** Deno permission flags instead of -A. */
  permissions?: string[];
  /** ms before the test gives up on the process. Default 20 s. */
  timeout?: number;
  /** Another command instead of deno run (e.g. a compiled binary). */
  command?: string;
}

function commandFor(args: string[], options: CliOptions): Deno.Command {
  const command = options.command ?? Deno.execPath();
  const full = options.command ? args : ["run", "--no-prompt", ...(options.permissions ?? ["-A"]), CLI, ...args];
  return new Deno.Command(command, {
    args: full,
    env: { DENO_NO_PACKAGE_JSON: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  });
}

/** A running CLI: feed its standard input, read its output lines, signal it. */
export class CliProcess implements AsyncDisposable {
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  #stdout = "";
  #stderr = "";
  readonly #reading: Promise<void>;
  readonly #timeout: number;
  #done = false;

  private constructor(child: Deno.ChildProcess, timeout: number) {
    this.#child = child;
    this.#timeout = timeout;
    this.#writer = child.stdin.getWriter();
    const collect = async (stream: ReadableStream<Uint8Array>, into: "out" | "err") => {
      const decoder = new TextDecoder();
      for await (const chunk of stream) {
        const text = decoder.decode(chunk, { stream: true });
        if (into === "out") this.#stdout += text;
        else this.#stderr += text;
      }
    };
    this.#reading = Promise.all([collect(child.stdout, "out"), collect(child.stderr, "err")]).then(() => {});
  }

  /** Starts the CLI with `args`. */
  static spawn(args: string[], options: CliOptions = {}): CliProcess {
    return new CliProcess(commandFor(args, options).spawn(), options.timeout ?? 20_000);
  }

  /** Everything printed on standard output so far. */
  get stdout(): string {
    return this.#stdout;
  }

  /** Everything printed on standard error so far. */
  get stderr(): string {
    return this.#stderr;
  }

  /** Writes to standard input. */
  async write(text: string | Uint8Array): Promise<void> {
    await this.#writer.write(typeof text === "string" ? enc.encode(text) : text);
  }

  /** Closes standard input. */
  async closeStdin(): Promise<void> {
    await this.#writer.close().catch(() => {});
  }

  /** Waits until `pattern` appears on standard error (or output) and returns its match. */
  async waitFor(pattern: RegExp, stream: "stdout" | "stderr" = "stderr", ms = 15_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = (stream === "stderr" ? this.#stderr : this.#stdout).match(pattern);
      if (m) return m;
      if (Date.now() > deadline || this.#done) {
        throw new Error(`${pattern} did not appear on ${stream}:\nstdout: ${this.#stdout}\nstderr: ${this.#stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** The endpoint the CLI reported binding to. */
  async bound(): Promise<string> {
    return (await this.waitFor(/bound to (\S+)/))[1];
  }

  /** Sends a signal. */
  kill(signal: Deno.Signal = "SIGINT"): void {
    this.#child.kill(signal);
  }

  /** Waits for the process to end. */
  async result(): Promise<CliResult> {
    await this.closeStdin();
    const status = await withTimeout(this.#child.status, this.#timeout, "zmq-ts CLI").catch((err) => {
      this.kill("SIGKILL");
      throw new Error(`${err.message}\nstdout: ${this.#stdout}\nstderr: ${this.#stderr}`);
    });
    this.#done = true;
    await this.#reading;
    return { code: status.code, stdout: this.#stdout, stderr: this.#stderr };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#done) return;
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // Already ended.
    }
    await this.#child.status;
    this.#done = true;
    await this.#reading.catch(() => {});
    await this.#writer.close().catch(() => {});
  }
}

/** Runs the CLI to its end. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  await using cli = CliProcess.spawn(args, options);
  if (options.stdin !== undefined) await cli.write(options.stdin);
  return await cli.result();
}

/** Standard output's lines. */
export const lines = (text: string): string[] => text.split("\n").filter((l) => l !== "");

/** Decodes bytes (for assertions). */
export const decode = (b: Uint8Array): string => dec.decode(b);
