// The client oracle: matrix-js-sdk's own AutoDiscovery (the code Element Web
// and other js-sdk clients run at sign-in) discovers SERVER_NAME; one JSON
// object on stdout says what it concluded.
//
// Usage: node discover.mjs SERVER_NAME
//
// Node's fetch uses the system resolver and CA store: the test suite runs
// this in a private mount namespace whose /etc/resolv.conf names the
// simulated DNS server, with NODE_EXTRA_CA_CERTS naming the simulation's CA.
// The driver only records: which URLs AutoDiscovery fetched and how each
// ended, and the config it returned.

import { readFileSync } from "node:fs";
import { AutoDiscovery } from "matrix-js-sdk/lib/autodiscovery.js";
import { logger } from "matrix-js-sdk/lib/logger.js";

const serverName = process.argv[2];
const version = JSON.parse(
  readFileSync(new URL("./node_modules/matrix-js-sdk/package.json", import.meta.url)),
).version;
const out = {
  oracle: "matrix-js-sdk",
  implementation: `matrix-js-sdk ${version} AutoDiscovery.findClientConfig`,
  server_name: serverName,
};
const fetches = [];

// Each request ends within 8 s: a scenario that never answers must not hold
// the suite (js-sdk itself leaves that to the platform).
AutoDiscovery.setFetchFn(async (resource, options = {}) => {
  const entry = { url: String(resource), method: options.method ?? "GET" };
  fetches.push(entry);
  const timeout = AbortSignal.timeout(8000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const response = await fetch(resource, { ...options, signal });
    entry.status = response.status;
    entry.redirected = response.redirected;
    entry.final_url = response.url;
    return response;
  } catch (e) {
    entry.error = `${e.name}: ${e.message}${e.cause ? ` (${e.cause.code ?? e.cause.message ?? e.cause})` : ""}`;
    throw e;
  }
});

function print() {
  out.fetches = fetches;
  process.stdout.write(`\n${JSON.stringify(out)}\n`);
}

// js-sdk logs its reasons through loglevel; keep them out of stdout.
logger.setLevel?.("silent");

const watchdog = setTimeout(() => {
  out.driver_error = { type: "Timeout", text: "AutoDiscovery did not finish within 30 s" };
  print();
  process.exit(2);
}, 30000);

try {
  const config = await AutoDiscovery.findClientConfig(serverName);
  out.homeserver = config["m.homeserver"] ?? null;
  out.identity_server = config["m.identity_server"] ?? null;
  out.verdict = out.homeserver?.state ?? null;
  out.ok = out.verdict === AutoDiscovery.SUCCESS;
} catch (e) {
  out.driver_error = { type: e?.name ?? "Error", text: String(e?.message ?? e) };
}
clearTimeout(watchdog);
print();
// Idle keep-alive connections would hold the process for seconds more.
process.exit(0);
