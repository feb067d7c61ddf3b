// Peer timing: npm simple-hl7. Same work as bench/hl7v2_parse_bench.cc's
// BM_ParseAndRead; prints "<msgs/s>" after about `seconds`.
// simple-hl7 numbers header fields from MSH-3 and cannot read a component of a
// repeating field, so PID-3.1 is taken from the first repetition's text.
'use strict';
const fs = require('fs');
const hl7 = require('simple-hl7');

const [path, secondsArg] = process.argv.slice(2);
const seconds = Number(secondsArg || 2);
const text = fs.readFileSync(path, 'utf8');
const withObx = text.includes('\rOBX|');
const parser = new hl7.Parser();

function one() {
  const m = parser.parse(text);
  let n = 0;
  n += m.header.getComponent(7, 1).length;  // MSH-9.1
  n += m.header.getComponent(7, 2).length;  // MSH-9.2
  n += m.header.getField(8).length;         // MSH-10
  const pid = m.getSegment('PID');
  n += pid.getField(3, 1).split('^')[0].length;
  n += pid.getComponent(5, 1).length;
  n += pid.getComponent(5, 2).length;
  n += pid.getField(7).length;
  n += pid.getField(8).length;
  const pv1 = m.getSegment('PV1');
  n += pv1.getField(2).length;
  n += pv1.getComponent(3, 1).length;
  if (withObx) for (const obx of m.getSegments('OBX')) n += obx.getField(5).length;
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
