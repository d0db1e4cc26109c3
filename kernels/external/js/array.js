// js/array: Jacobi on two Float64Arrays in plain JavaScript (Node.js), the
// example of an external kernel in a language with no NumPy reader: it reads
// and writes the .npy files itself (docs/external-kernels.md, "The .npy
// files, byte by byte"). Each point is computed as the reference does,
// ((down + up) * dy2 + (right + left) * dx2) / (2 * (dx2 + dy2)), in doubles,
// so the iterates equal the reference's.
"use strict";

const fs = require("fs");

function args(argv) {
  const out = {};
  for (let k = 2; k < argv.length; k += 2) {
    if (!argv[k].startsWith("--") || k + 1 >= argv.length) {
      throw new Error(`bad argument ${argv[k]}`);
    }
    out[argv[k].slice(2)] = argv[k + 1];
  }
  for (const need of ["nx", "ny", "dx", "dy", "sweeps", "input", "output"]) {
    if (!(need in out)) throw new Error(`missing --${need}`);
  }
  return out;
}

// Magic, version 1.0, little-endian u16 header length, the dict, then the
// doubles.
function readNpy(path, nx, ny) {
  const buf = fs.readFileSync(path);
  if (buf.toString("latin1", 0, 6) !== "\x93NUMPY" || buf[6] !== 1) {
    throw new Error(`${path}: not a version 1.0 .npy file`);
  }
  const headerLen = buf.readUInt16LE(8);
  const header = buf.toString("latin1", 10, 10 + headerLen).replace(/\s/g, "");
  if (!header.includes("'descr':'<f8'") || !header.includes("'fortran_order':False")
      || !header.includes(`'shape':(${nx},${ny})`)) {
    throw new Error(`${path}: expected <f8, C order, shape (${nx}, ${ny}): ${header}`);
  }
  const data = new Float64Array(nx * ny);
  const body = 10 + headerLen;
  for (let k = 0; k < nx * ny; k++) data[k] = buf.readDoubleLE(body + 8 * k);
  return data;
}

function writeNpy(path, nx, ny, data) {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${nx}, ${ny}), }`;
  const unpadded = 10 + header.length + 1;
  header += " ".repeat((64 - (unpadded % 64)) % 64) + "\n";
  const buf = Buffer.alloc(10 + header.length + 8 * data.length);
  buf.write("\x93NUMPY", 0, "latin1");
  buf[6] = 1;
  buf[7] = 0;
  buf.writeUInt16LE(header.length, 8);
  buf.write(header, 10, "latin1");
  for (let k = 0; k < data.length; k++) buf.writeDoubleLE(data[k], 10 + header.length + 8 * k);
  fs.writeFileSync(path, buf);
}

function main() {
  const a = args(process.argv);
  const [nx, ny, sweeps] = [Number(a.nx), Number(a.ny), Number(a.sweeps)];
  const [dx, dy] = [Number(a.dx), Number(a.dy)];
  let u = readNpy(a.input, nx, ny);
  let v = Float64Array.from(u);
  const dx2 = dx * dx, dy2 = dy * dy, denom = 2 * (dx2 + dy2);
  const start = process.hrtime.bigint();
  for (let s = 0; s < sweeps; s++) {
    for (let i = 1; i < nx - 1; i++) {
      const row = i * ny;
      for (let j = 1; j < ny - 1; j++) {
        const k = row + j;
        v[k] = ((u[k + ny] + u[k - ny]) * dy2 + (u[k + 1] + u[k - 1]) * dx2) / denom;
      }
    }
    [u, v] = [v, u];
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  writeNpy(a.output, nx, ny, u);
  console.log(JSON.stringify({
    sweep_seconds: seconds,
    runtime: `Node.js ${process.version}, V8 ${process.versions.v8}`,
    flags: "V8 JIT (TurboFan), Float64Array, two buffers swapped",
  }));
}

try {
  main();
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
