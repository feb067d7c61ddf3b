// Peer timing: npm node-hl7-client (its Message parser, no network). Same work
// as bench/hl7v2_parse_bench.cc's BM_ParseAndRead; prints "<msgs/s>".
'use strict';
const fs = require('fs');
const { Message } = require('node-hl7-client');

const [path, secondsArg] = process.argv.slice(2);
const seconds = Number(secondsArg || 2);
const text = fs.readFileSync(path, 'utf8');
const withObx = text.includes('\rOBX|');
const FIELDS = ['MSH.9.1', 'MSH.9.2', 'MSH.10', 'PID.3.1', 'PID.5.1', 'PID.5.2', 'PID.7', 'PID.8',
                'PV1.2', 'PV1.3.1'];

function one() {
  const m = new Message({ text });
  let n = 0;
  for (const f of FIELDS) n += m.get(f).toString().length;
  if (withObx) m.get('OBX').forEach((obx) => { n += obx.get('OBX.5').toString().length; });
  return n;
}

one();
let count = 0;
const start = process.hrtime.bigint();
let elapsed = 0;
do {
  for (let i = 0; i < 50; i++) one();
  count += 50;
  elapsed = Number(process.hrtime.bigint() - start) / 1e9;
} while (elapsed < seconds);
console.log((count / elapsed).toFixed(0));
