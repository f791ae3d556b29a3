// Scrapes a Prometheus endpoint and parses the text format with the
// `parse-prometheus-text-format` npm package. Env: URL (the /metrics URL), PREFIXES
// (comma-separated metric-family prefixes to keep, default all), AUTHORIZATION (the header
// to send, as Prometheus' basic_auth does; default none). Prints one line
// `SCRAPE {"status":…,"contentType":…,"families":{name: {type, metrics}}}` and exits 0,
// or exits 1 when the answer is not 200 or does not parse.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

const url = process.env.URL;
const prefixes = (process.env.PREFIXES ?? '').split(',').filter((p) => p.length > 0);

const authorization = process.env.AUTHORIZATION ?? '';
const response = await fetch(url, authorization ? { headers: { Authorization: authorization } } : {});
const text = await response.text();
if (response.status !== 200) {
  console.error(`GET ${url} answered ${response.status}: ${text}`);
  process.exit(1);
}
let parsed;
try {
  parsed = parsePrometheusTextFormat(text);
} catch (e) {
  console.error(`the exposition does not parse: ${e.message}`);
  process.exit(1);
}
const families = {};
for (const family of parsed) {
  if (prefixes.length === 0 || prefixes.some((p) => family.name.startsWith(p))) {
    families[family.name] = { type: family.type, metrics: family.metrics };
  }
}
console.log('SCRAPE ' + JSON.stringify({
  status: response.status,
  contentType: response.headers.get('content-type'),
  families,
}));
