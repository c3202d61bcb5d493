// validate.mjs — checks docs/openapi.json with an independent OpenAPI validator
// (@seriousme/openapi-schema-validator, against the official 3.0 schema), then checks that
// every route of the API tables is described and nothing else is: the routes come from
// `cvom serve --print-routes` (a CSV file given with --routes) or, without one, from the
// route table in src/web/api.c.
//
// Usage: node tests/openapi/validate.mjs docs/openapi.json [--routes routes.csv]
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Validator } from "@seriousme/openapi-schema-validator";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const args = process.argv.slice(2);
const docPath = args[0] ?? join(repo, "docs", "openapi.json");
const routesAt = args.indexOf("--routes");
const problems = [];

// Routes as [method, pattern] pairs under /api/.
function routesFromCsv(text) {
  return text.trim().split("\n").slice(1).map((line) => line.split(","))
    .filter(([, pattern]) => pattern.startsWith("/api/"))
    .map(([method, pattern]) => [method.toLowerCase(), pattern]);
}

function routesFromSource() {
  const text = readFileSync(join(repo, "src", "web", "api.c"), "utf8");
  const table = text.slice(text.indexOf("web_api_routes[]"));
  return [...table.matchAll(/\{M_([A-Z]+),\s*"([^"]+)"/g)]
    .map(([, method, pattern]) => [method.toLowerCase(), pattern]);
}

// Follow a local "$ref" such as "#/components/schemas/Error"; undefined when it dangles.
function follow(doc, ref) {
  if (!ref.startsWith("#/")) return undefined;
  return ref.slice(2).split("/").reduce((node, key) =>
    node === undefined ? undefined : node[key.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
}

function checkRefs(doc, node, where) {
  if (Array.isArray(node)) {
    node.forEach((v, i) => checkRefs(doc, v, `${where}/${i}`));
  } else if (node && typeof node === "object") {
    if (typeof node.$ref === "string" && follow(doc, node.$ref) === undefined)
      problems.push(`${where}: $ref ${node.$ref} leads nowhere`);
    for (const [k, v] of Object.entries(node)) checkRefs(doc, v, `${where}/${k}`);
  }
}

const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

// Every {name} in a path template is declared as a path parameter, and no other.
function checkPathParameters(doc, path, item) {
  const want = new Set([...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]));
  for (const m of methods.filter((m) => item[m])) {
    const params = [...(item.parameters ?? []), ...(item[m].parameters ?? [])]
      .map((p) => (p.$ref ? follow(doc, p.$ref) : p)).filter((p) => p && p.in === "path");
    const have = new Set(params.map((p) => p.name));
    const op = `${m.toUpperCase()} ${path}`;
    for (const n of want)
      if (!have.has(n)) problems.push(`${op}: path parameter {${n}} is not declared`);
    for (const n of have)
      if (!want.has(n)) problems.push(`${op}: declares path parameter ${n} that the path lacks`);
    if (!Object.keys(item[m].responses ?? {}).some((s) => s.startsWith("2")))
      problems.push(`${op}: no success response`);
  }
}

const validator = new Validator();
const result = await validator.validate(docPath);
if (!result.valid) {
  console.error(`${docPath}: not a valid OpenAPI document`);
  console.error(JSON.stringify(result.errors, null, 2));
  process.exit(1);
}
const doc = JSON.parse(readFileSync(docPath, "utf8"));
if (doc.openapi !== "3.0.3") problems.push(`openapi is ${doc.openapi}, not 3.0.3`);
checkRefs(doc, doc, "#");
for (const [path, item] of Object.entries(doc.paths ?? {})) checkPathParameters(doc, path, item);

const routes = routesAt >= 0
  ? routesFromCsv(readFileSync(args[routesAt + 1], "utf8"))
  : routesFromSource();
if (routes.length === 0) problems.push("no API routes found to compare with");
const routeKeys = new Set(routes.map(([m, p]) => `${m} ${p}`));
for (const [method, pattern] of routes)
  if (!doc.paths?.[pattern]?.[method])
    problems.push(`route ${method.toUpperCase()} ${pattern} is not described`);
for (const [path, item] of Object.entries(doc.paths ?? {}))
  for (const m of methods.filter((m) => item[m]))
    if (!routeKeys.has(`${m} ${path}`))
      problems.push(`${m.toUpperCase()} ${path} is described but the server has no such route`);

if (problems.length) {
  for (const p of problems) console.error(`${docPath}: ${p}`);
  process.exit(1);
}
console.log(`${docPath}: valid OpenAPI ${validator.version}; ` +
  `${routes.length} routes, all described`);
