/**
 * One-shot commands whose output is read whole (git, esbuild, gcc, version
 * queries), and a file-exists check.
 *
 * @module
 */

const decoder = new TextDecoder();

/** What a command printed, and whether it succeeded. */
export interface Output {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/**
 * Runs `cmd` in `cwd` and collects its output. A command that cannot start
 * is a failure with the reason in `stderr`, never an exception.
 */
export async function output(
  cmd: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<Output> {
  try {
    const out = await new Deno.Command(cmd, {
      args,
      cwd: options.cwd,
      env: { NO_COLOR: "1", ...options.env },
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { ok: out.success, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
  } catch (err) {
    return { ok: false, stdout: "", stderr: String(err) };
  }
}

/** Whether a file or directory exists at `path`. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
