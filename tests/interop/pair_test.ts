import { Pair } from "../../mod.ts";
import { HAS_LIBZMQ, LibzmqPeer, withTimeout } from "../_helpers.ts";
import { assertPeerFrames, assertReceived, peerSizedFrames, sizedMessage } from "./_interop.ts";

const ignore = !HAS_LIBZMQ;

for (const role of ["bind", "connect"] as const) {
  Deno.test({ name: `interop PAIR - zmq-ts Pair (${role}s) with libzmq PAIR, both directions`, ignore }, async () => {
    await using peer = await LibzmqPeer.start("PAIR");
    await using pair = new Pair({ linger: 0 });
    if (role === "bind") {
      await pair.bind("tcp://127.0.0.1:*");
      await peer.connect(pair.lastEndpoint!);
    } else {
      pair.connect(await peer.bind());
    }
    const message = sizedMessage(2);
    await pair.send(message);
    await assertPeerFrames(await peer.recv(), message);
    const sent = await peer.send(peerSizedFrames(3));
    await assertReceived(await withTimeout(pair.receive(), 5000, "receive"), sent);
  });
}
