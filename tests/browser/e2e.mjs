// e2e.mjs — cvom serve end to end in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core; no browser is ever downloaded): sign in, the matrix, an account, an
// assessment through the form, a survey link answered in a fresh browser, the point moving,
// sign out. Screenshots of every step go to ARTIFACTS; console errors, page errors, CSP
// violations, dialogs (a payload that ran) and failed requests are failures.
//   usage: node e2e.mjs BASE_URL ARTIFACTS CONFIG_JSON
//   CONFIG_JSON: {"user", "password", "account", "xss_account"?, "picture_colours"?: the
//   colours of `cvom render matrix`, [[r, g, b], …], that the web's matrix must use}
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checker } from './checks.mjs';

const [base, artifacts, configText] = process.argv.slice(2);
if (!base || !artifacts || !configText) {
  console.error('usage: node e2e.mjs BASE_URL ARTIFACTS CONFIG_JSON');
  process.exit(2);
}
const cfg = JSON.parse(configText);
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const STEP_TIMEOUT = 20000;

fs.mkdirSync(artifacts, { recursive: true });
const checks = checker();
const { check, failures } = checks;
let shot = 0;

async function snap(page, name, full = true) {
  shot++;
  const file = path.join(artifacts, `${String(shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: full });
  console.log(`     screenshot ${file}`);
  return file;
}

// A fresh profile per browser: nothing carries over between runs or between the manager's
// browser and the customer's.
async function openBrowser(label) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cvom-e2e-${label}-`));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
    timeout: 60000,
  });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const page = context.pages()[0] || await context.newPage();
  await watch(page, label);
  return { context, page, dir };
}

async function closeBrowser(b) {
  await b.context.close().catch(() => {});
  fs.rmSync(b.dir, { recursive: true, force: true });
}

// Console errors, uncaught exceptions, CSP violations, dialogs and failed responses.
const problems = [];
async function watch(page, label) {
  page.on('console', (m) => {
    if (m.type() === 'error') {
      const loc = m.location();
      problems.push(`[${label}] console error on ${page.url()}: ${m.text()}` +
        (loc && loc.url ? ` (${loc.url})` : ''));
    }
  });
  page.on('pageerror', (e) => problems.push(`[${label}] uncaught exception on ${page.url()}: ${e.message}`));
  page.on('dialog', async (d) => {
    problems.push(`[${label}] a ${d.type()} dialog opened on ${page.url()}: ${d.message()} (a payload ran?)`);
    await d.dismiss().catch(() => {});
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`[${label}] ${r.status()} for ${r.url()}`);
  });
  page.on('requestfailed', (r) => {
    const err = r.failure() ? r.failure().errorText : '';
    if (!/ERR_ABORTED/.test(err)) problems.push(`[${label}] request failed: ${r.url()} ${err}`);
  });
  // Chromium also logs violations as console errors; this names the directive and the URI.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} ` +
        `at ${e.sourceFile || ''}:${e.lineNumber || ''}`);
    });
  });
}

async function bubble(page, id) {
  const c = page.locator(`svg a[href="/accounts/${id}"] circle`).first();
  if (await c.count() === 0) return null;
  const [cx, cy, r] = await Promise.all(['cx', 'cy', 'r'].map((a) => c.getAttribute(a)));
  return { cx: Number(cx), cy: Number(cy), r: Number(r) };
}

// The web's matrix in the pictures' colours, and labelled as the pictures are: the largest
// accounts by name, no label over another (as the browser lays the text out).
async function matrixLikePictures(page) {
  if (cfg.picture_colours) {
    const inPicture = (css) => {
      const m = /rgb\((\d+), (\d+), (\d+)\)/.exec(css);
      return m !== null && cfg.picture_colours.some((c) => c.every((v, i) => Math.abs(v - Number(m[i + 1])) <= 1));
    };
    const fills = await page.$$eval('svg.plot-pts circle.b, svg .qb',
      (els) => [...new Set(els.map((e) => getComputedStyle(e).fill))]);
    check(fills.length >= 2 && fills.every(inPicture),
      'the matrix\'s bubbles and quadrants have the colours of the PNG/PDF/SVG picture', fills.join(' '));
  }
  const labels = await page.$$eval('svg.plot-pts .labels.acc text', (els) => els.map((e) => {
    const b = e.getBBox();
    return { t: e.textContent, x: b.x, y: b.y, w: b.width, h: b.height };
  }));
  const largest = await page.$$eval('svg.plot-pts a title', (els) => els.length ? els[0].textContent.split('\n')[0] : '');
  check(labels.length > 0 && labels.some((l) => l.t === largest || (l.t.endsWith('\u2026') && largest.startsWith(l.t.slice(0, -1)))),
    'the matrix labels its largest account by name', `${largest}; ${labels.length} labels`);
  const overlaps = [];
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) {
      const a = labels[i], b = labels[j];
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) overlaps.push(`${a.t} / ${b.t}`);
    }
  }
  check(overlaps.length === 0, `no two of the ${labels.length} account labels overlap`, overlaps.slice(0, 3).join('; '));
}

async function scores(page) {
  const big = page.locator('section.cards .card p.big');
  if (await big.count() < 2) return null;
  const t = await big.allInnerTexts();
  return { intellectual: parseFloat(t[0]), emotional: parseFloat(t[1]) };
}

// Answer every statement of an assessment form like a person: click the label of the point.
// value(code) says which point; null leaves "can't say".
async function answerAll(page, value) {
  const items = page.locator('fieldset.item');
  const n = await items.count();
  let answered = 0;
  for (let i = 0; i < n; i++) {
    const fs_ = items.nth(i);
    const id = (await fs_.getAttribute('id')) || '';
    const code = id.replace(/^f-/, '');
    const v = value(code);
    if (v === null) continue;
    const label = fs_.locator(`label:has(input[type="radio"][value="${v}"])`).first();
    if (await label.count()) {
      await label.click();
    } else {
      await fs_.locator(`input[type="radio"][value="${v}"]`).first().check({ force: true });
    }
    answered++;
  }
  return answered;
}

// Click a submit button and wait for the page it leads to.
async function submit(page, button) {
  const nav = page.waitForNavigation({ waitUntil: 'load' });
  await button.click();
  return nav;
}

const high = (code) => (code.startsWith('PRC') ? 1 : 7);

async function main() {
  const account = String(cfg.account);
  const m = await openBrowser('manager');
  const page = m.page;
  try {
    // 1. Sign in.
    let resp = await page.goto(`${base}/signin`);
    check(resp && resp.status() === 200, 'the sign-in page loads', resp && resp.status());
    await snap(page, 'signin');
    await page.fill('#name', cfg.user);
    await page.fill('#password', cfg.password);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signin')),
      page.click('form[action="/signin"] button[type="submit"]')]);
    check(new URL(page.url()).pathname === '/', 'signing in lands on the matrix', page.url());

    // 2. The matrix.
    await page.waitForSelector('svg');
    const svgCount = await page.locator('svg').count();
    check(svgCount > 0, 'the matrix page draws an SVG');
    const before = await bubble(page, account);
    check(before !== null, `the matrix has a bubble for account ${account}`);
    await snap(page, 'matrix');
    const table = await page.locator('table').count();
    check(table > 0, 'the matrix page has a table of the accounts');
    await matrixLikePictures(page);
    if (before) {
      const b = page.locator(`svg a[href="/accounts/${account}"]`).first();
      await b.hover();
      await page.waitForTimeout(300);
      await snap(page, 'matrix-hover', false);
      await b.focus();
      await page.waitForTimeout(200);
      await snap(page, 'matrix-focus', false);
    }
    const phone = await m.context.newPage();
    await watch(phone, 'phone');
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${base}/`);
    await snap(phone, 'matrix-phone');
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 1, 'the matrix fits a phone screen without sideways scrolling', `${overflow}px wider`);
    await phone.close();

    // 3. Open the account by clicking its bubble.
    if (before) {
      await Promise.all([page.waitForURL(`**/accounts/${account}`),
        page.locator(`svg a[href="/accounts/${account}"]`).first().click()]);
    } else {
      await page.goto(`${base}/accounts/${account}`);
    }
    check(new URL(page.url()).pathname === `/accounts/${account}`, 'the bubble opens the account page', page.url());
    const s0 = await scores(page);
    check(s0 !== null, 'the account page shows both scores');
    console.log(`     scores before: ${JSON.stringify(s0)}`);
    await snap(page, 'account');

    // 4. An assessment through the form: our own view, all points high.
    const assessLink = page.locator(`a[href="/accounts/${account}/assess"]`).first();
    if (check(await assessLink.count() > 0, 'the account page links to its assessment form')) {
      await Promise.all([page.waitForURL(`**/accounts/${account}/assess`), assessLink.click()]);
    } else {
      await page.goto(`${base}/accounts/${account}/assess`);
    }
    await snap(page, 'assess-form');
    const respondent = page.locator('select#respondent');
    const opts = await respondent.locator('option').evaluateAll((os_) => os_.map((o) => o.value));
    const stakeholder = opts.find((v) => /^\d+$/.test(v));
    check(stakeholder !== undefined, 'the form offers the account\'s stakeholders as respondents');
    await respondent.selectOption(stakeholder);
    const n = await answerAll(page, high);
    check(n >= 10, 'the form has the instrument\'s statements', `${n} answered`);
    await snap(page, 'assess-filled');
    await submit(page, page.locator('form.assess button[type="submit"]').first());
    await snap(page, 'assess-saved');
    if (!new URL(page.url()).pathname.endsWith(`/accounts/${account}`)) {
      await page.goto(`${base}/accounts/${account}`);
    }
    const s1 = await scores(page);
    console.log(`     scores after the assessment: ${JSON.stringify(s1)}`);
    check(s0 && s1 && (s1.intellectual > s0.intellectual || s1.emotional > s0.emotional),
      'the assessment moves the account\'s scores up', `${JSON.stringify(s0)} -> ${JSON.stringify(s1)}`);

    // 5. A survey link for another stakeholder.
    const who = page.locator('select#sv-who');
    let surveyUrl = null;
    if (await who.count()) {
      const sopts = await who.locator('option').evaluateAll((os_) => os_.map((o) => o.value));
      const other = sopts.filter((v) => /^\d+$/.test(v)).find((v) => v !== stakeholder) ||
        sopts.find((v) => /^\d+$/.test(v));
      await who.selectOption(other);
      await page.fill('#sv-days', '7');
      await submit(page, page.locator(`form[action="/accounts/${account}/survey"] button[type="submit"]`));
      await page.waitForSelector('#survey-url');
      surveyUrl = await page.locator('#survey-url').inputValue();
      if (surveyUrl.startsWith('/')) surveyUrl = base + surveyUrl;
      check(/\/survey\/[A-Za-z0-9_-]{20,}$/.test(surveyUrl), 'a survey link with an unguessable secret is shown', surveyUrl);
      await snap(page, 'survey-link');
    } else {
      check(false, 'the account page has a form to create a survey link');
    }

    // 6. The customer answers it in a fresh browser, without an account.
    if (surveyUrl) {
      const c = await openBrowser('customer');
      try {
        resp = await c.page.goto(surveyUrl);
        check(resp && resp.status() === 200, 'the survey link opens without signing in', resp && resp.status());
        await snap(c.page, 'survey-form');
        const k = await answerAll(c.page, high);
        check(k >= 10, 'the survey shows the statements', `${k} answered`);
        await submit(c.page, c.page.locator('main form button[type="submit"]').last());
        const thanks = await c.page.locator('main').innerText();
        check(/thank/i.test(thanks), 'the survey thanks the customer', thanks.slice(0, 120));
        await snap(c.page, 'survey-thanks');
        resp = await c.page.goto(surveyUrl);
        check(resp && resp.status() >= 400 && resp.status() < 500, 'the link works only once', resp && resp.status());
        await snap(c.page, 'survey-used');
        // The 4xx of the used link is expected, not a problem.
        for (let i = problems.length - 1; i >= 0; i--) {
          if (problems[i].startsWith('[customer]') && problems[i].includes('/survey/') &&
              (/ 4\d\d for /.test(problems[i]) || /status of 4\d\d/.test(problems[i]))) {
            problems.splice(i, 1);
          }
        }
      } finally {
        await closeBrowser(c);
      }
    }

    // 7. The point moves.
    await page.goto(`${base}/accounts/${account}`);
    const s2 = await scores(page);
    console.log(`     scores after the survey: ${JSON.stringify(s2)}`);
    check(s1 && s2 && (s2.intellectual > s1.intellectual || s2.emotional > s1.emotional),
      'the survey answers move the account\'s scores up', `${JSON.stringify(s1)} -> ${JSON.stringify(s2)}`);
    await snap(page, 'account-after');
    await page.goto(`${base}/`);
    await page.waitForSelector('svg');
    const after = await bubble(page, account);
    console.log(`     bubble before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`);
    check(before && after && after.cx > before.cx && after.cy < before.cy,
      'the account\'s bubble moved up and to the right on the matrix',
      `${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
    await snap(page, 'matrix-after');

    // 8. An account whose fields hold XSS payloads: the pages show them as text.
    if (cfg.xss_account) {
      await page.goto(`${base}/accounts/${cfg.xss_account}`);
      await snap(page, 'xss-account');
      await page.goto(`${base}/?q=${encodeURIComponent('<script>alert(1)</script>')}`);
      const xb = page.locator(`svg a[href="/accounts/${cfg.xss_account}"]`).first();
      if (await xb.count()) {
        await xb.hover();
        await page.waitForTimeout(300);
      }
      await snap(page, 'xss-matrix', false);
    }

    // 9. Sign out.
    await Promise.all([page.waitForURL('**/signin**'),
      page.locator('form[action="/signout"] button[type="submit"]').click()]);
    check(new URL(page.url()).pathname === '/signin', 'signing out lands on the sign-in page', page.url());
    resp = await page.goto(`${base}/`);
    check(new URL(page.url()).pathname === '/signin', 'after signing out the matrix asks to sign in', page.url());
    await snap(page, 'signed-out');
  } catch (e) {
    check(false, 'the flow ran to the end', e && e.stack ? e.stack.split('\n').slice(0, 4).join(' | ') : String(e));
    await snap(page, 'error').catch(() => {});
  } finally {
    await closeBrowser(m);
  }

  check(problems.length === 0, 'no console errors, CSP violations, dialogs or failed requests',
    problems.join('\n      '));
  fs.writeFileSync(path.join(artifacts, 'summary.json'),
    JSON.stringify({ base, passed: checks.passed, failures, problems, screenshots: shot }, null, 2));
  console.log(`e2e: ${checks.passed} passed, ${failures.length} failed`);
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
