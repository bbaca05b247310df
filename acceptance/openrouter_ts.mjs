// OpenRouter's TypeScript SDK (@openrouter/sdk, nobody here wrote it) against the standalone
// mock: every operation the SDK exposes that the pinned document has, with `serverURL` set on
// every call, plus the three streams (chat, Responses, Messages).
//
//   node acceptance/openrouter_ts.mjs URL SDK_DIR OPERATION_IDS_FILE
//
// The SDK validates each answer against its own schemas. Where a union member or an enum value
// does not match, it still reports success: an `isUnknown` object with an "UNKNOWN" tag, or an
// "unrecognized" value it counts. Both count as failures here.
//
// Each call's input is built from the SDK's own input schema (zod's JSON Schema of it: the
// required fields, a first enum value, a first union member). It prints `openrouter-ts VERSION:
// N calls, N passed, M failed` and lists the SDK operations the pinned document lacks.

import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [url, sdkDir, idsFile] = process.argv.slice(2);
const load = (path) => import(pathToFileURL(join(sdkDir, "esm", path)).href);
const z = await import(pathToFileURL(join(sdkDir, "..", "..", "zod", "v4", "index.js")).href);
const { OpenRouterCore } = await load("core.js");
const namespaces = { operations: await load("models/operations/index.js"), models: await load("models/index.js") };
const { startCountingUnrecognized } = await load("types/unrecognized.js");
const version = JSON.parse(readFileSync(join(sdkDir, "package.json"), "utf8")).version;

const pinned = new Set([...readFileSync(idsFile, "utf8").matchAll(/id: "(\w+)"/g)].map((m) => m[1]));
const core = new OpenRouterCore({ apiKey: "sk-or-v1-acceptance", serverURL: url, retryConfig: { strategy: "none" } });
const options = { serverURL: url, retries: { strategy: "none" } };

// A value the JSON Schema accepts: what is required, the first choice of every choice.
function build(schema, root, depth = 0) {
  if (!schema || depth > 12) return undefined;
  if (schema.$ref) return build(root.$defs?.[schema.$ref.split("/").pop()], root, depth + 1);
  if ("const" in schema) return schema.const;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum.find((v) => v !== null);
  for (const key of ["anyOf", "oneOf"]) {
    if (schema[key]) {
      const member = schema[key].find((m) => m.type !== "null") ?? schema[key][0];
      return build(member, root, depth + 1);
    }
  }
  if (schema.allOf) {
    const parts = schema.allOf.map((m) => build(m, root, depth + 1));
    const scalar = parts.find((p) => p === null || typeof p !== "object" || Array.isArray(p));
    return scalar !== undefined ? scalar : Object.assign({}, ...parts);
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "object": {
      const out = {};
      for (const name of schema.required ?? []) out[name] = build(schema.properties?.[name], root, depth + 1);
      // A tag (`role: "user"`, `type: "text"`) tells union members apart even where the input
      // type makes it optional.
      for (const [name, p] of Object.entries(schema.properties ?? {})) {
        if (!(name in out) && ("const" in p || p.enum?.length === 1)) out[name] = "const" in p ? p.const : p.enum[0];
      }
      return out;
    }
    case "array":
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => build(schema.items, root, depth + 1));
    case "string":
      if (schema.format === "date-time") return "2026-08-22T12:00:00Z";
      if (schema.format === "date") return "2026-08-22";
      if (schema.format === "email") return "user@example.com";
      if (schema.format === "uri" || schema.format === "url") return "https://example.com/x";
      return "x".repeat(Math.max(1, schema.minLength ?? 1));
    case "integer":
    case "number":
      return Math.max(1, schema.minimum ?? 1);
    case "boolean":
      return true;
    default:
      return {};
  }
}

// The values in `value` the SDK could not match to its types.
function unknowns(value, at = "", out = []) {
  if (value && typeof value === "object") {
    if (value.isUnknown === true) out.push(`${at || "/"}: an UNKNOWN union member ${JSON.stringify(value.raw ?? value).slice(0, 160)}`);
    for (const [k, v] of Object.entries(value)) if (k !== "raw") unknowns(v, `${at}/${k}`, out);
  }
  return out;
}

// The SDK's functions: one file per operation, naming its operationID and its input schema.
const funcs = [];
for (const file of readdirSync(join(sdkDir, "esm", "funcs")).filter((f) => f.endsWith(".js")).sort()) {
  const source = readFileSync(join(sdkDir, "esm", "funcs", file), "utf8");
  const id = source.match(/operationID: "(\w+)"/)?.[1];
  const input = source.match(/\(value\) => (operations|models)\.(\w+)\$outboundSchema/);
  if (id) funcs.push({ file, id, input, fn: file.replace(/\.js$/, "") });
}

// Where this SDK version is wrong about the pinned document (found by parsing the mock's answer
// with the SDK's own member schema), so that a failure here is recorded with its reason rather
// than skipped. The mock's answers are valid against the pinned document: tests/mock_schema.rs.
const CLIENT_DIFFERENCES = {
  createObservabilityDestination: "its Langfuse destination requires `regions`, which the pinned document does not have",
  getObservabilityDestination: "its Langfuse destination requires `regions`, which the pinned document does not have",
  listObservabilityDestinations: "its Langfuse destination requires `regions`, which the pinned document does not have",
  updateObservabilityDestination: "its Langfuse destination requires `regions`, which the pinned document does not have",
  // Only that one count: the second benchmark item decodes as UnifiedBenchmarksORItem with every
  // field known (parsed alone, 0 unrecognised), but the union first tries UnifiedBenchmarksAAItem,
  // whose `source` enum lacks "openrouter", and keeps that count.
  getBenchmarks: { unrecognized: 1, reason: "its benchmark union counts an unrecognised value from a member it did not choose" },
};

// Inputs the JSON Schema cannot describe (a file's bytes).
const SPECIAL_INPUTS = {
  uploadFile: () => ({ requestBody: { file: { fileName: "document.pdf", content: new Blob(["%PDF-1.7 acceptance"], { type: "application/pdf" }) } } }),
};

const results = [];
const notInDocument = [];

// A failure of the SDK's answer validation whose every complaint is a field the answer lacks.
// The answer is valid against the pinned document (with `--fidelity document`, every field the
// document requires is there), so the SDK requires what the pinned document does not: it was
// generated from a newer document.
function requiresMoreThanThePin(error) {
  const issues = error?.cause?.issues;
  if (error?.name !== "ResponseValidationError" || !Array.isArray(issues) || issues.length === 0) return null;
  const missing = issues.filter((i) => i.code === "invalid_type" && /received undefined/.test(i.message));
  if (missing.length !== issues.length) return null;
  return `requires ${missing.map((i) => "/" + i.path.join("/")).join(", ")}, which the pinned document does not require there`;
}

async function record(name, id, call) {
  const counter = startCountingUnrecognized();
  let outcome;
  try {
    outcome = await call();
  } catch (e) {
    outcome = { problems: [`threw ${e?.name}: ${String(e?.message ?? e).slice(0, 300)}`] };
  }
  const unrecognized = counter.end();
  const known = CLIENT_DIFFERENCES[id];
  let clientWrong = outcome.clientWrong;
  if (unrecognized > 0) {
    if (known?.unrecognized === unrecognized && outcome.problems.length === 0) clientWrong = known.reason;
    else outcome.problems.push(`${unrecognized} enum value(s) the SDK did not recognise`);
  }
  if (!clientWrong && outcome.problems.length && typeof known === "string") clientWrong = known;
  const status = clientWrong ? "client" : outcome.problems.length ? "FAIL" : "ok  ";
  results.push({ name, status });
  const detail = clientWrong ? `: the SDK is wrong here: ${clientWrong}` : outcome.problems.length ? ": " + outcome.problems.join("; ") : "";
  console.log(`  ${status}  ${name}${detail}`);
}

async function drain(stream) {
  const events = [];
  for await (const event of stream) events.push(event);
  return events;
}

async function answer(result, wantStream) {
  if (!result.ok) {
    const reason = requiresMoreThanThePin(result.error);
    return { problems: [`${result.error?.name}: ${String(result.error?.message).slice(0, 300)}`], clientWrong: reason };
  }
  const isStream = typeof result.value?.[Symbol.asyncIterator] === "function";
  if (wantStream && !isStream) return { problems: ["the answer is not a stream"] };
  if (!isStream) return { problems: unknowns(result.value) };
  const events = await drain(result.value);
  return { problems: events.length ? unknowns(events) : ["no events"] };
}

for (const f of funcs) {
  if (!pinned.has(f.id)) {
    notInDocument.push(f.id);
    continue;
  }
  const module = await load(`funcs/${f.file}`);
  const fn = module[f.fn];
  const schema = f.input ? namespaces[f.input[1]][`${f.input[2]}$outboundSchema`] : undefined;
  const jsonSchema = schema ? z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) : undefined;
  const request = SPECIAL_INPUTS[f.id]?.() ?? (jsonSchema ? build(jsonSchema, jsonSchema) : undefined);
  await record(`${f.id} (${f.fn})`, f.id, async () => answer(await fn(core, request, options), false));
  // The streams, through the same function with `stream: true` in its body.
  if (["sendChatCompletionRequest", "createResponses", "createMessages"].includes(f.id)) {
    const bodyKey = Object.keys(jsonSchema?.properties ?? {}).find((k) => jsonSchema.properties[k]?.properties?.stream);
    const streamed = { ...request, [bodyKey]: { ...request[bodyKey], stream: true } };
    await record(`${f.id} streamed (${f.fn})`, f.id, async () => answer(await fn(core, streamed, options), true));
  }
}

const count = (status) => results.filter((r) => r.status === status).length;
console.log(`  in the SDK, not in the pinned document (not called): ${notInDocument.length}: ${notInDocument.join(", ")}`);
console.log(
  `openrouter-ts ${version}: ${results.length} calls, ${count("ok  ")} passed, ${count("client")} where the SDK disagrees with the pinned document (recorded above), ${count("FAIL")} failed`,
);
process.exit(count("FAIL") ? 1 : 0);
