// Drives code-server (the real VS Code workbench, in Debian's chromium through playwright-core) with the packaged
// pglint extension installed, and asserts what a user sees. Screenshots go to the shots folder (docs/images/).
// Usage: node code-server-e2e.cjs <baseUrl> <workspaceDir> <shotsDir>
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const [baseUrl, ws, shots] = process.argv.slice(2);
const file = path.join(ws, 'src', 'concat.ts');
const t0 = Date.now();
const log = (...a) => console.log(`[code-server ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const shot = (page, name) => page.screenshot({ path: path.join(shots, name) });
const T = Number(process.env.PGLINT_E2E_TIMEOUT || 90_000); // generous: 2 cores, often shared

(async () => {
  fs.mkdirSync(shots, { recursive: true });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pglint-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 860 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = browser.pages()[0] || (await browser.newPage());
  let ok = false;
  try {
    await page.goto(`${baseUrl}/?folder=${encodeURIComponent(ws)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: T });
    log('workbench loaded');

    // Open src/concat.ts with Quick Open.
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: T });
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').waitFor({ timeout: T });
    await page.keyboard.type('concat.ts');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'concat.ts' }).first().waitFor({ timeout: T });
    await page.keyboard.press('Enter');
    const editor = page.locator('.editor-instance .monaco-editor').first();
    const sqlLine = editor.locator('.view-line', { hasText: "WHERE name = '" }).first();
    await sqlLine.waitFor({ timeout: T });
    log('concat.ts open');

    // 1. The squiggle's message in the Problems view.
    await page.keyboard.press('Control+Shift+M');
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'SQL built from' });
    await problem.first().waitFor({ timeout: T });
    const problemText = (await problem.first().innerText()).replace(/\s+/g, ' ');
    log('Problems view:', JSON.stringify(problemText));
    if (!/no-sql-concatenation/.test(await page.locator('.markers-panel').innerText())) throw new Error('rule id not shown in the Problems view');
    await editor.locator('.squiggly-warning, .squiggly-error').first().waitFor({ timeout: T });
    await shot(page, 'vscode-squiggle.png');

    // 2. Hover: the rule's explanation and its chapter link.
    // Retried: a hover that starts while the Problems view takes focus, or before the squiggle is painted, may
    // never open (seen once in CI); moving away and back asks again, as a person would.
    const token = sqlLine.locator('span span', { hasText: 'SELECT' }).first();
    const hover = page.locator('.monaco-hover:visible', { hasText: 'no-sql-concatenation' });
    for (let attempt = 1; ; attempt++) {
      await token.hover();
      try {
        await hover.first().waitFor({ timeout: attempt < 5 ? 15_000 : T });
        break;
      } catch (e) {
        if (attempt >= 5) throw e;
        log(`hover not shown (attempt ${attempt}), retrying`);
        await page.mouse.move(5, 5);
        await page.keyboard.press('Escape');
      }
    }
    const link = hover.first().locator('a', { hasText: '§' }).first();
    await link.waitFor({ timeout: T });
    const linkText = await link.innerText();
    const href = (await link.getAttribute('data-href')) || (await link.getAttribute('href')) || '';
    log('hover link:', JSON.stringify(linkText), href);
    if (!/formation-postgresql-18\/blob\/main\/20-drivers-connexion-applicative\/.+\.md/.test(href)) throw new Error(`chapter link not found in hover: ${href}`);
    if (!/```|Instead|Reported/.test(await hover.first().innerText())) log('(hover text)', (await hover.first().innerText()).slice(0, 200));
    await shot(page, 'vscode-hover.png');
    await page.keyboard.press('Escape');

    // 3. Quick fix (Ctrl+.): "Use query parameters" rewrites the call.
    await page.mouse.move(5, 5);
    await page.keyboard.press('Escape');
    await hover.first().waitFor({ state: 'hidden', timeout: T }).catch(() => undefined);
    await token.click();
    const item = page.locator('.action-widget .monaco-list-row', { hasText: 'Use query parameters' });
    // Ctrl+. (editor.action.quickFix); retried because a late hover or suggest widget can swallow the first press.
    for (let attempt = 0; ; attempt++) {
      await page.keyboard.press('Control+.');
      try {
        await item.first().waitFor({ timeout: attempt < 3 ? 10_000 : T });
        break;
      } catch (e) {
        if (attempt >= 3) throw e;
        log('quick fix menu not shown yet; retrying Ctrl+.');
        await page.keyboard.press('Escape');
        await token.click();
      }
    }
    log('quick fixes offered:', JSON.stringify((await page.locator('.action-widget:visible').first().innerText()).replace(/\s+/g, ' ')));
    await shot(page, 'vscode-quickfix.png');
    await item.first().click();
    await editor.locator('.view-line', { hasText: 'name = $1' }).first().waitFor({ timeout: T });
    log('quick fix applied in the editor');
    await page.keyboard.press('Control+S');
    await page.waitForFunction(() => !document.querySelector('.tab.dirty'), null, { timeout: T }).catch(() => undefined);
    const deadline = Date.now() + T;
    while (!fs.readFileSync(file, 'utf8').includes('name = $1') && Date.now() < deadline) await page.waitForTimeout(100);
    const disk = fs.readFileSync(file, 'utf8');
    if (!disk.includes('name = $1')) throw new Error('file on disk not changed: ' + disk);
    log('file on disk:', JSON.stringify(disk.split('\n')[3]));
    await page.locator('.markers-panel .monaco-list-row', { hasText: "WHERE name = '" }).first().waitFor({ state: 'detached', timeout: T }).catch(() => undefined);
    await shot(page, 'vscode-after-fix.png');
    ok = true;
  } catch (e) {
    console.error('CODE-SERVER E2E FAILED:', e && e.message);
    await shot(page, 'vscode-failure.png').catch(() => undefined);
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  log(ok ? 'CODE-SERVER E2E PASSED' : 'CODE-SERVER E2E FAILED');
  process.exit(ok ? 0 : 1);
})();
