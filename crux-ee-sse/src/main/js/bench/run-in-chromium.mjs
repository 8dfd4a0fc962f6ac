// Runs replay.html in headless Chromium (the system's /usr/bin/chromium and /usr/bin/chromedriver,
// or CHROMIUM / CHROMEDRIVER) and prints one line per run: node bench/run-in-chromium.mjs [events] [runs] [render]
// It serves this directory's parent over loopback HTTP (ES modules do not load from file://) and
// drives the browser over the WebDriver protocol: no npm package, no download.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const events = Number(process.argv[2] ?? 10000);
const runs = Number(process.argv[3] ?? 7);
const render = process.argv[4] === 'render';
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const chromedriver = process.env.CHROMEDRIVER ?? '/usr/bin/chromedriver';

const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  try {
    const body = await readFile(join(root, path));
    res.writeHead(200, { 'Content-Type': path.endsWith('.html') ? 'text/html' : 'text/javascript' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
}).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const page = `http://127.0.0.1:${server.address().port}/bench/replay.html`;

const driverPort = 9600 + Math.floor(Math.random() * 300);
const driver = spawn(chromedriver, [`--port=${driverPort}`], { stdio: 'ignore' });
const wd = async (method, path, body) => {
  const r = await fetch(`http://127.0.0.1:${driverPort}${path}`, { method, headers: { 'Content-Type': 'application/json' }, body: body && JSON.stringify(body) });
  const json = await r.json();
  if (!r.ok) throw new Error(JSON.stringify(json.value));
  return json.value;
};
const profile = mkdtempSync(join(tmpdir(), 'crux-bench-'));
let session;
try {
  for (let i = 0; i < 50; i++) {
    try {
      await wd('GET', '/status');
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  session = await wd('POST', '/session', { capabilities: { alwaysMatch: { browserName: 'chrome', 'goog:chromeOptions': {
    binary: chromium,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`],
  } } } });
  const id = session.sessionId;
  console.log(`# ${session.capabilities.browserVersion} (${session.capabilities.browserName}), ${events} events, ${runs} runs${render ? ', items rendered' : ''}`);
  await wd('POST', `/session/${id}/url`, { url: page });
  await wd('POST', `/session/${id}/timeouts`, { script: 120000 });
  const results = await wd('POST', `/session/${id}/execute/async`, {
    script: 'const done = arguments[arguments.length - 1]; const a = arguments; const go = () => window.benchReady ? window.runBench(a[0], a[1], a[2]).then(done) : setTimeout(go, 20); go();',
    args: [events, runs, render],
  });
  for (const r of results) console.log(JSON.stringify(r));
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  console.log(`# median ${ms[Math.floor(ms.length / 2)]} ms, best ${ms[0]} ms, worst ${ms.at(-1)} ms`);
} finally {
  if (session) await wd('DELETE', `/session/${session.sessionId}`).catch(() => {});
  driver.kill();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
