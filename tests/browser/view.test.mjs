// tests/browser/view.test.mjs: the conversation pages (/c/) in a real
// browser (headless Chromium driven by Playwright), as a person who follows
// an assistant's citation does: the link opens the sign-in page, signing in
// comes back to that conversation, the list and its search work, another
// id is a 404, and signing out ends it. Run by tests/browser/run.sh, which
// starts the server and passes BASE, OMI_USER, OMI_PASSWORD,
// OMI_WEBHOOK_KEY and OMI_FIXTURES in the environment.
import { appendFileSync, readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const env = process.env;
const BASE = env.BASE;
const ID_CUR = '6f1c2a9e-3b7d-4c1e-9a52-0d8e4b7f2c11';
let passed = 0, failed = 0;

function check(desc, ok, detail = '') {
	if (ok) passed++;
	else {
		failed++;
		console.error(`FAIL [view]: ${desc}${detail ? ': ' + detail : ''}`);
	}
}

// The shared fixtures, posted as OMI would.
for (const f of ['omi-current', 'omi-legacy']) {
	const r = await fetch(`${BASE}/chatgpt/webhook/memory?uid=${env.OMI_USER}` +
	    `&key=${env.OMI_WEBHOOK_KEY}`, { method: 'POST',
	    headers: { 'Content-Type': 'application/json' },
	    body: readFileSync(`${env.OMI_FIXTURES}/${f}.json`) });
	check(`webhook ${f}`, r.status === 200, String(r.status));
}

async function flow(browser) {
	const context = await browser.newContext();
	const page = await context.newPage();
	const consoleErrors = [];
	page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });

	// A citation, opened signed out: the sign-in page, nothing of the data.
	await page.goto(`${BASE}/c/${ID_CUR}`);
	check('the sign-in page', await page.getByLabel('User id').isVisible());
	check('nothing shown before sign-in',
	    !(await page.content()).includes('Kitchen'));
	const bg = await page.locator('button.primary').evaluate(
	    (b) => getComputedStyle(b).backgroundColor);
	check('inline CSS applied under the CSP', bg === 'rgb(11, 87, 208)', bg);
	await page.getByLabel('User id').fill(env.OMI_USER);
	await page.getByLabel('Password').fill('not the password');
	await Promise.all([page.waitForLoadState('load'),
	    page.getByRole('button', { name: 'Sign in' }).click()]);
	await page.locator('.error').filter({ hasText: 'not correct' })
	    .waitFor({ timeout: 10000 });
	check('a wrong password: says so, user id kept',
	    await page.getByLabel('User id').inputValue() === env.OMI_USER);
	await page.getByLabel('Password').fill(env.OMI_PASSWORD);
	await Promise.all([page.waitForURL(`${BASE}/c/${ID_CUR}`, { timeout: 10000 }),
	    page.getByRole('button', { name: 'Sign in' }).click()]);
	check('back at the conversation', page.url() === `${BASE}/c/${ID_CUR}`, page.url());
	check('its title', (await page.locator('h1').innerText())
	    .includes('Planning The Kitchen Renovation'));
	const text = await page.locator('main').innerText();
	check('its action item', text.includes('Send the contractor photos'));
	check('its transcript, labelled', /\] User: So what/.test(text) &&
	    /Speaker 1: Realistically/.test(text));
	check('signed in as the user', text.length > 0 &&
	    (await page.locator('header').innerText()).includes(`Signed in as ${env.OMI_USER}`));
	const c = (await context.cookies(`${BASE}/c/`)).find((k) => k.name === 'omi_view');
	check('session cookie: HttpOnly, SameSite=Lax, /c/', c && c.httpOnly &&
	    c.sameSite === 'Lax' && c.path === '/c/', JSON.stringify(c));
	check('session cookie: about 12 hours', c &&
	    Math.abs(c.expires * 1000 - Date.now() - 12 * 3600 * 1000) < 600 * 1000,
	    String(c && c.expires));

	// The list, and a search from its box.
	await page.getByRole('link', { name: 'All conversations' }).click();
	await page.waitForURL(`${BASE}/c/`);
	check('the list', (await page.locator('main').innerText())
	    .includes('Project Timeline Discussion'));
	await page.getByRole('searchbox').fill('kitchen');
	await Promise.all([page.waitForURL(/\/c\/\?q=kitchen$/),
	    page.getByRole('button', { name: 'Search' }).click()]);
	const found = await page.locator('ul.convs li').allInnerTexts();
	check('search: one match', found.length === 1 &&
	    found[0].includes('Kitchen'), found.join(' | '));
	await page.getByRole('link', { name: /Planning The Kitchen/ }).click();
	await page.waitForURL(`${BASE}/c/${ID_CUR}`);
	check('the match opens', (await page.locator('h1').innerText()).includes('Kitchen'));

	// Someone else's or an unknown id.
	const r = await page.goto(`${BASE}/c/someone-elses`);
	check('an unknown id: 404', r.status() === 404, String(r.status()));
	check('an unknown id: says so', (await page.locator('h1').innerText()) === 'Not found');

	// Sign out.
	await Promise.all([page.waitForURL(`${BASE}/c/`),
	    page.getByRole('button', { name: 'Sign out' }).click()]);
	check('signed out: the sign-in page', await page.getByLabel('User id').isVisible());
	check('signed out: the cookie is gone', !(await context.cookies(`${BASE}/c/`))
	    .some((k) => k.name === 'omi_view'));
	await page.goto(`${BASE}/c/${ID_CUR}`);
	check('signed out: the conversation is not shown',
	    !(await page.content()).includes('Kitchen'));
	check('no CSP errors on the way', !consoleErrors.some((t) =>
	    /Content Security Policy|Refused/i.test(t)), consoleErrors.join(' | '));
	await context.close();
}

const browser = await chromium.launch({
	executablePath: env.CHROMIUM || '/usr/bin/chromium',
	headless: true,
	args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	    '--disable-background-networking', '--disable-component-update',
	    '--disable-sync', '--disable-dev-shm-usage',
	    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1'],
});
try {
	await flow(browser);
} catch (e) {
	check('flow ran to the end', false, e.message.split('\n')[0]);
}
await browser.close();
console.log(`view [chromium]: ${passed} passed, ${failed} failed`);
if (env.OMI_RESULTS)
	appendFileSync(env.OMI_RESULTS, `${passed} ${failed}\n`);
process.exit(failed ? 1 : 0);
