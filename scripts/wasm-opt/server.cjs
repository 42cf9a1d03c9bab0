// Runs binaryen's wasm-opt for cargo-leptos in long-lived Node.js workers.
//
// A split bundle is hundreds of WebAssembly modules, and cargo-leptos calls
// wasm-opt once per module. npm's binaryen is wasm-opt compiled to
// WebAssembly: each call spends about a second loading it before a
// millisecond of work on a small module. Here it is loaded once per worker
// and its own `main` is called for each file, with the arguments
// cargo-leptos gave, so the output is byte for byte what the command writes.
//
//   node scripts/wasm-opt/server.cjs PORT_FILE PARENT_PID
//
// listens on 127.0.0.1 (a free port, written to PORT_FILE) and stops when
// PARENT_PID is gone. scripts/bin/wasm-opt sends it a job: the caller's
// working directory and the arguments, one per line, then an empty line; it
// answers with what wasm-opt printed and a last line `exit N`.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { Worker, isMainThread, parentPort } = require('node:worker_threads');

const WASM_OPT = path.join(__dirname, '..', '..', 'node_modules', 'binaryen', 'bin', 'wasm-opt');

if (isMainThread) {
  serve();
} else {
  work();
}

function serve() {
  const net = require('node:net');
  const os = require('node:os');
  const [portFile, parent] = process.argv.slice(2);
  const size = Math.max(1, Math.min(os.availableParallelism?.() ?? os.cpus().length, 4));
  const idle = [];
  const queue = [];

  const spawn = () => {
    const worker = new Worker(__filename);
    worker.once('message', () => {
      idle.push(worker);
      next();
    });
    // A worker that dies (wasm-opt aborted) answers its job and is replaced.
    worker.once('exit', () => {
      const i = idle.indexOf(worker);
      if (i >= 0) idle.splice(i, 1);
      if (worker.job) worker.job.done('wasm-opt stopped unexpectedly', 1);
      spawn();
    });
  };
  const next = () => {
    while (idle.length && queue.length) {
      const worker = idle.shift();
      const job = queue.shift();
      worker.job = job;
      worker.once('message', ({ output, status }) => {
        worker.job = null;
        job.done(output, status);
        // After a failure the worker stops, and a fresh one replaces it.
        if (status === 0) {
          idle.push(worker);
          next();
        }
      });
      worker.postMessage(job.args);
    }
  };
  for (let i = 0; i < size; i++) spawn();

  const server = net.createServer((socket) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      text += chunk;
      const end = text.indexOf('\n\n');
      if (end < 0) return;
      const [cwd, ...args] = text.slice(0, end).split('\n');
      // Workers cannot change directory: paths become absolute here.
      const absolute = args.map((a) => (a.startsWith('-') ? a : path.resolve(cwd, a)));
      queue.push({
        args: absolute,
        done: (output, status) => socket.end(`${output}${output && !output.endsWith('\n') ? '\n' : ''}exit ${status}\n`),
      });
      next();
    });
  });
  server.listen(0, '127.0.0.1', () => {
    fs.writeFileSync(portFile, String(server.address().port));
  });
  // Nobody is left to serve once the build that started it is over.
  setInterval(() => {
    try {
      process.kill(Number(parent), 0);
    } catch {
      process.exit(0);
    }
  }, 2000).unref();
}

function work() {
  const vm = require('node:vm');
  let output = '';
  let source = fs.readFileSync(WASM_OPT, 'utf8');
  if (source.startsWith('#!')) source = source.slice(source.indexOf('\n'));
  Object.assign(globalThis, {
    require,
    __filename: WASM_OPT,
    __dirname: path.dirname(WASM_OPT),
    Module: {
      noInitialRun: true,
      noExitRuntime: true,
      arguments: [],
      print: (line) => (output += `${line}\n`),
      printErr: (line) => (output += `${line}\n`),
      onRuntimeInitialized: () => parentPort.postMessage('ready'),
    },
  });
  vm.runInThisContext(source, { filename: WASM_OPT });
  parentPort.on('message', (args) => {
    output = '';
    let status;
    try {
      status = globalThis.callMain(args) ?? 0;
    } catch (error) {
      output += `${error}\n`;
      status = 1;
    }
    parentPort.postMessage({ output, status });
    // After a failure its memory may be inconsistent.
    if (status !== 0) process.exit(1);
  });
}
