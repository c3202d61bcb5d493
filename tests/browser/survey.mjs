// survey.mjs — the survey as a customer answers it, in headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core): a manager makes a link in German; the
// customer opens it on a phone (375×800, touch), reads German texts, the page does not scroll
// sideways and its controls are finger-sized; answers half, closes the browser, opens the
// same link in a new one and finds the answers there; answers the rest, writes a comment and
// sends; the sticky bar never covers the last statement; the account page shows the comment
// and the new assessment. Console errors, page errors, CSP violations and failed responses
// are failures.
//   usage: node survey.mjs BASE_URL ARTIFACTS CONFIG_JSON
//   CONFIG_JSON: {"user", "password", "account", "stakeholder", "stakeholder_name"}
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { PHONE, checker, openPage } from './checks.mjs';

const [base, artifacts, configText] = process.argv.slice(2);
if (!base || !artifacts || !configText) {
  console.error('usage: node survey.mjs BASE_URL ARTIFACTS CONFIG_JSON');
  process.exit(2);
}
const cfg = JSON.parse(configText);
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const GERMAN = {
  heading: 'Einige Fragen an',
  int01: 'Ihre Fachleute wissen über unseren Markt Dinge, die unsere eigenen Mitarbeiter nicht wissen.',
  cantSay: 'Kann ich nicht beurteilen',
  send: 'Meine Antworten absenden',
  saved: 'Gespeichert',
  thanks: 'Vielen Dank',
};

fs.mkdirSync(artifacts, { recursive: true });
const checks = checker();
const { check, failures } = checks;
const problems = [];
let shot = 0;

async function snap(page, name, full = true) {
  shot++;
  const file = path.join(artifacts, `survey-${String(shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: full });
  console.log(`     screenshot ${file}`);
}

async function open(browser, label, phone) {
  return openPage(browser, label, phone, problems);
}

async function submit(page, button) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
}

// Answer statements from..to (indices) with value by tapping the point's label.
async function answer(page, from, to, value) {
  const items = page.locator('fieldset.item');
  for (let i = from; i < to; i++) {
    await items.nth(i).locator(`label.pt:has(input[value="${value}"])`).tap();
  }
}

async function checkedCount(page) {
  return page.$$eval('fieldset.item input[type="radio"]:checked', (els) =>
    els.filter((e) => e.value !== '').length);
}

// Wait until the page says the draft is saved, after the last change.
async function saved(page) {
  await page.waitForFunction((t) => {
    const s = document.querySelector('.submitbar .saved');
    return s && s.textContent === t;
  }, GERMAN.saved, { timeout: 15000 });
}

async function main() {
  const browser = await chromium.launch({ executablePath, headless: true, args: ARGS, timeout: 60000 });
  let link = null;
  try {
    // The manager makes a link in German.
    const m = await open(browser, 'manager', false);
    await m.page.goto(`${base}/signin`);
    await m.page.fill('input[name="name"]', cfg.user);
    await m.page.fill('input[name="password"]', cfg.password);
    await submit(m.page, m.page.locator('form button[type="submit"]').last());
    await m.page.goto(`${base}/accounts/${cfg.account}`);
    const countBefore = await m.page.locator('#as-h').innerText();
    await m.page.selectOption('#sv-who', String(cfg.stakeholder));
    await m.page.selectOption('#sv-lang', 'de');
    await submit(m.page, m.page.locator(`form[action="/accounts/${cfg.account}/survey"] button[type="submit"]`));
    link = await m.page.locator('#survey-url').inputValue();
    check(/\/survey\/[A-Za-z0-9_-]{20,}$/.test(link), 'a link in German is made', link);

    // The customer opens it on a phone.
    let c = await open(browser, 'customer', true);
    let resp = await c.page.goto(link);
    check(resp && resp.status() === 200, 'the link opens', resp && resp.status());
    check(await c.page.getAttribute('html', 'lang') === 'de', '<html lang="de">');
    const main_ = await c.page.locator('main').innerText();
    for (const [what, text] of Object.entries(GERMAN)) {
      if (['saved', 'thanks'].includes(what)) continue;
      check(main_.includes(text), `the German ${what} is on the page`, text);
    }
    check(!/Can.t say|Send my answers|The customer/.test(main_), 'no English text and no internal statement');
    const overflow = await c.page.evaluate(() => ({
      doc: document.documentElement.scrollWidth, view: window.innerWidth,
      wide: [...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
        .slice(0, 3).map((e) => `${e.tagName}.${e.className}`),
    }));
    check(overflow.view === PHONE.width && overflow.doc <= overflow.view && overflow.wide.length === 0,
      'no horizontal scrolling at 375 px', JSON.stringify(overflow));
    const small = await c.page.$$eval('fieldset.item .scale label.pt > span', (els) => els
      .map((e) => e.getBoundingClientRect()).filter((r) => r.height < 40 || r.width < 32).length);
    check(small === 0, 'every point of the scale is finger-sized (at least 32×40 px)', `${small} smaller`);
    const n = await c.page.locator('fieldset.item').count();
    check(n === 30, 'the 30 statements', n);
    await snap(c.page, 'phone-german', false);

    // Half the answers, saved as they go; then the browser is closed.
    const half = Math.floor(n / 2);
    await answer(c.page, 0, half, 6);
    await saved(c.page);
    const progress = await c.page.locator('.submitbar .progress').innerText();
    check(progress === `${half} von ${n} beantwortet`, 'the progress in German', progress);
    await snap(c.page, 'phone-half');
    await c.context.close();

    // The same link in a new browser: the answers are there.
    c = await open(browser, 'customer-again', true);
    resp = await c.page.goto(link);
    check(resp && resp.status() === 200, 'the link opens again', resp && resp.status());
    check(await checkedCount(c.page) === half, 'the answers given before are there',
      `${await checkedCount(c.page)} of ${half}`);
    check(await c.page.locator('.submitbar .progress').innerText() === `${half} von ${n} beantwortet`,
      'and counted in the progress');
    await answer(c.page, half, n, 5);
    const comment = 'Sehr gute Zusammenarbeit <b>bisher</b>. Weiter so!';
    await c.page.fill('#comment', comment);
    await saved(c.page);

    // The sticky bar does not cover the last statement at the end of the page.
    await c.page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await c.page.waitForTimeout(100);
    const boxes = await c.page.evaluate(() => {
      const items = document.querySelectorAll('fieldset.item');
      const last = items[items.length - 1].getBoundingClientRect();
      const comment = document.querySelector('#comment').getBoundingClientRect();
      const bar = document.querySelector('.submitbar').getBoundingClientRect();
      return { last: last.bottom, comment: comment.bottom, bar: bar.top, barBottom: bar.bottom, view: window.innerHeight };
    });
    check(boxes.last <= boxes.bar && boxes.comment <= boxes.bar,
      'at the end the bar is below the last statement and the comment', JSON.stringify(boxes));
    // And in the middle of the page, a statement scrolled to is not under the bar.
    await c.page.locator('fieldset.item').nth(n - 3).locator('input[value="5"]').focus();
    const mid = await c.page.evaluate((k) => {
      const it = document.querySelectorAll('fieldset.item')[k].getBoundingClientRect();
      const bar = document.querySelector('.submitbar').getBoundingClientRect();
      return { item: it.top, bar: bar.top };
    }, n - 3);
    check(mid.item < mid.bar, 'a focused statement stays above the bar', JSON.stringify(mid));
    await snap(c.page, 'phone-end', false);
    await submit(c.page, c.page.locator('.submitbar button[type="submit"]'));
    const thanks = await c.page.locator('main').innerText();
    check(thanks.includes(GERMAN.thanks), 'thanked in German', thanks.slice(0, 80));
    await snap(c.page, 'phone-thanks', false);
    await c.context.close();

    // The account page: the new assessment and the comment.
    await m.page.goto(`${base}/accounts/${cfg.account}`);
    const countAfter = await m.page.locator('#as-h').innerText();
    const nums = [countBefore, countAfter].map((t) => Number((/\((\d+)\)/.exec(t) || [0, -1])[1]));
    check(nums[1] === nums[0] + 1, 'one assessment more on the account page', `${countBefore} -> ${countAfter}`);
    const said = m.page.locator('tr.said blockquote').first();
    check(await said.count() === 1 && (await said.innerText()) === comment,
      'the account page shows the comment as written', await said.count() ? await said.innerText() : 'none');
    const row = await m.page.locator('section[aria-labelledby="as-h"] tbody tr').first().innerText();
    check(row.includes(cfg.stakeholder_name) && row.includes('Customer'),
      'the newest assessment is the stakeholder\'s', row);
    await snap(m.page, 'account-comment');
    await m.context.close();
  } finally {
    await browser.close().catch(() => {});
  }
  check(problems.length === 0, 'no console errors, page errors or failed requests', problems.slice(0, 5).join('; '));
  console.log(`${checks.passed} passed, ${failures.length} failed`);
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.log(`FAIL the run stopped: ${e.stack || e}`);
  process.exit(1);
});
