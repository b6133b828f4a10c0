// Runs suite/extension.test.cjs inside code-server's Node extension host, the way @vscode/test-web does: the
// workbench reads extensionDevelopmentPath / extensionTestsPath from the `payload` URL parameter and reports the
// result through window.codeAutomationExit(code). Usage: node ext-tests-driver.cjs <baseUrl> <ws> <extDir> <suite>
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const [baseUrl, ws, extDev, tests] = process.argv.slice(2);
const t0 = Date.now();
(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pglint-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = browser.pages()[0] || (await browser.newPage());
  const remote = (p) => `vscode-remote://${new URL(baseUrl).host}${p}`;
  let done;
  const exited = new Promise((r) => (done = r));
  await page.exposeFunction('codeAutomationLog', (_type, args) => console.log(...(args || [])));
  await page.exposeFunction('codeAutomationExit', (code) => done(code));
  const payload = JSON.stringify([['extensionDevelopmentPath', remote(extDev)], ['extensionTestsPath', remote(tests)]]);
  await page.goto(`${baseUrl}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(payload)}`);
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), Number(process.env.PGLINT_E2E_TIMEOUT || 180_000)))]);
  await browser.close();
  fs.rmSync(profile, { recursive: true, force: true });
  console.log(`extension tests exit code: ${code} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  process.exit(code === 0 ? 0 : 1);
})();
