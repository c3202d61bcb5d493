// checks.mjs — what the browser tests share: their arguments, a tally of checks that says
// each one as it goes, and a signed-in headless Chromium (Debian's /usr/bin/chromium, driven
// by playwright-core) whose console errors, page errors, dialogs and failed requests are
// collected as problems.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// BASE_URL ARTIFACTS CONFIG_JSON from the command line, or the usage and exit 2.
export function cliArgs(name) {
  const [base, artifacts, configText] = process.argv.slice(2);
  if (!base || !artifacts || !configText) {
    console.error(`usage: node ${name} BASE_URL ARTIFACTS CONFIG_JSON`);
    process.exit(2);
  }
  return { base, artifacts, cfg: JSON.parse(configText) };
}

// check(ok, what, detail) prints and counts; tally.passed and tally.failures say the outcome.
export function checker() {
  const tally = { passed: 0, failures: [] };
  tally.check = (ok, what, detail) => {
    if (ok) {
      tally.passed++;
      console.log(`ok   ${what}`);
    } else {
      tally.failures.push(detail === undefined ? what : `${what} (${detail})`);
      console.log(`FAIL ${what}${detail === undefined ? '' : ` (${detail})`}`);
    }
    return ok;
  };
  return tally;
}

// A fresh browser profile signed in as cfg.user; close() ends it and removes the profile.
export async function signedIn(base, cfg, label) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cvom-${label}-`));
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
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
  await page.goto(`${base}/signin`);
  await page.fill('#name', cfg.user);
  await page.fill('#password', cfg.password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signin')),
    page.click('form[action="/signin"] button[type="submit"]')]);
  const close = async () => {
    await context.close().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { page, problems, close };
}

export const PHONE = { width: 375, height: 800 };

// Console errors, uncaught exceptions, failed responses and requests of page, as problems
// labelled with label.
export function watch(page, label, problems) {
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`[${label}] console error on ${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`[${label}] uncaught exception: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`[${label}] ${r.status()} for ${r.url()}`);
  });
  page.on('requestfailed', (r) => {
    const err = r.failure() ? r.failure().errorText : '';
    if (!/ERR_ABORTED/.test(err)) problems.push(`[${label}] request failed: ${r.url()} ${err}`);
  });
}

// A new context of browser and its page, watched: a phone's (touch, PHONE wide, an English
// browser, so that another language comes from the page) or a desktop's.
export async function openPage(browser, label, phone, problems) {
  const context = await browser.newContext(phone
    ? { viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'en-GB' }
    : { viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  context.setDefaultTimeout(20000);
  const page = await context.newPage();
  watch(page, label, problems);
  return { context, page };
}

// The last check (no problems seen), the summary line, and the exit status.
export function finish(name, tally, problems) {
  tally.check(problems.length === 0, 'no console errors, dialogs or failed requests',
    problems.join('\n      '));
  console.log(`${name}: ${tally.passed} passed, ${tally.failures.length} failed`);
  process.exit(tally.failures.length ? 1 : 0);
}
