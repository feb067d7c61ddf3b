// Peer for bench/mllp_load.sh: an npm simple-hl7 MLLP server that answers every
// message with the ACK simple-hl7 builds (MSA-1 AA, MSA-2 = the message's
// MSH-10) and stores nothing: the cost of receiving and answering alone.
// Usage: node bench/peers/simple_hl7_server.js PORT
// Prints "listening PORT" once the port accepts connections.
//
// simple-hl7 3.3.0's server reads a connection's bytes until they end with
// 0x1C 0x0D and parses them as one message, so several pipelined frames in one
// read become one (wrong) message and one answer: send it one message at a time
// per connection (mllp_load --window 1).
'use strict';
const hl7 = require('simple-hl7');

const port = Number(process.argv[2] || 7777);
const app = hl7.tcp();

app.use(function (req, res, next) {
  res.end();
});

// Errors (a frame that does not parse, a reset connection): answer AR when
// there is something to answer, and keep serving.
let errors = 0;
app.use(function (err, req, res, next) {
  errors += 1;
  if (errors <= 5) console.error('simple_hl7_server: ' + (err && err.message));
  if (res && res.ack) {
    res.ack.getSegment('MSA').setField(1, 'AR');
    res.end();
  }
});

const server = app.start(port);
server.server.on('listening', function () {
  console.log('listening ' + port);
});
process.on('SIGTERM', function () {
  process.exit(0);
});
