// campaign.mjs — three customers of one campaign, in headless Chromium: the first, whose
// language is German, opens their link on a phone (375×800, an English browser: the German
// comes from the link), reads German, the page does not scroll sideways, answers every
// statement and sends; the second answers half on a desktop, closes the browser and finds
// those answers again in a new one, and leaves it there; the third never opens theirs.
// Console errors, page errors and failed responses are failures.
//   usage: node campaign.mjs BASE_URL ARTIFACTS CONFIG_JSON
//   CONFIG_JSON: {"links": [german, half, untouched]}
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { PHONE, checker, cliArgs, finish, openPage } from './checks.mjs';

const { artifacts, cfg } = cliArgs('campaign.mjs');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

fs.mkdirSync(artifacts, { recursive: true });
const tally = checker();
const check = tally.check;
const problems = [];

async function open(browser, label, phone) {
  return openPage(browser, label, phone, problems);
}

async function answer(page, from, to, value, tap) {
  const items = page.locator('fieldset.item');
  for (let i = from; i < to; i++) {
    const point = items.nth(i).locator(`label.pt:has(input[value="${value}"])`);
    await (tap ? point.tap() : point.click());
  }
}

async function checkedCount(page) {
  return page.$$eval('fieldset.item input[type="radio"]:checked', (els) =>
    els.filter((e) => e.value !== '').length);
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ARGS,
    timeout: 60000,
  });
  try {
    // The German customer, on a phone.
    let c = await open(browser, 'german', true);
    let resp = await c.page.goto(cfg.links[0]);
    check(resp && resp.status() === 200, 'the German link opens', resp && resp.status());
    check(await c.page.getAttribute('html', 'lang') === 'de', 'the page is in German',
      await c.page.getAttribute('html', 'lang'));
    check((await c.page.locator('h1').innerText()).startsWith('Einige Fragen an'),
      'the heading is German', await c.page.locator('h1').innerText());
    const wide = await c.page.evaluate(() => document.documentElement.scrollWidth);
    check(wide <= PHONE.width, 'no sideways scrolling on a phone', wide);
    const n = await c.page.locator('fieldset.item').count();
    check(n >= 10, 'the statements are there', n);
    await answer(c.page, 0, n, 6, true);
    await c.page.screenshot({ path: path.join(artifacts, 'campaign-german.png'), fullPage: true });
    await Promise.all([c.page.waitForNavigation({ waitUntil: 'load' }),
      c.page.locator('.submitbar button[type="submit"]').tap()]);
    check((await c.page.content()).includes('Vielen Dank'), 'thanked in German',
      (await c.page.locator('h1').innerText()));
    await c.context.close();

    // The second customer answers half, closes the browser and comes back.
    c = await open(browser, 'half', false);
    resp = await c.page.goto(cfg.links[1]);
    check(resp && resp.status() === 200, 'the second link opens', resp && resp.status());
    const m = await c.page.locator('fieldset.item').count();
    const half = Math.floor(m / 2);
    await answer(c.page, 0, half, 3, false);
    await c.page.waitForFunction(() => {
      const s = document.querySelector('.submitbar .saved');
      return s && s.textContent === 'Saved';
    }, null, { timeout: 15000 });
    await c.context.close();
    c = await open(browser, 'half-again', false);
    resp = await c.page.goto(cfg.links[1]);
    check(resp && resp.status() === 200, 'the same link opens again', resp && resp.status());
    check(await checkedCount(c.page) === half, 'the half answered is still there',
      `${await checkedCount(c.page)} of ${half}`);
    await c.page.screenshot({ path: path.join(artifacts, 'campaign-half.png'), fullPage: true });
    await c.context.close();
  } catch (e) {
    check(false, 'the campaign walk ran to its end', e.stack || String(e));
  } finally {
    await browser.close();
  }
  finish('campaign', tally, problems);
}

main();
