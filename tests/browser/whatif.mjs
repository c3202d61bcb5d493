// whatif.mjs — the what-if flow in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core): sign in, open an account's what-if page, tick a planned action, press
// Project and see the projected point drawn where the command line's projection puts it.
// Console errors, page errors, CSP violations, dialogs and failed requests are failures.
//   usage: node whatif.mjs BASE_URL ARTIFACTS CONFIG_JSON
//   CONFIG_JSON: {"user", "password", "account", "action", "intellectual", "emotional",
//                 "quadrant"} — the last three from `cvom whatif --format json`
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checker } from './checks.mjs';

const [base, artifacts, configText] = process.argv.slice(2);
if (!base || !artifacts || !configText) {
  console.error('usage: node whatif.mjs BASE_URL ARTIFACTS CONFIG_JSON');
  process.exit(2);
}
const cfg = JSON.parse(configText);
const checks = checker();
const { check, failures } = checks;
const problems = [];

// The matrix's scale, as pages_whatif.c draws it: 0–100 onto 24–214 across, 196–6 up.
const px = (v) => 24 + Math.min(100, Math.max(0, v)) * 1.9;
const py = (v) => 196 - Math.min(100, Math.max(0, v)) * 1.9;

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvom-whatif-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    timeout: 60000,
  });
  context.setDefaultTimeout(20000);
  const page = context.pages()[0] || await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
  try {
    await page.goto(`${base}/signin`);
    await page.fill('#name', cfg.user);
    await page.fill('#password', cfg.password);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signin')),
      page.click('form[action="/signin"] button[type="submit"]')]);

    const resp = await page.goto(`${base}/accounts/${cfg.account}/whatif`);
    check(resp && resp.status() === 200, 'the what-if page opens', resp && resp.status());
    check(await page.locator('#wi-now').count() === 1, 'it shows the point now');
    check(await page.locator('#wi-proj').count() === 0, 'and no projection before a tick');
    const box = page.locator(`#pick-${cfg.action}`);
    check(await box.count() === 1, 'the planned action can be ticked');
    await page.locator(`label[for="pick-${cfg.action}"]`).click();
    check(await box.isChecked(), 'clicking its label ticks it');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('action') === String(cfg.action)),
      page.click('form[action$="/whatif"] button[type="submit"]')]);
    const proj = page.locator('svg#wi-svg circle#wi-proj');
    check(await proj.count() === 1, 'the projected point is drawn');
    const [cx, cy, di, de] = await Promise.all(['cx', 'cy', 'data-intellectual',
      'data-emotional'].map((a) => proj.getAttribute(a)));
    check(Math.abs(Number(di) - cfg.intellectual) < 0.005 &&
      Math.abs(Number(de) - cfg.emotional) < 0.005,
    'the projected point is the command line\'s projection', `${di}, ${de}`);
    check(Math.abs(Number(cx) - px(cfg.intellectual)) < 0.06 &&
      Math.abs(Number(cy) - py(cfg.emotional)) < 0.06, 'and sits where it should', `${cx}, ${cy}`);
    const q = await page.locator('#wi-q-proj').getAttribute('data-quadrant');
    check(q === cfg.quadrant, 'the projected quadrant is the command line\'s', q);
    check(/Estimate/.test(await page.locator('#wi-h').innerText()),
      'the projection is labelled an estimate');
    check(await box.isChecked(), 'the ticked action stays ticked');
    await page.screenshot({ path: path.join(artifacts, '90-whatif.png'), fullPage: true });
  } catch (e) {
    check(false, 'the what-if flow ran to the end', e && e.message);
    await page.screenshot({ path: path.join(artifacts, '90-whatif-error.png') }).catch(() => {});
  } finally {
    await context.close().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  }
  check(problems.length === 0, 'no console errors, dialogs or failed requests',
    problems.join('\n      '));
  console.log(`whatif: ${checks.passed} passed, ${failures.length} failed`);
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
