// deno-lint-ignore-file no-process-global
// A zeromq 5 ROUTER broker with the socket monitor: prints its monitor
// events and the messages of its dealers, acknowledges each, and closes when
// its peer disconnects. Written for zeromq@5; the only change is the
// require line (was: require("zeromq")).
const zmq = require("zmq-ts/v5-compat");
const router = zmq.socket("router");

router.on("listen", function (_fd, endpoint) {
  console.log("listen %s", endpoint);
});
router.on("accept", function (_fd, endpoint) {
  console.log("accept %s", endpoint);
});
router.on("disconnect", function (_fd, endpoint) {
  console.log("disconnect %s", endpoint);
  router.unmonitor();
  router.close();
});
router.on("message", function (identity, body) {
  console.log("from %s: %s", identity.toString(), body.toString());
  router.send([identity, "ack " + body.toString()]);
});

router.monitor(500, 0);
router.bindSync(process.argv[2]);
