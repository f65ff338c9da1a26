// deno-lint-ignore-file no-process-global
// A zeromq 5 "hello world" server (in the manner of its examples, with an exit):
// binds a REP socket to process.argv[2], answers three requests, then
// closes. Written for zeromq@5; the only change is the require line
// (was: require("zeromq")).
const zmq = require("zmq-ts/v5-compat");
const responder = zmq.socket("rep");
let served = 0;

responder.on("message", function (request) {
  console.log("Received request: [%s]", request.toString());
  responder.send("World " + request.toString(), 0, function (err) {
    if (err) throw err;
    if (++served === 3) responder.close();
  });
});

responder.bind(process.argv[2], function (err) {
  if (err) {
    console.log(err);
    process.exit(1);
  }
  console.log("Listening on %s", responder.getsockopt(zmq.ZMQ_LAST_ENDPOINT));
});
