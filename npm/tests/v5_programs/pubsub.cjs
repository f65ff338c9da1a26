// deno-lint-ignore-file no-process-global
// A zeromq 5 subscriber (the README's example, written anew, with an exit): prints three
// "weather" updates from the publisher at process.argv[2], then closes.
// Written for zeromq@5; the only change is the require line
// (was: require("zeromq")).
const zmq = require("zmq-ts/v5-compat");
const sock = zmq.socket("sub");

sock.connect(process.argv[2]);
sock.subscribe("weather");
console.log("Subscriber connected to %s", process.argv[2]);

let count = 0;
sock.on("message", function (topic, message) {
  console.log("received a message related to: %s containing message: %s", topic.toString(), message.toString());
  if (++count === 3) {
    sock.close();
  }
});
