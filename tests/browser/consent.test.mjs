// tests/browser/consent.test.mjs: the consent page in a real browser
// (headless Chromium driven by Playwright). Run by tests/browser/run.sh,
// which starts the server and passes BASE, CLIENT_ID, CLIENT_SECRET,
// OAUTH_REDIRECT, OMI_USER and OMI_PASSWORD in the environment.
//
// No request leaves the machine: Chromium resolves no host name but
// localhost, ChatGPT's callback is answered by context.route when it can
// be, and the browser's request for it is what the test watches (Chromium
// hands a redirect's target to the network stack, not to the route, so the
// navigation ends in a name-resolution error page after the request was
// made; the request proves the form, the 302 and the CSP let it through).
// The "other site" that tries to frame the page is a small local server on
// another port, so the browser treats it as a different origin.
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';

const env = process.env;
const BASE = env.BASE;
const REDIRECT = env.OAUTH_REDIRECT;
const CALLBACK_HOST = new URL(REDIRECT).origin;
let passed = 0, failed = 0;

function check(desc, ok, detail = '') {
	if (ok) passed++;
	else {
		failed++;
		console.error(`FAIL [consent]: ${desc}${detail ? ': ' + detail : ''}`);
	}
}

function authorizeUrl(state) {
	const q = new URLSearchParams({ response_type: 'code',
	    client_id: env.CLIENT_ID, redirect_uri: REDIRECT,
	    scope: 'read:memories', state });
	return `${BASE}/chatgpt/oauth/authorize?${q}`;
}

// A fresh context (cookies and all) whose ChatGPT callback never reaches
// the network; seen lists the callback URLs the browser asked for.
async function session(browser) {
	const context = await browser.newContext();
	const page = await context.newPage();
	const seen = [];
	context.on('request', (r) => {
		if (r.url().startsWith(`${CALLBACK_HOST}/`))
			seen.push(r.url());
	});
	await context.route(`${CALLBACK_HOST}/**`, (route) => route.fulfill({
	    status: 200, contentType: 'text/html',
	    body: '<!doctype html><title>callback</title><p>ChatGPT callback</p>' }));
	return { context, page, seen };
}

// Clicks a button and waits until the browser requests the callback and
// commits to it (a later goto must not race that navigation); returns its
// URL.
async function submitTo(page, button) {
	const [req] = await Promise.all([
		page.waitForRequest((r) => r.url().startsWith(`${CALLBACK_HOST}/`),
		    { timeout: 10000 }),
		page.locator(button).click(),
	]);
	await page.waitForURL((u) => u.href.startsWith(`${CALLBACK_HOST}/`),
	    { timeout: 10000, waitUntil: 'commit' });
	return new URL(req.url());
}

async function allowFlow(browser) {
	const { context, page } = await session(browser);
	const consoleErrors = [];
	page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
	await page.goto(authorizeUrl('state-allow'));
	check('consent page title', (await page.title()).includes('ChatGPT'));
	check('asks for the OMI user id', await page.getByLabel('OMI user id').isVisible());
	// The inline style applies (the CSP allows it): Allow is blue.
	const bg = await page.locator('button[value=allow]').evaluate(
	    (b) => getComputedStyle(b).backgroundColor);
	check('inline CSS applied under the CSP', bg === 'rgb(37, 99, 235)', bg);
	await page.getByLabel('OMI user id').fill(env.OMI_USER);
	await page.getByLabel('Password').fill(env.OMI_PASSWORD);
	const url = await submitTo(page, 'button[value=allow]');
	check('navigated to the callback', url.origin + url.pathname === REDIRECT, url.href);
	const code = url.searchParams.get('code');
	check('callback carries a code', /^[A-Za-z0-9_-]{43}$/.test(code || ''), url.href);
	check('callback carries the state', url.searchParams.get('state') === 'state-allow');
	check('no CSP errors on the way', !consoleErrors.some((t) =>
	    /Content Security Policy|Refused/i.test(t)), consoleErrors.join(' | '));
	// The code works at the token endpoint, as ChatGPT would use it.
	const r = await fetch(`${BASE}/chatgpt/oauth/token`, {
		method: 'POST',
		headers: { Authorization: 'Basic ' + Buffer.from(
		    `${env.CLIENT_ID}:${env.CLIENT_SECRET}`).toString('base64') },
		body: new URLSearchParams({ grant_type: 'authorization_code',
		    code: code || '', redirect_uri: REDIRECT }),
	});
	const j = await r.json();
	check('the code redeems', r.status === 200 && j.token_type === 'bearer',
	    JSON.stringify(j));
	await context.close();
}

async function denyFlow(browser) {
	const { context, page } = await session(browser);
	await page.goto(authorizeUrl('state-deny'));
	// Deny needs no credentials (formnovalidate).
	const url = await submitTo(page, 'button[value=deny]');
	check('deny: error=access_denied', url.searchParams.get('error') === 'access_denied', url.href);
	check('deny: state', url.searchParams.get('state') === 'state-deny');
	check('deny: no code', !url.searchParams.has('code'));
	await context.close();
}

async function wrongPassword(browser) {
	const { context, page, seen } = await session(browser);
	await page.goto(authorizeUrl('state-wrong'));
	await page.getByLabel('OMI user id').fill(env.OMI_USER);
	await page.getByLabel('Password').fill('not the password');
	await Promise.all([
		page.waitForLoadState('load'),
		page.locator('button[value=allow]').click(),
	]);
	const alert = page.getByRole('alert');
	await alert.waitFor({ timeout: 10000 });
	check('wrong password message', /user id or password is not correct/.test(
	    await alert.innerText()));
	check('stays on the consent page', page.url().startsWith(`${BASE}/chatgpt/oauth/authorize`), page.url());
	check('uid kept in the form', await page.getByLabel('OMI user id').inputValue() === env.OMI_USER);
	// The fresh form still works with the right password.
	await page.getByLabel('Password').fill(env.OMI_PASSWORD);
	const url = await submitTo(page, 'button[value=allow]');
	check('second attempt reaches the callback', url.searchParams.has('code'), url.href);
	check('nothing reached the callback before', new Set(seen).size === 1, seen.join(' '));
	await context.close();
}

// A browser that signed in keeps a known-device cookie, and with it signs
// in again while someone else's wrong guesses (from the same address) have
// locked that address for every other browser. Runs last: it leaves the
// address locked.
async function knownDevice(browser) {
	const mine = await session(browser);
	await mine.page.goto(authorizeUrl('state-device-1'));
	await mine.page.getByLabel('OMI user id').fill(env.OMI_USER);
	await mine.page.getByLabel('Password').fill(env.OMI_PASSWORD);
	let url = await submitTo(mine.page, 'button[value=allow]');
	check('device: first sign-in', url.searchParams.has('code'), url.href);
	const dev = (await mine.context.cookies(`${BASE}/chatgpt/oauth/authorize`)).find((c) => c.name === 'omi_device');
	check('device: the browser keeps the cookie', dev !== undefined);
	check('device: HttpOnly, SameSite=Lax, the whole site',
	    dev && dev.httpOnly && dev.sameSite === 'Lax' && dev.path === '/',
	    JSON.stringify(dev));
	// The page is served under /cgi-bin/authorize too.
	check('device: the cookie goes to /cgi-bin/authorize as well',
	    (await mine.context.cookies(`${BASE}/cgi-bin/authorize`)).some((c) => c.name === 'omi_device'));
	check('device: kept for about a year', dev &&
	    dev.expires * 1000 - Date.now() > 360 * 86400 * 1000, String(dev && dev.expires));

	const other = await session(browser);
	await other.page.goto(authorizeUrl('state-device-guess'));
	for (let i = 1; i <= 5; i++) {
		await other.page.getByLabel('OMI user id').fill(env.OMI_USER);
		await other.page.getByLabel('Password').fill(`guess ${i}`);
		await Promise.all([
			other.page.waitForLoadState('load'),
			other.page.locator('button[value=allow]').click(),
		]);
		await other.page.getByRole('alert').waitFor({ timeout: 10000 });
	}
	check('device: another browser\'s guesses lock the user id',
	    /Too many failed sign-ins/.test(await other.page.getByRole('alert').innerText()));
	await other.context.close();

	await mine.page.goto(authorizeUrl('state-device-2'));
	await mine.page.getByLabel('OMI user id').fill(env.OMI_USER);
	await mine.page.getByLabel('Password').fill(env.OMI_PASSWORD);
	url = await submitTo(mine.page, 'button[value=allow]');
	check('device: the known browser still signs in', url.searchParams.has('code') &&
	    url.searchParams.get('state') === 'state-device-2', url.href);
	await mine.context.close();
}

// A page on another origin (a local server on another port) frames the
// consent page and, as a control, a plain page of the same server that
// allows framing: the control renders, the consent page must not.
async function framing(browser) {
	const target = authorizeUrl('state-frame');
	const server = createServer((req, res) => {
		res.writeHead(200, { 'Content-Type': 'text/html' });
		res.end(`<!doctype html><title>framer</title>
<iframe id="consent" src="${target}" width="600" height="600"></iframe>
<iframe id="control" src="${BASE}/index.html" width="600" height="200"></iframe>`);
	});
	await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
	const context = await browser.newContext();
	const page = await context.newPage();
	const messages = [];
	page.on('console', (m) => messages.push(m.text()));
	try {
		await page.goto(`http://127.0.0.1:${server.address().port}/`);
		const frameOf = async (id) => {
			const el = await page.$(`#${id}`);
			return el ? await el.contentFrame() : null;
		};
		const textOf = async (frame) => frame ? await frame.evaluate(
		    () => document.body ? document.body.innerText : '').catch(() => '') : '';
		const blocked = () => messages.some(
		    (t) => /frame-ancestors|X-Frame-Options/i.test(t));
		// Until the control has rendered and the browser has reported the
		// block (up to 20 s: a slow machine outlasts any fixed pause).
		let controlText = '';
		for (const end = Date.now() + 20000; Date.now() < end;
		    await page.waitForTimeout(100)) {
			controlText = await textOf(await frameOf('control'));
			if (/OMI to ChatGPT bridge/.test(controlText) && blocked())
				break;
		}
		check('control: an ordinary page renders in a frame',
		    /OMI to ChatGPT bridge/.test(controlText), controlText);
		const framed = await frameOf('consent');
		const form = framed ? await framed.$('input[name=uid]').catch(() => null) : null;
		check('consent page does not render in a frame', form === null);
		check('the browser blocked it for framing', blocked(), messages.join(' | '));
	} finally {
		await context.close();
		server.close();
	}
}

const browser = await chromium.launch({
	executablePath: env.CHROMIUM || '/usr/bin/chromium',
	headless: true,
	// launch() runs each browser in a fresh temporary profile.
	args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	    '--disable-background-networking', '--disable-component-update',
	    '--disable-sync', '--disable-dev-shm-usage',
	    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1'],
});
for (const t of [allowFlow, denyFlow, wrongPassword, framing, knownDevice]) {
	try {
		await t(browser);
	} catch (e) {
		check(`${t.name} ran to the end`, false, e.message.split('\n')[0]);
	}
}
await browser.close();
console.log(`consent [chromium]: ${passed} passed, ${failed} failed`);
if (env.OMI_RESULTS)
	appendFileSync(env.OMI_RESULTS, `${passed} ${failed}\n`);
process.exit(failed ? 1 : 0);
