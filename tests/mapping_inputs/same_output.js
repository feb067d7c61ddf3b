// Usage: node same_output.js PLAIN.json EXPLAIN.json [PLAIN.json EXPLAIN.json ...]
// For each pair: the Bundle `lienthong map` printed, and the "output" of the same
// conversion with --explain, which runs without the include memo and the run
// constants (docs/mapping.md MAP-2, MAP-3.9): they must be the same JSON. Prints
// "ok FILE" or "differ FILE: PATH" (the first place they differ) per pair.
'use strict';
const fs = require('fs');

function firstDifference(a, b, path) {
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) return path;
  if (a === null || typeof a !== 'object') return a === b ? null : path;
  if (Array.isArray(a)) {
    if (a.length !== b.length) return `${path} (length ${a.length} / ${b.length})`;
    for (let i = 0; i < a.length; ++i) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.join('\u0000') !== kb.join('\u0000')) return `${path} (keys ${ka.join(',')} / ${kb.join(',')})`;
  for (const k of ka) {
    const d = firstDifference(a[k], b[k], `${path}.${k}`);
    if (d) return d;
  }
  return null;
}

const files = process.argv.slice(2);
for (let i = 0; i + 1 < files.length; i += 2) {
  try {
    const plain = JSON.parse(fs.readFileSync(files[i], 'utf8'));
    const explained = JSON.parse(fs.readFileSync(files[i + 1], 'utf8')).output;
    const d = firstDifference(plain, explained, '$');
    console.log(d ? `differ ${files[i]}: ${d}` : `ok ${files[i]}`);
  } catch (e) {
    console.log(`differ ${files[i]}: ${e.message}`);
  }
}
