#!/usr/bin/env node
// Bridge between the C# interop tests and avsc, an independent Avro implementation.
// Values cross the boundary in the Avro JSON encoding (spec "JSON Encoding"), one datum a line:
// unions as {"<branch name>": value} (null bare), bytes/fixed as strings of code points 0-255,
// enums as symbols, logical types as their underlying type. Extensions, as agreed with the C# side:
// float/double NaN and infinities are the JSON strings "NaN", "Infinity", "-Infinity"; longs are exact
// integer literals (never quoted, never rounded).
//
// We do NOT use avsc's type.toString()/fromString(): they are close to the JSON encoding (fromString
// coerces "binary" strings to Buffers and keeps wrapped unions; toString does the reverse), but they go
// through JSON.parse/JSON.stringify, which turn NaN/Infinity into null and round integers beyond 2^53.
// Instead a small JSON parser keeps number literals as text and a type-directed walker converts between
// that tree and avsc's in-memory values (Buffer for bytes/fixed, BigInt for long, {branch: v} for unions).
'use strict';

const fs = require('fs');
const zlib = require('zlib');

const USAGE = `usage: node avsc-bridge.js <command> ...
  write-container <schema> <jsonlines-in> <container-out> [--codec null|deflate|snappy] [--block-size N]
  read-container <container-in> <jsonlines-out>        (also writes <jsonlines-out>.schema.json)
  encode <schema> <jsonlines-in> <hexlines-out>
  decode <schema> <hexlines-in> <jsonlines-out>
  random <schema> <count> <jsonlines-out> [--seed N]
  canonical <schema> [<schema>...]                       (one line per schema)
  fingerprint <schema> [md5|sha256|rabin]              (rabin = CRC-64-AVRO, 8 bytes little-endian)`;

const fail = (msg) => { process.stderr.write(`avsc-bridge: ${msg}\n`); process.exit(1); };

// ---- arguments: positionals plus --name value options ----
const positional = [], options = {}, args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (!args[i].startsWith('--')) positional.push(args[i]);
  else if (i + 1 < args.length) options[args[i].slice(2)] = args[++i];
  else fail(`option ${args[i]} needs a value\n${USAGE}`);
}

// avsc draws every random value from one module-level LCG seeded from Math.random() when the module
// loads, and exposes no way to reseed it. So for a reproducible `random` we feed Math.random a
// seed-derived number while requiring avsc, then restore it.
const seed = options.seed === undefined ? undefined : Number(options.seed);
if (seed !== undefined && !Number.isInteger(seed)) fail(`--seed must be an integer: ${options.seed}`);
const originalRandom = Math.random;
if (seed !== undefined) Math.random = () => (((seed % 2147483647) + 2147483647) % 2147483647) / 2147483647;
const avro = require('avsc');
Math.random = originalRandom;
const snappy = require('snappyjs');

// avsc's built-in long is a JS number (exact only up to 2^53); register a BigInt long instead.
// fromBuffer/toBuffer see the value as 8 bytes little-endian two's complement (avsc does the zigzag).
const MIN_LONG = -(2n ** 63n), MAX_LONG = 2n ** 63n - 1n;
const BigIntLong = avro.types.LongType.__with({
  fromBuffer: (buf) => buf.readBigInt64LE(0),
  toBuffer: (n) => { const b = Buffer.alloc(8); b.writeBigInt64LE(n, 0); return b; },
  fromJSON: (x) => BigInt(x),   // also used by type.random(), which yields a JS integer
  toJSON: (n) => n,
  isValid: (n) => typeof n === 'bigint' && n >= MIN_LONG && n <= MAX_LONG,
  compare: (a, b) => (a === b ? 0 : a < b ? -1 : 1),
});

// wrapUnions:true so every union value is {branch: value}, as in the JSON encoding; no logicalTypes
// option, so logical types are parsed as their underlying type. The long goes in through typeHook, not
// the `registry` option the avsc docs show: the registry only catches the bare name "long", while
// {"type":"long"} (and so every {"type":"long","logicalType":...}) would still get the lossy long.
const longHook = (s) => (s === 'long' || (s && s.type === 'long') ? BigIntLong : undefined);
const parseType = (schemaJson) => avro.Type.forSchema(schemaJson, { wrapUnions: true, typeHook: longHook });
const readSchema = (file) => parseType(JSON.parse(fs.readFileSync(file, 'utf8')));
// Only the final newline is dropped: an empty line is a datum (the hex of a null is empty).
const readLines = (file) => {
  const lines = fs.readFileSync(file, 'utf8').split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
};
const writeLines = (file, lines) => fs.writeFileSync(file, lines.map((l) => l + '\n').join(''), 'utf8');

// ---- JSON text -> tree that keeps number literals as text (JNum) and objects as ordered Maps ----
class JNum { constructor(raw) { this.raw = raw; } }
function parseJson(text) {
  let i = 0;
  const NUM = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const STR = /"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/y;
  const err = (what) => { throw new Error(`bad JSON at offset ${i} (${what}): ${text.slice(0, 200)}`); };
  const ws = () => { while (' \t\n\r'.includes(text[i]) && i < text.length) i++; };
  const expect = (c) => { ws(); if (text[i] !== c) err(`expected '${c}'`); i++; };
  const str = () => { ws(); STR.lastIndex = i; const m = STR.exec(text); if (!m) err('expected string'); i = STR.lastIndex; return JSON.parse(m[0]); };
  const seq = (close, item) => {   // the comma-separated members of an object or array
    i++; ws();
    if (text[i] === close) { i++; return; }
    for (;;) { item(); ws(); if (text[i] !== ',') return expect(close); i++; }
  };
  function value() {
    ws();
    const c = text[i];
    if (c === '{') {
      const m = new Map();
      seq('}', () => {
        const k = str(); expect(':');
        if (m.has(k)) err(`duplicate key ${JSON.stringify(k)}`);
        m.set(k, value());
      });
      return m;
    }
    if (c === '[') { const a = []; seq(']', () => a.push(value())); return a; }
    if (c === '"') return str();
    for (const [lit, v] of [['true', true], ['false', false], ['null', null]]) {
      if (text.startsWith(lit, i)) { i += lit.length; return v; }
    }
    NUM.lastIndex = i; const m = NUM.exec(text);
    if (!m) err('unexpected character');
    i = NUM.lastIndex; return new JNum(m[0]);
  }
  const v = value(); ws();
  if (i !== text.length) err('trailing characters');
  return v;
}

// ---- JSON tree -> avsc value, validating strictly against the schema ----
const SPECIAL = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
function fromJson(t, j, path) {
  const bad = (why) => { throw new Error(`${path}: ${why} for ${t.branchName || t.typeName}`); };
  const latin1 = () => {
    if (typeof j !== 'string') bad('expected string');
    if (/[^\u0000-\u00ff]/.test(j)) bad('code point above 255 in bytes string');
    return Buffer.from(j, 'latin1');
  };
  switch (t.typeName) {
    case 'null': if (j !== null) bad('expected null'); return null;
    case 'boolean': if (typeof j !== 'boolean') bad('expected boolean'); return j;
    case 'int': case 'abstract:long': {
      if (!(j instanceof JNum) || !/^-?\d+$/.test(j.raw)) bad('expected integer literal');
      const n = BigInt(j.raw), isInt = t.typeName === 'int';
      if (isInt ? n < -(2n ** 31n) || n >= 2n ** 31n : n < MIN_LONG || n > MAX_LONG) bad('out of range');
      return isInt ? Number(n) : n;
    }
    case 'float': case 'double':
      if (j instanceof JNum) return Number(j.raw);
      if (typeof j === 'string' && Object.hasOwn(SPECIAL, j)) return SPECIAL[j];
      return bad('expected number or "NaN"/"Infinity"/"-Infinity"');
    case 'string': if (typeof j !== 'string') bad('expected string'); return j;
    case 'bytes': return latin1();
    case 'fixed': { const b = latin1(); if (b.length !== t.size) bad(`expected ${t.size} bytes, got ${b.length}`); return b; }
    case 'enum': if (!t.symbols.includes(j)) bad(`not a symbol: ${JSON.stringify(j)}`); return j;
    case 'array': if (!Array.isArray(j)) bad('expected array'); return j.map((x, k) => fromJson(t.itemsType, x, `${path}[${k}]`));
    case 'map': {
      if (!(j instanceof Map)) bad('expected object');
      // Null-prototype object so a "__proto__" key is an ordinary key. (Caveat: JS objects enumerate
      // integer-like keys first in numeric order, so avsc writes such map entries in that order.)
      const o = Object.create(null);
      for (const [k, v] of j) o[k] = fromJson(t.valuesType, v, `${path}.${k}`);
      return o;
    }
    case 'record': case 'error': {
      if (!(j instanceof Map)) bad('expected object');
      const o = {};
      for (const f of t.fields) {
        if (!j.has(f.name)) bad(`missing field "${f.name}"`);   // the JSON encoding writes every field
        o[f.name] = fromJson(f.type, j.get(f.name), `${path}.${f.name}`);
      }
      for (const k of j.keys()) if (!t.field(k)) bad(`unknown field "${k}"`);
      return o;
    }
    case 'union:wrapped': {
      if (j === null) { if (!t.types.some((b) => b.typeName === 'null')) bad('null not in union'); return null; }
      if (!(j instanceof Map) || j.size !== 1) bad('expected null or {"<branch>": value}');
      const [[name, v]] = j;
      const branch = t.types.find((b) => b.branchName === name);   // fullname for named types
      if (!branch || branch.typeName === 'null') bad(`no union branch named "${name}"`);
      return { [name]: fromJson(branch, v, `${path}<${name}>`) };
    }
    default: return bad('unsupported type');
  }
}

// ---- avsc value -> JSON text ----
// String(x) is the shortest text that reads back as the same double. A float holds a float32 widened to
// double, so this is its exact value (e.g. 0.10000000149011612), readable without double rounding.
// String(-0) is "0", so -0 is written by hand to keep the sign bit.
const floatText = (x) => (Number.isNaN(x) ? '"NaN"' : x === Infinity ? '"Infinity"' : x === -Infinity ? '"-Infinity"'
  : Object.is(x, -0) ? '-0' : String(x));
function toJson(t, v) {
  switch (t.typeName) {
    case 'null': return 'null';
    case 'boolean': return v ? 'true' : 'false';
    case 'int': return String(v);
    case 'abstract:long': return v.toString();
    case 'float': case 'double': return floatText(v);
    case 'string': case 'enum': return JSON.stringify(v);
    case 'bytes': case 'fixed': return JSON.stringify(v.toString('latin1'));   // byte b -> code point b
    case 'array': return '[' + v.map((x) => toJson(t.itemsType, x)).join(',') + ']';
    case 'map': return '{' + Object.keys(v).map((k) => JSON.stringify(k) + ':' + toJson(t.valuesType, v[k])).join(',') + '}';
    case 'record': case 'error':
      return '{' + t.fields.map((f) => JSON.stringify(f.name) + ':' + toJson(f.type, v[f.name])).join(',') + '}';
    case 'union:wrapped': {
      if (v === null) return 'null';
      const name = Object.keys(v)[0];   // avsc's Branch$ objects have exactly one own key
      return '{' + JSON.stringify(name) + ':' + toJson(t.types.find((b) => b.branchName === name), v[name]) + '}';
    }
    default: throw new Error(`unsupported type ${t.typeName}`);
  }
}
const jsonLinesToValues = (type, lines) => lines.map((l, k) => fromJson(type, parseJson(l), `line ${k + 1}`));

// ---- container codecs: avsc ships null and deflate; Avro's snappy block = raw snappy + CRC32 (BE) ----
const codecs = {
  null: (buf, cb) => cb(null, buf),
  deflate: zlib.deflateRaw,
  snappy: (buf, cb) => {
    const crc = Buffer.alloc(4); crc.writeUInt32BE(zlib.crc32(buf), 0);
    cb(null, Buffer.concat([Buffer.from(snappy.compress(buf)), crc]));
  },
};
const decompressors = {
  null: (buf, cb) => cb(null, buf),
  deflate: zlib.inflateRaw,
  snappy: (buf, cb) => {
    let data;
    try { data = Buffer.from(snappy.uncompress(buf.subarray(0, buf.length - 4))); } catch (e) { return cb(e); }
    cb(zlib.crc32(data) === buf.readUInt32BE(buf.length - 4) ? null : new Error('snappy CRC32 mismatch'), data);
  },
};

// ---- commands: each takes the positional arguments; its arity (fn.length) is checked before the call ----
const commands = {
  'write-container'(schemaFile, inFile, outFile) {
    const type = readSchema(schemaFile);
    const values = jsonLinesToValues(type, readLines(inFile));
    const opts = { codec: options.codec || 'null', codecs, writeHeader: 'always' };   // header even for 0 records
    if (options['block-size'] !== undefined) opts.blockSize = Number(options['block-size']);   // bytes, uncompressed
    if (!(opts.codec in codecs)) fail(`unsupported codec ${opts.codec}`);
    const enc = new avro.streams.BlockEncoder(type, opts), chunks = [];
    enc.on('data', (c) => chunks.push(c));   // an 'error' event with no listener throws: see uncaughtException
    enc.on('end', () => fs.writeFileSync(outFile, Buffer.concat(chunks)));
    values.forEach((v) => enc.write(v));
    enc.end();
  },
  'read-container'(inFile, outFile) {
    let type = null, schemaText = null, lines = [];
    const dec = new avro.streams.BlockDecoder({ codecs: decompressors, parseHook: (s) => parseType(s) });
    dec.on('metadata', (t, codec, header) => { type = t; schemaText = header.meta['avro.schema'].toString('utf8'); });
    dec.on('data', (v) => lines.push(toJson(type, v)));
    dec.on('end', () => {
      if (type === null) fail('no container header found');
      writeLines(outFile, lines);
      fs.writeFileSync(outFile + '.schema.json', schemaText, 'utf8');
    });
    dec.end(fs.readFileSync(inFile));
  },
  encode(schemaFile, inFile, outFile) {
    const type = readSchema(schemaFile);
    const values = jsonLinesToValues(type, readLines(inFile));
    writeLines(outFile, values.map((v) => type.toBuffer(v).toString('hex')));
  },
  decode(schemaFile, inFile, outFile) {
    const type = readSchema(schemaFile);
    const lines = readLines(inFile).map((h, k) => {
      if (!/^([0-9a-fA-F]{2})*$/.test(h)) throw new Error(`line ${k + 1}: not hex`);
      return toJson(type, type.fromBuffer(Buffer.from(h, 'hex')));   // throws on truncated/trailing data
    });
    writeLines(outFile, lines);
  },
  random(schemaFile, countText, outFile) {
    const type = readSchema(schemaFile);
    const count = Number(countText);
    if (!Number.isInteger(count) || count < 0) fail(`bad count ${countText}`);
    // Round-trip through binary so floats are float32-rounded exactly as avsc would write them.
    const lines = Array.from({ length: count }, () => toJson(type, type.fromBuffer(type.toBuffer(type.random()))));
    writeLines(outFile, lines);
  },
  canonical(schemaFile) {
    // avsc's schema() without options is its Parsing Canonical Form (it is what fingerprint() hashes).
    // Several schemas in one call, because starting node costs more than the work.
    for (const file of positional.slice(1)) process.stdout.write(JSON.stringify(readSchema(file).schema()) + '\n');
  },
  fingerprint(schemaFile, algorithm = 'md5') {
    const type = readSchema(schemaFile);
    if (algorithm === 'rabin') {   // avsc has no CRC-64-AVRO; computed here over the same canonical text
      const POLY = 0xc15d213aa4d7a795n, MASK = (1n << 64n) - 1n;
      const table = Array.from({ length: 256 }, (_, i) => {
        let fp = BigInt(i);
        for (let j = 0; j < 8; j++) fp = (fp >> 1n) ^ (POLY & -(fp & 1n));
        return fp;
      });
      let fp = POLY;   // the fingerprint of the empty string is the polynomial itself
      for (const b of Buffer.from(JSON.stringify(type.schema()), 'utf8')) fp = (fp >> 8n) ^ table[Number((fp ^ BigInt(b)) & 0xffn)];
      const out = Buffer.alloc(8); out.writeBigUInt64LE(fp & MASK, 0);
      process.stdout.write(out.toString('hex') + '\n');
    } else {
      if (!['md5', 'sha256'].includes(algorithm)) fail(`unsupported algorithm ${algorithm}`);
      process.stdout.write(type.fingerprint(algorithm).toString('hex') + '\n');
    }
  },
};

const command = commands[positional[0]];
if (!command) fail(positional.length ? `unknown command ${positional[0]}\n${USAGE}` : USAGE);
if (positional.length - 1 < command.length) fail(`${positional[0]} needs ${command.length} arguments\n${USAGE}`);
process.on('uncaughtException', (e) => fail(e.stack || String(e)));   // also errors in stream callbacks
command(...positional.slice(1));
