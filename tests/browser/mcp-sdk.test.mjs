// tests/browser/mcp-sdk.test.mjs: the MCP server end to end with a client
// we did not write: the official TypeScript SDK (@modelcontextprotocol/sdk),
// its Client and StreamableHTTPClientTransport with an OAuthClientProvider,
// given nothing but the server URL <base>/mcp. The SDK discovers the
// authorization server (the 401's resource_metadata, the protected resource
// metadata, the authorization server metadata), registers itself (RFC 7591),
// and sends the user to the consent page with PKCE S256 and the resource
// parameter; headless Chromium signs in there, the redirect lands on a
// loopback callback (a small HTTP server of this test on 127.0.0.1), and the
// code goes to transport.finishAuth(). Then tools/list and each tool, checked
// against the conversations mcp-sdk.setup.sh posted through the webhook, and
// the other user's conversations never seen. Also: the SDK's refresh-token
// path, a token bound to the conversations API refused at /mcp (through
// the client alice's sign-in registered), and the second user through a
// confidential client, signed out by omi-admin revoke.
//
// Run by tests/browser/run.sh under the servers below (tests/run.sh reads
// the line), with BASE, OMI_USER, OMI_PASSWORD, OMI_USER2, OMI_PASSWORD2,
// FIXTURES, ADMIN (omi-admin) and OMI_SERVER in the environment. Apache is
// the make dist tarball under /omi (apache-dist), so the SDK's discovery for
// an issuer with a path is walked too; apache.conf's routes are walked with
// curl by tests/e2e/mcp-oauth.sh.
// servers: lighttpd apache-dist lighttpd-fastcgi
import { appendFileSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { buildDiscoveryUrls, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';

const env = process.env;
const BASE = env.BASE;
const MCP_URL = `${BASE}/mcp`;
const NAME = `mcp-sdk [${env.OMI_SERVER || 'lighttpd'}]`;
const CLIENT_NAME = 'SDK Test Client';
let passed = 0, failed = 0;

function check(desc, ok, detail = '') {
	if (ok) passed++;
	else {
		failed++;
		console.error(`FAIL [${NAME}]: ${desc}${detail ? ': ' + detail : ''}`);
	}
}
const same = (desc, got, want) => check(desc,
    JSON.stringify(got) === JSON.stringify(want),
    `got ${JSON.stringify(got)?.slice(0, 400)}, want ${JSON.stringify(want)?.slice(0, 400)}`);

function finish() {
	console.log(`${NAME}: ${passed} passed, ${failed} failed`);
	if (env.OMI_RESULTS)
		appendFileSync(env.OMI_RESULTS, `${passed} ${failed}\n`);
	process.exit(failed ? 1 : 0);
}
// A hang anywhere (a server that never answers) ends the run as a failure.
setTimeout(() => { check('finished within 180 s', false); finish(); }, 180000).unref();

// What the setup posted.
const fixture = (f) => JSON.parse(readFileSync(`${env.FIXTURES}/${f}.json`, 'utf8'));
const CUR = fixture('omi-current'), LEG = fixture('omi-legacy');
const ID_CUR = CUR.id, ID_LEG = LEG.id, ID_LONG = 'long-1', ID_BOB = 'bob-1';

// long-1's transcript in the plugin's format, as mcp-sdk.setup.sh built it.
function longTranscript() {
	const hms = (t) => { t = Math.floor(t);
		return `${Math.floor(t / 3600)}:${String(Math.floor(t / 60) % 60).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`; };
	const blocks = [];
	for (let i = 0; i < 400; i++) {
		const label = i % 3 === 0 ? 'User' : `Speaker ${i % 3}`;
		blocks.push(`[${hms(i * 4)} - ${hms(i * 4 + 3.5)}] ${label}: Long part ${i} \u00e4\u00f6\u00fc \u{1F600} with some more words`);
	}
	return blocks.join('\n\n');
}

// Every request the SDK makes, with its answer's status.
const log = [];
async function recordingFetch(url, init = {}) {
	const r = await fetch(url, init);
	log.push({ method: init.method || 'GET', url: String(url), status: r.status,
	    www: r.headers.get('www-authenticate'),
	    scheme: (new Headers(init.headers).get('authorization') || '').split(' ')[0],
	    body: typeof init.body === 'string' ? init.body : init.body instanceof URLSearchParams ? init.body.toString() : '' });
	return r;
}
const path = (u) => u.startsWith(BASE) ? u.slice(BASE.length) : u;

// The loopback redirect URI (RFC 8252 7.3): a local server that takes
// the code; next() waits for the next callback's query.
const callback = { waiters: [] };
const cbServer = createServer((req, res) => {
	const u = new URL(req.url, 'http://127.0.0.1');
	res.writeHead(200, { 'Content-Type': 'text/html' });
	res.end('<!doctype html><title>signed in</title><p>You can close this window.');
	const w = callback.waiters.shift();
	if (w) w(u);
});
await new Promise((ok) => cbServer.listen(0, '127.0.0.1', ok));
const REDIRECT = `http://127.0.0.1:${cbServer.address().port}/callback`;
callback.next = () => new Promise((ok, fail) => {
	callback.waiters.push(ok);
	setTimeout(() => fail(new Error('no callback within 20 s')), 20000).unref();
});

// The SDK's OAuthClientProvider, kept in memory: a public client
// (token_endpoint_auth_method none) with the loopback redirect URI, or a
// confidential one (authMethod client_secret_basic).
class Provider {
	constructor(opts = {}) {
		this.client = opts.client;
		this.tok = opts.tokens;
		this.authUrl = null;
		this.authMethod = opts.authMethod || 'none';
		this.stateValue = `st-${Math.random().toString(36).slice(2)}`;
		if (opts.resource)
			this.validateResourceURL = async () => new URL(opts.resource);
	}
	get redirectUrl() { return REDIRECT; }
	get clientMetadata() {
		return { client_name: CLIENT_NAME, redirect_uris: [REDIRECT],
		    grant_types: ['authorization_code', 'refresh_token'],
		    response_types: ['code'], token_endpoint_auth_method: this.authMethod };
	}
	state() { return this.stateValue; }
	clientInformation() { return this.client; }
	saveClientInformation(c) { this.client = c; }
	tokens() { return this.tok; }
	saveTokens(t) { this.tok = t; }
	redirectToAuthorization(url) { this.authUrl = url; }
	saveCodeVerifier(v) { this.verifier = v; }
	codeVerifier() { return this.verifier; }
	// What the SDK calls when the server refuses a grant or the client.
	invalidateCredentials(scope) {
		if (scope === 'all' || scope === 'client')
			this.client = undefined;
		if (scope === 'all' || scope === 'tokens')
			this.tok = undefined;
		this.invalidated = (this.invalidated || []).concat(scope);
	}
}

function transportFor(provider) {
	return new StreamableHTTPClientTransport(new URL(MCP_URL),
	    { authProvider: provider, fetch: recordingFetch });
}

// connect() without a usable token: the SDK must end in
// redirectToAuthorization and throw UnauthorizedError.
async function connectUnauthorized(desc, provider) {
	const client = new Client({ name: 'omi-sdk-test', version: '1.0.0' });
	const transport = transportFor(provider);
	let err = null;
	try {
		await client.connect(transport);
	} catch (e) {
		err = e;
	}
	check(`${desc}: connect asks for authorization`, err instanceof UnauthorizedError,
	    err ? err.message : 'connected');
	check(`${desc}: the SDK sent the browser to the consent page`,
	    provider.authUrl !== null && provider.authUrl.href.startsWith(`${BASE}/chatgpt/oauth/authorize?`),
	    String(provider.authUrl));
	await client.close().catch(() => {});
	return transport;
}

// The browser at the SDK's authorization URL: signs in as UID and allows;
// returns the callback's query.
async function consent(browser, provider, uid, password) {
	const context = await browser.newContext();
	const page = await context.newPage();
	try {
		await page.goto(provider.authUrl.href);
		const text = await page.locator('body').innerText();
		check(`consent ${uid}: names the registered client, unverified`,
		    text.includes(CLIENT_NAME) && /unverified/i.test(text), text.slice(0, 300));
		check(`consent ${uid}: shows the redirect host`, text.includes('127.0.0.1'), text.slice(0, 300));
		await page.getByLabel('OMI user id').fill(uid);
		await page.getByLabel('Password').fill(password);
		const [q] = await Promise.all([callback.next(), page.locator('button[value=allow]').click()]);
		return q;
	} finally {
		await context.close();
	}
}

// A whole sign-in of UID through the SDK with PROVIDER; returns the
// transport whose finishAuth() redeemed the code.
async function signIn(browser, desc, provider, uid, password) {
	const transport = await connectUnauthorized(desc, provider);
	if (!provider.authUrl)
		throw new Error('no authorization URL');
	const q = await consent(browser, provider, uid, password);
	check(`${desc}: the callback has a code`, /^[A-Za-z0-9_-]{43}$/.test(q.searchParams.get('code') || ''), q.href);
	check(`${desc}: the callback has the state`, q.searchParams.get('state') === provider.stateValue, q.href);
	const n = log.length;
	await transport.finishAuth(q.searchParams.get('code'));
	const tokenReq = log.slice(n).find((r) => path(r.url) === '/chatgpt/oauth/token');
	check(`${desc}: the code redeems`, tokenReq && tokenReq.status === 200, JSON.stringify(tokenReq));
	check(`${desc}: tokens saved`, provider.tok && provider.tok.access_token &&
	    provider.tok.refresh_token && /^bearer$/i.test(provider.tok.token_type), JSON.stringify(provider.tok));
	return tokenReq ? new URLSearchParams(tokenReq.body) : new URLSearchParams();
}

async function connect(desc, provider) {
	const client = new Client({ name: 'omi-sdk-test', version: '1.0.0' });
	await client.connect(transportFor(provider));
	check(`${desc}: connected to omi-bridge`, client.getServerVersion()?.name === 'omi-bridge',
	    JSON.stringify(client.getServerVersion()));
	return client;
}

// tools/call: the structured answer, checked to equal its text form. (After
// tools/list the SDK also checks structuredContent against the tool's
// outputSchema, and throws on a mismatch.)
async function call(client, name, args) {
	const r = await client.callTool({ name, arguments: args });
	if (!r.isError) {
		let text = null;
		try { text = JSON.parse(r.content[0].text); } catch { /* checked below */ }
		same(`${name}: the text item holds the structured content`, text, r.structuredContent);
	}
	return r;
}

async function discoveryAndSignIn(browser) {
	const p = new Provider();
	const body = await signIn(browser, 'alice', p, env.OMI_USER, env.OMI_PASSWORD);
	// Discovery as the MCP authorization specification orders it: the 401,
	// the resource metadata its URL names, the authorization server's
	// metadata at the first of the URLs the SDK tries for the issuer that
	// answers (the first at the root; for a base URL with a path, those
	// before it may be 404, as the domain's own /.well-known/ is not the
	// bridge's), then the registration.
	const steps = log.map((r) => `${r.method} ${r.url.split('?')[0]} ${r.status}`);
	const tried = buildDiscoveryUrls(BASE).map((d) => d.url.href);
	const found = steps.findIndex((x, i) => i >= 2 && / 200$/.test(x));
	const want = [`POST ${MCP_URL} 401`, `GET ${BASE}/.well-known/oauth-protected-resource/mcp 200`,
	    ...tried.slice(0, Math.max(found - 1, 1)).map((u, i, all) => `GET ${u} ${i === all.length - 1 ? 200 : 404}`),
	    `POST ${BASE}/chatgpt/oauth/register 201`];
	same('discovery: 401, resource metadata, server metadata, registration',
	    steps.slice(0, want.length), want);
	check('discovery: the 401 names the resource metadata', log[0] && log[0].www ===
	    `Bearer resource_metadata="${BASE}/.well-known/oauth-protected-resource/mcp", scope="read:memories"`,
	    log[0] && log[0].www);
	const regReq = log.find((r) => r.url === `${BASE}/chatgpt/oauth/register`);
	const reg = JSON.parse(regReq?.body || '{}');
	same('registration: the redirect URI', reg.redirect_uris, [REDIRECT]);
	check('registration: a public client id', /^dcr-[A-Za-z0-9_-]{22}$/.test(p.client?.client_id || ''),
	    JSON.stringify(p.client));
	check('registration: no secret for a public client', p.client && p.client.client_secret === undefined);
	const a = p.authUrl.searchParams;
	check('authorize: PKCE S256', a.get('code_challenge_method') === 'S256' &&
	    /^[A-Za-z0-9_-]{43}$/.test(a.get('code_challenge') || ''), p.authUrl.href);
	check('authorize: resource is /mcp', a.get('resource') === MCP_URL, a.get('resource'));
	check('authorize: the registered client id', a.get('client_id') === p.client?.client_id);
	check('token: the code verifier', (body.get('code_verifier') || '').length >= 43, body.toString());
	check('token: resource is /mcp', body.get('resource') === MCP_URL, body.toString());
	check('token: client_id and no secret', body.get('client_id') === p.client?.client_id &&
	    !body.has('client_secret'), body.toString());
	return p;
}

async function tools(p) {
	const client = await connect('alice', p);
	const { tools: list } = await client.listTools();
	same('tools/list', list.map((t) => t.name),
	    ['search', 'fetch', 'list_conversations', 'get_conversation', 'list_action_items']);
	check('every tool read-only with both schemas', list.every((t) => t.annotations?.readOnlyHint === true &&
	    t.inputSchema?.type === 'object' && t.outputSchema?.type === 'object'));

	let r = await call(client, 'search', { query: 'kitchen' });
	same('search kitchen', r.structuredContent, { results: [{ id: ID_CUR,
	    title: CUR.structured.title, url: `${BASE}/c/${ID_CUR}` }] });
	r = await call(client, 'search', { query: 'pelican' });
	same('search: bob\'s conversation never found', r.structuredContent, { results: [] });

	r = await call(client, 'fetch', { id: ID_LEG });
	const f = r.structuredContent || {};
	check('fetch: id, title, url', f.id === ID_LEG && f.title === LEG.structured.title &&
	    f.url === `${BASE}/c/${ID_LEG}`, JSON.stringify(f).slice(0, 300));
	check('fetch: text has the overview and the transcript', f.text?.includes(LEG.structured.overview) &&
	    /User: Agreed, let.s start with iOS\.$/.test(f.text || ''), f.text);
	check('fetch: metadata', typeof f.metadata === 'object' && f.metadata !== null);
	r = await call(client, 'fetch', { id: ID_BOB });
	check('fetch bob\'s conversation: a tool error', r.isError === true, JSON.stringify(r).slice(0, 300));
	check('fetch bob\'s conversation: nothing of it', !JSON.stringify(r).includes('pelican'));

	r = await call(client, 'list_conversations', {});
	same('list_conversations: alice\'s, newest first', r.structuredContent?.conversations?.map((c) => c.id),
	    [ID_LONG, ID_CUR, ID_LEG]);
	const paged = [];
	let cursor;
	for (let i = 0; i < 5; i++) {
		r = await call(client, 'list_conversations', cursor ? { limit: 1, cursor } : { limit: 1 });
		paged.push(...(r.structuredContent?.conversations || []).map((c) => c.id));
		cursor = r.structuredContent?.next_cursor;
		if (!r.structuredContent?.has_more)
			break;
	}
	same('list_conversations: pages of one', paged, [ID_LONG, ID_CUR, ID_LEG]);

	// The transcript in parts of 7,000 code points, put together again.
	const want = longTranscript();
	const parts = [];
	let offset = 0, length = null;
	for (let i = 0; i < 20 && offset !== null; i++) {
		r = await call(client, 'get_conversation', { id: ID_LONG, transcript_offset: offset, max_chars: 7000 });
		const g = r.structuredContent || {};
		if (r.isError || g.transcript_offset !== offset) {
			check(`get_conversation part at ${offset}`, false, JSON.stringify(r).slice(0, 300));
			break;
		}
		parts.push(g.transcript);
		length = g.transcript_length;
		offset = g.next_transcript_offset ?? null;
		check(`get_conversation part at ${g.transcript_offset}: at most 7,000 code points`,
		    [...g.transcript].length <= 7000);
	}
	check('get_conversation: more than one part', parts.length > 1, String(parts.length));
	check('get_conversation: the parts make the transcript', parts.join('') === want,
	    `${parts.join('').length} vs ${want.length}`);
	check('get_conversation: transcript_length in code points', length === [...want].length,
	    `${length} vs ${[...want].length}`);
	r = await call(client, 'get_conversation', { id: ID_CUR });
	check('get_conversation: summary and action items', r.structuredContent?.title === CUR.structured.title &&
	    JSON.stringify(r.structuredContent).includes(CUR.structured.action_items[0].description),
	    JSON.stringify(r.structuredContent).slice(0, 300));
	r = await call(client, 'get_conversation', { id: ID_BOB });
	check('get_conversation bob\'s: a tool error', r.isError === true, JSON.stringify(r).slice(0, 300));

	r = await call(client, 'list_action_items', { status: 'all' });
	const items = r.structuredContent?.action_items || [];
	same('list_action_items: alice\'s, with their conversations',
	    items.map((i) => [i.description, i.conversation_id]).sort(),
	    [[CUR.structured.action_items[0].description, ID_CUR],
	     [LEG.structured.action_items[0].description, ID_LEG]].sort());
	const due = items.find((i) => i.conversation_id === ID_CUR);
	check('list_action_items: due date and url', due && Date.parse(due.due_at) ===
	    Date.parse(CUR.structured.action_items[0].due_at) && due.url === `${BASE}/c/${ID_CUR}`,
	    JSON.stringify(due));
	check('list_action_items: nothing of bob\'s', !JSON.stringify(r).includes('pelican'));
	await client.close();

	// The token is bound to /mcp: the conversations API refuses it.
	const api = await fetch(`${BASE}/api/conversations`, { headers: { Authorization: `Bearer ${p.tok.access_token}` } });
	check('the /mcp token is refused by the API', api.status === 401, String(api.status));
}

// The SDK's refresh path: an access token the server no longer knows,
// with a good refresh token, is renewed without a browser.
async function refresh(p) {
	const q = new Provider({ client: p.client,
	    tokens: { ...p.tok, access_token: 'no-such-token-0123456789' } });
	const n = log.length;
	const client = await connect('refresh', q);
	const req = log.slice(n).find((r) => path(r.url) === '/chatgpt/oauth/token');
	const body = new URLSearchParams(req?.body || '');
	check('refresh: a refresh_token grant', body.get('grant_type') === 'refresh_token' && req.status === 200,
	    JSON.stringify(req));
	check('refresh: resource is /mcp', body.get('resource') === MCP_URL, body.toString());
	check('refresh: a new access token', q.tok.access_token !== 'no-such-token-0123456789' &&
	    q.tok.access_token !== p.tok.access_token);
	check('refresh: no browser', q.authUrl === null);
	const { tools: list } = await client.listTools();
	check('refresh: tools/list with the new token', list.length === 5);
	await client.close();
}

// A token the SDK obtained for the conversations API (resource <base>/api)
// works there and is refused at /mcp.
async function otherResource(browser, p) {
	const q = new Provider({ client: p.client, resource: `${BASE}/api` });
	const body = await signIn(browser, 'api token', q, env.OMI_USER, env.OMI_PASSWORD);
	check('api token: resource is /api', body.get('resource') === `${BASE}/api`, body.toString());
	const api = await fetch(`${BASE}/api/conversations`, { headers: { Authorization: `Bearer ${q.tok.access_token}` } });
	check('api token: the API accepts it', api.status === 200, String(api.status));
	// Without its refresh token, so the SDK cannot just get another.
	const r = new Provider({ client: p.client,
	    tokens: { access_token: q.tok.access_token, token_type: 'bearer' } });
	const n = log.length;
	await connectUnauthorized('api token at /mcp', r);
	const first = log[n];
	check('api token at /mcp: 401 invalid_token', first && first.status === 401 &&
	    /error="invalid_token"/.test(first.www || ''), JSON.stringify(first));
}

// Bob, through a confidential client of his own (registered with a
// secret, which the SDK sends with HTTP Basic): his own only.
async function secondUser(browser) {
	const q = new Provider({ authMethod: 'client_secret_basic' });
	const n = log.length;
	const body = await signIn(browser, 'bob', q, env.OMI_USER2, env.OMI_PASSWORD2);
	check('bob: a confidential client', /^dcr-/.test(q.client?.client_id || '') &&
	    typeof q.client?.client_secret === 'string' && q.client.client_id !== alice.client.client_id,
	    JSON.stringify(q.client));
	const tokenReq = log.slice(n).find((r) => path(r.url) === '/chatgpt/oauth/token');
	check('bob: the secret went by HTTP Basic, not in the body', !body.has('client_secret') &&
	    tokenReq && tokenReq.scheme === 'Basic' && tokenReq.status === 200, body.toString());
	const client = await connect('bob', q);
	check('bob: tools/list', (await client.listTools()).tools.length === 5);
	let r = await call(client, 'search', { query: 'pelican' });
	same('bob: search finds his', r.structuredContent?.results?.map((x) => x.id), [ID_BOB]);
	r = await call(client, 'search', { query: 'kitchen' });
	same('bob: search does not find alice\'s', r.structuredContent, { results: [] });
	r = await call(client, 'list_conversations', {});
	same('bob: list_conversations', r.structuredContent?.conversations?.map((c) => c.id), [ID_BOB]);
	r = await call(client, 'fetch', { id: ID_CUR });
	check('bob: fetch alice\'s is a tool error', r.isError === true, JSON.stringify(r).slice(0, 300));
	check('bob: nothing of it', !JSON.stringify(r).includes('Kitchen'));
	r = await call(client, 'list_action_items', {});
	same('bob: his action items', r.structuredContent?.action_items?.map((i) => i.conversation_id), [ID_BOB]);
	// An invalid argument is a tool error under 2025-11-25 (SEP-1303),
	// which the SDK hands back as a result, not an exception.
	r = await client.callTool({ name: 'list_conversations', arguments: { limit: 0 } });
	check('bob: an invalid argument is a tool error', r.isError === true &&
	    typeof r.content?.[0]?.text === 'string', JSON.stringify(r).slice(0, 300));
	await client.close();

	// omi-admin revoke signs bob out of MCP clients too: his access token
	// is refused, the SDK's refresh is refused (invalid_grant), and it
	// drops the tokens and starts a new sign-in.
	execFileSync(env.ADMIN, ['revoke', env.OMI_USER2], { stdio: ['ignore', 'ignore', 'pipe'] });
	const before = q.tok.access_token;
	q.authUrl = null;
	const n2 = log.length;
	await connectUnauthorized('bob revoked', q);
	const steps = log.slice(n2);
	check('bob revoked: the access token refused', steps[0]?.status === 401 &&
	    /error="invalid_token"/.test(steps[0]?.www || ''), JSON.stringify(steps[0]));
	const refreshReq = steps.find((x) => path(x.url) === '/chatgpt/oauth/token');
	check('bob revoked: the refresh refused', refreshReq?.status === 400 &&
	    /refresh_token/.test(refreshReq.body), JSON.stringify(refreshReq));
	check('bob revoked: the SDK dropped the tokens', q.invalidated?.includes('tokens') &&
	    q.tok === undefined && before !== undefined, JSON.stringify(q.invalidated));
}

const browser = await chromium.launch({
	executablePath: env.CHROMIUM || '/usr/bin/chromium',
	headless: true,
	args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	    '--disable-background-networking', '--disable-component-update',
	    '--disable-sync', '--disable-dev-shm-usage',
	    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1'],
});
let alice = null;
try {
	alice = await discoveryAndSignIn(browser);
} catch (e) {
	check('sign-in ran to the end', false, e.stack?.split('\n').slice(0, 3).join(' | '));
}
if (alice?.tok) {
	for (const [name, t] of [['tools', () => tools(alice)], ['refresh', () => refresh(alice)],
	    ['otherResource', () => otherResource(browser, alice)],
	    ['secondUser', () => secondUser(browser)]]) {
		try {
			await t();
		} catch (e) {
			check(`${name} ran to the end`, false, e.stack?.split('\n').slice(0, 3).join(' | '));
		}
	}
}
await browser.close();
// MCP_SDK_LOG=1 prints every request the SDK made, to see which step broke.
if (env.MCP_SDK_LOG)
	for (const r of log)
		console.error(r.method, path(r.url), r.status, r.www || '', r.body.slice(0, 200));
cbServer.close();
finish();
