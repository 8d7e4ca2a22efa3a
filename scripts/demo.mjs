// `npm run demo`: the extension in a real VS Code (code-server) on a scratch copy of examples/, with the
// embedded SR-IOV demo host in the Devices view, on http://127.0.0.1:PORT. Runs until Ctrl+C.
//
//   npm run demo                          port from $PORT, else 8080, else a free one
//   npm run demo -- --port 9000 --host lab1 --host ssh://root@10.0.0.5:22
//   npm run demo -- --check [--screenshot FILE]   start, verify the workbench headless, screenshot, exit
//
// Configured hosts (--host, or $KVMNET_HOSTS separated by commas) appear beside the demo host.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  codeServerEnv,
  ensureChromium,
  ensureCodeServer,
  installUnpacked,
  launchCodeServer,
  stopProcessGroup,
  writeUserSettings,
} from './setup-code-server.mjs';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const USAGE = 'usage: npm run demo -- [--port N] [--host H]... [--check [--screenshot FILE]]';

function usageError(msg) {
  process.stderr.write(`demo: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

let opts;
try {
  opts = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string', multiple: true, default: [] },
      check: { type: 'boolean', default: false },
      screenshot: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  }).values;
} catch (e) {
  usageError(e.message);
}
if (opts.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

function parsePort(text, what) {
  if (!/^\d+$/.test(text) || Number(text) > 65535) usageError(`${what} must be a port number 0-65535, got '${text}'`);
  return Number(text);
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** --port, then $PORT (both must be usable as given), else 8080 when free, else any free port (0). */
async function choosePort() {
  if (opts.port !== undefined) return parsePort(opts.port, '--port');
  if (process.env.PORT) return parsePort(process.env.PORT, '$PORT');
  if (opts.check) return 0; // a check never competes for a well-known port
  return (await portIsFree(8080)) ? 8080 : 0;
}

const hosts = [...(process.env.KVMNET_HOSTS ?? '').split(','), ...opts.host].map((h) => h.trim()).filter((h) => h !== '');

const step = (msg) => process.stdout.write(`demo: ${msg}\n`);

step('building');
const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  process.stderr.write('demo: build failed\n');
  process.exit(1);
}
try {
  ensureCodeServer();
  if (opts.check) ensureChromium();
} catch (e) {
  process.stderr.write(`demo: ${e.message}\n`);
  process.exit(1);
}

const tempDir = mkdtempSync(path.join(os.tmpdir(), 'kvmnet-demo-'));
const workspace = path.join(tempDir, 'examples');
const userDataDir = path.join(tempDir, 'ud');
const extensionsDir = path.join(tempDir, 'ext');
let server;
let stopping = false;
function cleanup() {
  stopProcessGroup(server);
  rmSync(tempDir, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    stopping = true;
    step('stopping');
    process.exit(0); // the exit handler stops code-server and removes the scratch dirs
  });
}

cpSync(path.join(root, 'examples'), workspace, { recursive: true });
mkdirSync(extensionsDir, { recursive: true });
installUnpacked(extensionsDir);
writeUserSettings(userDataDir, {
  'kvmnet.demoHost.enabled': true,
  ...(hosts.length > 0 ? { 'kvmnet.hosts': hosts } : {}),
  'workbench.startupEditor': 'none',
});

const port = await choosePort();
let started;
try {
  started = await launchCodeServer({
    workspace,
    userDataDir,
    extensionsDir,
    env: codeServerEnv(tempDir),
    port,
    onSpawn: (child) => (server = child),
    // Its log is noise for a demo user, but errors must show.
    onOutput: (text) => {
      if (/\berror\b/i.test(text)) process.stderr.write(text);
    },
  });
} catch (e) {
  process.stderr.write(`demo: ${e.message}\n`);
  process.exit(1);
}
server.on('exit', (code, signal) => {
  if (stopping) return;
  process.stderr.write(`demo: code-server exited (${code ?? signal})\n`);
  process.exit(1);
});

if (opts.check) {
  const shot = path.resolve(opts.screenshot ?? path.join(root, 'test-results', 'demo.png'));
  try {
    await check(started.url, shot);
    step(`check passed: workbench loaded, Devices view shows the demo host; screenshot ${shot}`);
    process.exit(0);
  } catch (e) {
    process.stderr.write(`demo: check failed: ${e.message}\n`);
    process.exit(1);
  }
}

process.stdout.write(
  `\nKVM Networking demo: open ${started.url}\n` +
    `  workspace (a scratch copy of examples/): ${workspace}\n` +
    `  hosts: embedded demo host, this machine${hosts.length > 0 ? `, ${hosts.join(', ')}` : ''}\n` +
    'Press Ctrl+C to stop.\n',
);

/**
 * Stages the README screenshot: a wider side bar, the demo host's devices with one PF's VFs, domain.xml open.
 * Best effort: the check proper needs only the demo host row.
 */
async function showcase(page, demoHost) {
  const sash = await page.locator('.part.sidebar').boundingBox();
  if (sash) {
    await page.mouse.move(sash.x + sash.width - 1, 300);
    await page.mouse.down();
    await page.mouse.move(sash.x + sash.width + 180, 300, { steps: 5 });
    await page.mouse.up();
  }
  const children = page.locator('.sidebar .pane-body .monaco-list-row[aria-level="2"]');
  if ((await demoHost.getAttribute('aria-expanded')) === 'false') await demoHost.locator('.monaco-tl-twistie').click();
  await children.first().waitFor({ timeout: 30_000 });
  const pf = page.locator('.sidebar .pane-body .monaco-list-row[aria-level="2"][aria-expanded="false"]').first();
  if ((await pf.count()) > 0) {
    await pf.locator('.monaco-tl-twistie').click();
    await page.locator('.sidebar .pane-body .monaco-list-row[aria-level="3"]').first().waitFor({ timeout: 30_000 });
  }
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget .quick-input-box input').fill('domain.xml');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'domain.xml' }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active[data-resource-name="domain.xml"]').waitFor();
}

/** Headless proof that the demo works: the workbench loads and the Devices view lists the demo host. */
async function check(url, screenshotPath) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(120_000);
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor();
    await page.locator('.activitybar .action-item a[aria-label^="KVM Networking"]').first().click();
    const demoHost = page.locator('.sidebar .pane-body .monaco-list-row', { hasText: 'Demo host (embedded)' }).first();
    await demoHost.waitFor();
    await showcase(page, demoHost).catch((e) => step(`(screenshot staging incomplete: ${e.message.split('\n')[0]})`));
    await page.mouse.move(700, 400);
    await page.keyboard.press('Escape'); // no tooltip in the screenshot
    mkdirSync(path.dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath });
  } finally {
    await browser.close();
  }
}
