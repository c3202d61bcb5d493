// relmap.mjs — the relationship map in headless Chromium (Debian's /usr/bin/chromium, driven
// by playwright-core): a manager signs in, creates an account under a parent on the "new
// account" page, adds three stakeholders who report to one another, edits one, sees the map
// drawn with a coverage gap flagged, and removes one; on the parent's page, the group now lists
// the new account; an overdue action added to the new account shows among the front page's
// "Needs attention", and once ticked done there it is gone. Console errors, page errors, CSP
// violations, dialogs and failed requests are failures.
//   usage: node relmap.mjs BASE_URL ARTIFACTS CONFIG_JSON
//   CONFIG_JSON: {"user", "password", "parent", "parent_name", "today", "yesterday"}
import path from 'node:path';
import { checker, cliArgs, finish, signedIn } from './checks.mjs';

const { base, artifacts, cfg } = cliArgs('relmap.mjs');
const tally = checker();
const check = tally.check;

// Fill the "Add a stakeholder" form of the account page and submit it.
async function addStakeholder(page, who) {
  await page.locator('details.add-stakeholder > summary').click();
  const form = page.locator('details.add-stakeholder form');
  await form.locator('input[name="name"]').fill(who.name);
  await form.locator('input[name="role"]').fill(who.role || '');
  await form.locator('input[name="influence"]').fill(String(who.influence));
  await form.locator('select[name="stance"]').selectOption(who.stance);
  if (who.reportsTo) await form.locator('select[name="reports_to"]').selectOption({ label: who.reportsTo });
  if (who.counterpart) await form.locator('input[name="counterpart"]').fill(who.counterpart);
  await Promise.all([page.waitForURL((u) => u.searchParams.get('saved') === 'stakeholder-added'),
    form.locator('button[type="submit"]').click()]);
}

async function main() {
  let session = null;
  try {
    session = await signedIn(base, cfg, 'relmap');
    const { page } = session;

    // A new account under a parent, from the accounts list.
    await page.goto(`${base}/accounts`);
    await Promise.all([page.waitForURL((u) => u.pathname === '/accounts/new'),
      page.click('a[href="/accounts/new"]')]);
    await page.fill('#acc-name', 'Mapping Test GmbH');
    await page.fill('#acc-parent', String(cfg.parent));
    await page.fill('#acc-region', 'DACH');
    await page.fill('#acc-revenue', '250000');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('saved') === 'account-created'),
      page.click('form[action="/accounts"] button[type="submit"]')]);
    const account = new URL(page.url()).pathname.split('/')[2];
    check(/^[0-9]+$/.test(account), 'the account is created and opened', page.url());
    check(/Mapping Test GmbH/.test(await page.locator('h1').innerText()), 'under its name');
    const partOf = page.locator('dl.meta a[href="/accounts/' + cfg.parent + '"]');
    check(await partOf.count() === 1 && (await partOf.innerText()) === cfg.parent_name,
      'it is part of the parent account');
    check(/No stakeholders recorded/.test(await page.locator('#map').innerText()),
      'the map is empty at first');

    // Three stakeholders, each reporting to the one before.
    await addStakeholder(page, { name: 'Eva Boss', role: 'Economic buyer', influence: 0.7,
      stance: 'sceptic' });
    await addStakeholder(page, { name: 'Finn Middle', role: 'Head of IT', influence: 0.5,
      stance: 'champion', reportsTo: 'Eva Boss', counterpart: 'Priya Shah' });
    await addStakeholder(page, { name: 'Gus Analyst', role: 'Analyst', influence: 0.2,
      stance: 'supporter', reportsTo: 'Finn Middle' });
    check(await page.locator('svg.relmap g.map-node').count() === 3, 'three people on the map');

    // Edit one: Eva gets a counterpart and a contact today, which closes her gaps.
    const edit = page.locator('details.edit-stakeholder', { hasText: 'Edit Eva Boss' });
    await edit.locator('summary').click();
    await edit.locator('input[name="counterpart"]').fill('Priya Shah');
    await edit.locator('input[name="last_contact"]').fill(cfg.today);
    await edit.locator('select[name="channel"]').selectOption('meeting');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('saved') === 'stakeholder'),
      edit.locator('form.stack button[type="submit"]').click()]);
    check(/Stakeholder saved/.test(await page.locator('main').innerText()), 'the edit is saved');
    const evaRow = page.locator('tr', { has: page.locator('th', { hasText: 'Eva Boss' }) }).first();
    const evaText = await evaRow.innerText();
    check(evaText.includes('Priya Shah') && evaText.includes(cfg.today),
      'the table shows the new counterpart and contact', evaText);

    // The map: Finn, a champion with only a sceptic above, is flagged; Eva no longer is.
    const nodes = page.locator('svg.relmap g.map-node');
    check(await nodes.count() === 3, 'still three people on the map');
    const ids = {};
    for (const name of ['Eva Boss', 'Finn Middle', 'Gus Analyst']) {
      const g = page.locator('svg.relmap g.map-node', { hasText: name });
      ids[name] = g;
      check(await g.count() === 1, `${name} is on the map`);
    }
    check(/\bgap\b/.test(await ids['Finn Middle'].getAttribute('class')), 'Finn is flagged');
    check(!/\bgap\b/.test(await ids['Eva Boss'].getAttribute('class')), 'Eva is not');
    check(await ids['Finn Middle'].locator('circle').getAttribute('fill') === '#2c9854',
      'a champion in the champions\' colour');
    check(await ids['Eva Boss'].locator('circle').getAttribute('fill') === '#c2467a',
      'a sceptic in the sceptics\' colour');
    const rEva = Number(await ids['Eva Boss'].locator('circle').getAttribute('r'));
    const rGus = Number(await ids['Gus Analyst'].locator('circle').getAttribute('r'));
    check(rEva > rGus, 'sized by influence', `${rEva} vs ${rGus}`);
    const [yEva, yFinn, yGus] = await Promise.all(['Eva Boss', 'Finn Middle', 'Gus Analyst']
      .map((n) => ids[n].locator('circle').getAttribute('cy').then(Number)));
    check(yEva < yFinn && yFinn < yGus, 'drawn by whom they report to, top down',
      `${yEva} ${yFinn} ${yGus}`);
    check(await page.locator('svg.relmap path').count() === 2, 'two reporting lines');
    const gaps = await page.locator('#map ul.gaps').innerText();
    check(/Finn Middle: champion with only sceptics or opponents above/.test(gaps) &&
      !/Eva Boss/.test(gaps), 'the gap is listed', gaps);
    await page.locator('#map').screenshot({ path: path.join(artifacts, '95-relmap.png') });

    // Removing one takes them off the map and the table.
    const gus = page.locator('details.edit-stakeholder', { hasText: 'Edit Gus Analyst' });
    await gus.locator('summary').click();
    await Promise.all([page.waitForURL((u) => u.searchParams.get('saved') === 'stakeholder-removed'),
      gus.locator('form[action$="/remove"] button[type="submit"]').click()]);
    check(await page.locator('svg.relmap g.map-node').count() === 2 &&
      await page.locator('#people th', { hasText: 'Gus Analyst' }).count() === 0,
    'a removed stakeholder leaves the map and the table');
    await page.screenshot({ path: path.join(artifacts, '96-relmap-account.png'), fullPage: true });

    // The parent is now a group: its page rolls it up with the new account among its members,
    // linked, listed as not placed (it has no assessment yet).
    await page.goto(`${base}/accounts/${cfg.parent}`);
    const group = page.locator('#group');
    check(await group.count() === 1, 'the parent\'s page has a group section');
    check(await group.locator('svg.mini.group').count() === 1, 'with its small matrix');
    const member = group.locator('tr', { has: page.locator(`a[href="/accounts/${account}"]`) });
    check(await member.count() === 1, 'the new account is a member of the group');
    check(/Mapping Test GmbH/.test(await member.innerText()) &&
      /Not placed \(never assessed\)/.test(await member.innerText()),
    'listed, not placed', await member.innerText());
    check(/This account and the [0-9]+ below it/.test(await group.innerText()) &&
      /Group revenue/.test(await group.innerText()), 'the group\'s revenue and members');
    await group.screenshot({ path: path.join(artifacts, '97-group.png') });
    await Promise.all([page.waitForURL((u) => u.pathname === `/accounts/${account}`),
      member.locator('a').click()]);
    check(true, 'the member links to its page');

    // An action due yesterday is overdue: the front page's "Needs attention" says so.
    await page.locator('details.add-action > summary').click();
    const add = page.locator('details.add-action form');
    await add.locator('#act-title').fill('Send the pilot report');
    await add.locator('#act-owner').fill('Priya Shah');
    await add.locator('#act-due').fill(cfg.yesterday);
    await Promise.all([page.waitForURL((u) => u.pathname === `/accounts/${account}`),
      add.locator('button[type="submit"]').click()]);
    const countOf = async () => {
      const text = await page.locator('#attention').innerText();
      const m = /([0-9]+) alerts? on [0-9]+ accounts?/.exec(text);
      return m ? Number(m[1]) : 0;
    };
    // The front page lists the first few accounts' alerts; /alerts lists every one.
    const ours = page.locator(`ul.alerts li:has(> a[href="/accounts/${account}"]) ` +
      'li[data-kind="overdue_action"]');
    await page.goto(`${base}/alerts`);
    check(await ours.count() === 1, 'the overdue action is an alert');
    await page.goto(`${base}/`);
    const before = await countOf();
    check(before > 0, 'the front page needs attention', before);
    // Tick it done on the account's plan.
    await page.goto(`${base}/accounts/${account}`);
    const row = page.locator('tr', { hasText: 'Send the pilot report' });
    check(await row.count() === 1, 'the action is on the plan');
    await Promise.all([page.waitForURL((u) => u.pathname === `/accounts/${account}`),
      row.locator('button.done-button').click()]);
    await page.goto(`${base}/`);
    const after = await countOf();
    check(after === before - 1, 'one alert fewer once the action is done', `${before} -> ${after}`);
    check(await ours.count() === 0, 'the front page no longer lists it');
    await page.locator('#attention').screenshot({ path: path.join(artifacts, '98-attention.png') });
    await page.goto(`${base}/alerts`);
    check(await ours.count() === 0, 'nor do the alerts');
  } catch (e) {
    check(false, 'the relationship map flow ran to the end', e && e.message);
    if (session) {
      await session.page.screenshot({ path: path.join(artifacts, '95-relmap-error.png') })
        .catch(() => {});
    }
  } finally {
    if (session) await session.close();
  }
  finish('relmap', tally, session ? session.problems : ['the browser did not start']);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
