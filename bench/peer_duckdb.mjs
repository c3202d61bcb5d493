// peer_duckdb.mjs — the batch-scoring job of `cvom score --input` done in DuckDB (the npm
// package @duckdb/node-api), for bench/run.sh to time beside cvom and to check against
// cvom's scores.
//
// The rules are the documented ones (README, "How the numbers are computed"), with the
// instrument file's items: an answer x on an item's scale lo..hi scores
// 100 (x - lo) / (hi - lo), or 100 minus that for a reverse item; a respondent's score on an
// axis is the weight-weighted mean of their item scores on it, counted when they answered
// at least min_items items of it; an account's score is the mean of its respondents'
// scores, with standard error sd / sqrt(k) over k >= 2 respondents, or from the lone
// respondent's own items (weighted: n_eff = sw^2 / sw2); at or above 50 (within 1e-9) is
// high.
//
// usage: node bench/peer_duckdb.mjs RESPONSES.csv INSTRUMENT.csv OUT.csv [REPEAT]
// Prints "seconds VERSION" (the best of REPEAT runs of reading the file and computing every
// account's scores into JavaScript, without starting Node or loading DuckDB) and writes
// account_id,intellectual,emotional,intellectual_se,emotional_se,quadrant to OUT.csv with
// every number exact. Exits 77 with the reason when DuckDB is not installed.
import { readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const [file, instrument, out, repeatArg] = process.argv.slice(2);
if (!file || !instrument || !out) {
  console.error("usage: node bench/peer_duckdb.mjs RESPONSES.csv INSTRUMENT.csv OUT.csv [REPEAT]");
  process.exit(2);
}
const repeat = Number(repeatArg ?? 3);

let duckdb;
try {
  duckdb = await import("@duckdb/node-api");
} catch (e) {
  console.error("the npm package @duckdb/node-api is not installed (scripts/setup.sh installs it " +
    "with npm ci): " + String(e.message).split("\n")[0]);
  process.exit(77);
}

// The instrument: "# min_items: N" in the preamble, then code,axis,reverse,weight,
// scale_min,scale_max,statement,...; the first six fields never hold a comma or a quote.
function readInstrument(path) {
  let minItems = null;
  const items = [];
  let header = true;
  for (const line of readFileSync(path, "utf8").split(/\r?\n/)) {
    if (line.startsWith("#")) {
      const m = /^#\s*min_items:\s*([0-9]+)\s*$/.exec(line);
      if (m) minItems = Number(m[1]);
      continue;
    }
    if (line.trim() === "") continue;
    if (header) { header = false; continue; }
    const [code, axis, reverse, weight, lo, hi] = line.split(",");
    items.push({
      code, axis,
      reverse: ["1", "yes", "true"].includes(reverse.trim().toLowerCase()),
      weight: weight.trim() === "" ? 1 : Number(weight), lo: Number(lo), hi: Number(hi),
    });
  }
  if (minItems === null) throw new Error(`${path}: no "# min_items:" line`);
  return { minItems, items };
}

const sqlString = (s) => "'" + String(s).replace(/'/g, "''") + "'";

// One statement: answers, respondents per axis, accounts per axis, then one row per account.
function query(path, ins) {
  const rows = ins.items.map((it) => `(${sqlString(it.code)}, ` +
    `${it.axis === "intellectual" || it.axis === "both" ? 1 : 0}, ` +
    `${it.axis === "emotional" || it.axis === "both" ? 1 : 0}, ${it.reverse ? 1 : 0}, ` +
    `${it.weight}::DOUBLE, ${it.lo}::DOUBLE, ${it.hi}::DOUBLE)`).join(",\n  ");
  return `
WITH items(code, on_i, on_e, rev, w, lo, hi) AS (VALUES
  ${rows}),
raw AS (
  SELECT * FROM read_csv(${sqlString(path)}, header = true, delim = ',', quote = '"',
    columns = {'account_id': 'VARCHAR', 'respondent_id': 'VARCHAR', 'item_id': 'VARCHAR',
               'score': 'DOUBLE'})),
ans AS (
  SELECT r.account_id AS a, r.respondent_id AS p, i.on_i, i.on_e, i.w,
         CASE WHEN i.rev = 1 THEN 100 - 100 * (r.score - i.lo) / (i.hi - i.lo)
              ELSE 100 * (r.score - i.lo) / (i.hi - i.lo) END AS s
  FROM raw r JOIN items i ON r.item_id = i.code
  WHERE r.score IS NOT NULL),
per_axis AS (
  SELECT a, p, 0 AS d, w, s FROM ans WHERE on_i = 1
  UNION ALL
  SELECT a, p, 1 AS d, w, s FROM ans WHERE on_e = 1),
resp AS (
  SELECT a, p, d, count(*) AS n, sum(w) AS sw, sum(w * w) AS sw2, sum(w * s) AS swx,
         sum(w * s * s) AS swx2
  FROM per_axis GROUP BY a, p, d),
scored AS (
  SELECT *, swx / sw AS m FROM resp WHERE n >= ${ins.minItems}),
acc AS (
  SELECT a, d, count(*) AS k, avg(m) AS mean, var_samp(m) AS var,
         any_value(n) AS n1, any_value(sw) AS sw1, any_value(sw2) AS sw21,
         any_value(swx2) AS swx21, any_value(m) AS m1
  FROM scored GROUP BY a, d),
acc_se AS (
  SELECT a, d, mean,
         CASE WHEN k >= 2 THEN sqrt(var / k)
              WHEN n1 >= 2 AND sw1 * sw1 / sw21 > 1 + 1e-12 THEN
                sqrt(CASE WHEN swx21 / sw1 - m1 * m1 < 1e-12 * (swx21 / sw1) THEN 0
                          ELSE swx21 / sw1 - m1 * m1 END / (sw1 * sw1 / sw21 - 1))
         END AS se
  FROM acc),
accounts AS (SELECT DISTINCT a FROM ans)
SELECT x.a, i.mean AS mi, e.mean AS me, i.se AS si, e.se AS se
FROM accounts x
LEFT JOIN acc_se i ON i.a = x.a AND i.d = 0
LEFT JOIN acc_se e ON e.a = x.a AND e.d = 1`;
}

const HIGH = 50 - 1e-9; // the default thresholds, and points within 1e-9 of a line are on it
function quadrant(mi, me) {
  if (mi === null || me === null) return "";
  if (mi >= HIGH) return me >= HIGH ? "partnership" : "intellectual";
  return me >= HIGH ? "emotional" : "transactional";
}

const num = (v) => (v === null || Number.isNaN(v) ? "" : String(v)); // shortest exact text
const csvField = (s) => (/[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s);

const ins = readInstrument(instrument);
const db = await duckdb.DuckDBInstance.create(":memory:");
const con = await db.connect();
const version = (await con.runAndReadAll("SELECT version()")).getRows()[0][0];
const sql = query(file, ins);
let best = Infinity, rows = null;
for (let i = 0; i < repeat; i++) {
  const t0 = performance.now();
  rows = (await con.runAndReadAll(sql)).getRows();
  best = Math.min(best, (performance.now() - t0) / 1000);
}
const lines = ["account_id,intellectual,emotional,intellectual_se,emotional_se,quadrant"];
for (const [a, mi, me, si, se] of rows)
  lines.push([csvField(a), num(mi), num(me), num(si), num(se), quadrant(mi, me)].join(","));
writeFileSync(out, lines.join("\n") + "\n");
console.log(`${best.toFixed(6)} ${version}`);
