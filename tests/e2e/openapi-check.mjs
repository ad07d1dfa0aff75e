// openapi-check.mjs DOC.json [SCHEMA=RESPONSE.json ...]
//
// Validates the served OpenAPI document with a real OpenAPI validator
// (@apidevtools/swagger-parser), checks ChatGPT's limits on it, then checks
// each saved response body against the named schema of the document's
// components with Ajv (JSON Schema 2020-12, which OpenAPI 3.1 uses).
// Prints one line per failure and exits non-zero when anything failed.
import { readFileSync } from "node:fs";
import SwaggerParser from "@apidevtools/swagger-parser";
import Ajv2020 from "ajv/dist/2020.js";

const [docPath, ...pairs] = process.argv.slice(2);
const doc = JSON.parse(readFileSync(docPath, "utf8"));
let failed = 0;
const fail = (msg) => { failed++; console.error("openapi-check: " + msg); };

try {
	await SwaggerParser.validate(structuredClone(doc));
} catch (e) {
	fail("the document is not valid OpenAPI: " + e.message);
}

// ChatGPT's limits for actions.
for (const [path, item] of Object.entries(doc.paths ?? {})) {
	for (const [method, op] of Object.entries(item)) {
		const where = `${method.toUpperCase()} ${path}`;
		if (!op.operationId) fail(`${where}: no operationId`);
		for (const [, name] of path.matchAll(/{([^}]+)}/g))
			if (!(op.parameters ?? []).some((p) => p.in === "path" && p.name === name && p.required))
				fail(`${where}: path parameter ${name} not declared`);
		if ((op.summary ?? "").length > 300) fail(`${where}: summary over 300`);
		if ((op.description ?? "").length > 300) fail(`${where}: description over 300`);
		for (const p of op.parameters ?? []) {
			if (!p.description) fail(`${where} ${p.name}: no description`);
			if ((p.description ?? "").length > 700)
				fail(`${where} ${p.name}: description over 700`);
		}
	}
}
const ids = Object.values(doc.paths ?? {}).flatMap((i) => Object.values(i).map((o) => o.operationId));
for (const want of ["getConversations", "getConversation"])
	if (!ids.includes(want)) fail(`no operation ${want}`);

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema(doc, "openapi.json");
for (const pair of pairs) {
	const [name, file] = pair.split("=");
	const validate = ajv.getSchema(`openapi.json#/components/schemas/${name}`);
	if (!validate) { fail(`no schema ${name}`); continue; }
	const body = JSON.parse(readFileSync(file, "utf8"));
	if (!validate(body))
		fail(`${file} does not match ${name}: ` + ajv.errorsText(validate.errors));
}
if (failed) process.exit(1);
console.log(`openapi-check: the document and ${pairs.length} responses are valid`);
