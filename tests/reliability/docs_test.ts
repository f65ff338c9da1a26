/** docs/reliability.md is tested: every `ts` block is type-checked and run as a program. */
import { runDocExamples } from "../_docs.ts";

Deno.test("docs/reliability.md - every example type-checks and runs", async () => {
  await runDocExamples(new URL("../../docs/reliability.md", import.meta.url), 3);
});
