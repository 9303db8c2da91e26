// Side-by-side reference for bench/classify_bench.cpp: loads the same adblock
// list into @ghostery/adblocker and times engine.match() per URL over the same
// URL file. Run by the C++ benchmark (or by hand):
//   node bench/ghostery/classify.mjs LIST URLS [VERDICTS_OUT]
// Prints "key value" lines the C++ side parses.
import { readFileSync, writeFileSync } from 'node:fs';
import { FiltersEngine, Request } from '@ghostery/adblocker';

const [listPath, urlsPath, verdictsPath] = process.argv.slice(2);
if (!listPath || !urlsPath) {
  console.error('usage: node classify.mjs LIST URLS [VERDICTS_OUT]');
  process.exit(2);
}

const listText = readFileSync(listPath, 'utf8');
const urls = readFileSync(urlsPath, 'utf8').split('\n').filter((u) => u.length > 0);

let t0 = process.hrtime.bigint();
const engine = FiltersEngine.parse(listText, { loadCosmeticFilters: false, loadNetworkFilters: true });
const parseMs = Number(process.hrtime.bigint() - t0) / 1e6;

// The page a portal's trackers load from, so $third-party rules apply as they
// would in a browser.
const sourceUrl = 'https://portal.examplehealth.org/appointments';
const classify = (url) =>
  engine.match(Request.fromRawDetails({ url, sourceUrl, type: 'image' })).match;

// One untimed pass lets V8 optimise the hot paths before measuring.
for (const url of urls) classify(url);

const ns = new Float64Array(urls.length);
const verdicts = new Uint8Array(urls.length);
t0 = process.hrtime.bigint();
for (let i = 0; i < urls.length; i += 1) {
  const start = process.hrtime.bigint();
  verdicts[i] = classify(urls[i]) ? 1 : 0;
  ns[i] = Number(process.hrtime.bigint() - start);
}
const totalNs = Number(process.hrtime.bigint() - t0);

const sorted = Float64Array.from(ns).sort();
const pick = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
let matched = 0;
for (const v of verdicts) matched += v;

console.log(`engine @ghostery/adblocker`);
console.log(`node ${process.version}`);
console.log(`urls ${urls.length}`);
console.log(`parse_ms ${parseMs.toFixed(1)}`);
console.log(`median_ns ${pick(0.5).toFixed(0)}`);
console.log(`p99_ns ${pick(0.99).toFixed(0)}`);
console.log(`mean_ns ${(totalNs / urls.length).toFixed(0)}`);
console.log(`matched ${matched}`);
if (verdictsPath) writeFileSync(verdictsPath, Array.from(verdicts).join('\n') + '\n');
