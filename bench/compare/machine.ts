/**
 * The machine a run shares: its CPU model, how busy it was, and which other
 * processes were using it, all from `/proc` (Linux); each gives up quietly
 * elsewhere.
 *
 * @module
 */

import { ROOT_PATH } from "./paths.ts";

/** The CPU's model name. */
export async function cpuModel(): Promise<string> {
  try {
    const info = await Deno.readTextFile("/proc/cpuinfo");
    return info.match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim() ?? "unknown CPU";
  } catch {
    return "unknown CPU";
  }
}

/** Busy CPU time so far, in seconds. */
export interface CpuTimes {
  /** Of the whole machine. */
  machine: number;
  /** Of this process plus its waited-for children. */
  ours: number;
}

/** Busy CPU time of the whole machine, and of this process plus its waited-for children; null without `/proc`. */
export async function cpuTimes(): Promise<CpuTimes | null> {
  try {
    const stat = (await Deno.readTextFile("/proc/stat")).split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const hz = 100; // USER_HZ on Linux
    const idle = stat[3] + (stat[4] ?? 0);
    const total = stat.slice(0, 8).reduce((a, b) => a + b, 0);
    const self = await Deno.readTextFile("/proc/self/stat");
    const fields = self.slice(self.lastIndexOf(")") + 2).split(" ");
    // fields[11..14] are utime, stime, cutime, cstime (stat fields 14–17).
    const ours = (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / hz;
    return { machine: (total - idle) / hz, ours };
  } catch {
    return null;
  }
}

/** Processes other than ours that use noticeable CPU right now (sampled over 1 s), as `<percent>% <command>`. */
export async function otherBusyProcesses(): Promise<string[]> {
  const sample = async () => {
    const map = new Map<number, { ticks: number; cmd: string }>();
    for await (const e of Deno.readDir("/proc")) {
      if (!/^\d+$/.test(e.name)) continue;
      try {
        const stat = await Deno.readTextFile(`/proc/${e.name}/stat`);
        const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const cmd = (await Deno.readTextFile(`/proc/${e.name}/cmdline`)).replaceAll("\0", " ").trim();
        map.set(Number(e.name), { ticks: Number(f[11]) + Number(f[12]), cmd });
      } catch {
        // gone
      }
    }
    return map;
  };
  try {
    const a = await sample();
    await new Promise((r) => setTimeout(r, 1000));
    const b = await sample();
    const busy: string[] = [];
    for (const [pid, { ticks, cmd }] of b) {
      const before = a.get(pid);
      const pct = before === undefined ? 0 : ticks - before.ticks; // ticks per second = % of a core
      if (pid === Deno.pid || pct < 10) continue;
      busy.push(`${pct}% ${cmd.replace(ROOT_PATH + "/", "").slice(0, 90)}`);
    }
    return busy.sort((x, y) => parseInt(y) - parseInt(x)).slice(0, 6);
  } catch {
    return [];
  }
}
