/** docs/security.md is tested: every `ts` block is type-checked and run as a program. */
import { runDocExamples } from "../_docs.ts";

Deno.test("docs/security.md - every example type-checks and runs", async () => {
  await runDocExamples(new URL("../../docs/security.md", import.meta.url), 5);
});
