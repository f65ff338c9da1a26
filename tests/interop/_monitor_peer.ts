/**
 * Harness for tests/interop/zmq_monitor_peer.py: a libzmq socket in a child
 * process that runs by itself and reports its monitor events. The test can
 * freeze it (SIGSTOP), thaw it (SIGCONT) or kill it, all by PID.
 */
import { PYTHON, waitFor, withTimeout } from "../_helpers.ts";

/** One line the peer printed. */
export interface MonitorLine {
  endpoint?: string;
  event?: string;
  value?: number;
  sent?: number;
  received?: number;
  msg?: string;
}

/** What to start. */
export interface MonitorPeerConfig {
  type: string;
  bind?: string;
  connect?: string;
  options?: Record<string, number | string>;
  mode?: "echo" | "sink" | "count" | "send" | "idle";
  linger?: number;
}

/** A running monitor peer; dispose it to end the process. */
export class MonitorPeer implements AsyncDisposable {
  readonly endpoint: string;
  readonly lines: MonitorLine[];
  readonly #child: Deno.ChildProcess;
  readonly #reading: Promise<void>;
  #ended = false;

  private constructor(child: Deno.ChildProcess, endpoint: string, lines: MonitorLine[], reading: Promise<void>) {
    this.#child = child;
    this.endpoint = endpoint;
    this.lines = lines;
    this.#reading = reading;
  }

  /** Starts the peer and waits until it is bound or connecting. */
  static async start(config: MonitorPeerConfig): Promise<MonitorPeer> {
    const child = new Deno.Command(PYTHON, {
      args: [new URL("./zmq_monitor_peer.py", import.meta.url).pathname, JSON.stringify(config)],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const lines: MonitorLine[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffered = "";
      for await (const chunk of child.stdout) {
        buffered += decoder.decode(chunk, { stream: true });
        let nl;
        while ((nl = buffered.indexOf("\n")) >= 0) {
          lines.push(JSON.parse(buffered.slice(0, nl)));
          buffered = buffered.slice(nl + 1);
        }
      }
    })();
    try {
      await waitFor(() => lines.length > 0, 15_000, "the libzmq monitor peer to start");
    } catch (err) {
      child.kill("SIGKILL");
      await child.status;
      throw err;
    }
    return new MonitorPeer(child, lines[0].endpoint!, lines, reading);
  }

  /** The process id. */
  get pid(): number {
    return this.#child.pid;
  }

  /** libzmq monitor events so far, as [name, value]. */
  events(): [string, number][] {
    return this.lines.filter((l) => l.event !== undefined).map((l) => [l.event!, l.value!]);
  }

  /** Names of the monitor events so far. */
  eventNames(): string[] {
    return this.events().map(([name]) => name);
  }

  /** The last progress count reported (`sent` or `received`). */
  get progress(): number {
    for (let i = this.lines.length - 1; i >= 0; i--) {
      const l = this.lines[i];
      if (l.sent !== undefined) return l.sent;
      if (l.received !== undefined) return l.received;
    }
    return 0;
  }

  /** Freezes the process (SIGSTOP): its connections stay open but it answers nothing. */
  freeze(): void {
    this.#child.kill("SIGSTOP");
  }

  /** Lets a frozen process run again (SIGCONT). */
  thaw(): void {
    this.#child.kill("SIGCONT");
  }

  /** Kills the process at once (SIGKILL), as a crash would. */
  async kill(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
    await this.#child.status;
    await this.#child.stdin.close().catch(() => {});
    await this.#reading;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    try {
      this.#child.kill("SIGCONT");
    } catch {
      // Already gone.
    }
    await this.#child.stdin.close().catch(() => {});
    const exited = await withTimeout(this.#child.status, 5000, "monitor peer exit").then(() => true, () => false);
    if (!exited) {
      this.#child.kill("SIGKILL");
      await this.#child.status;
    }
    await this.#reading;
  }
}
