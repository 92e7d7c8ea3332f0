"""The Synapse oracle: Synapse's own federation agent resolves a server name
and fetches its version and signing keys; one JSON object on stdout says what
it did.

Usage: driver.py SERVER_NAME --ca-file CA.pem [--timeout SECONDS]

It runs Synapse's `MatrixFederationAgent` with its `WellKnownResolver` and
`SrvResolver` unchanged. Three things differ from a Synapse homeserver, each
because the simulated internet is not the public internet:

- DNS: Synapse's resolvers read the system configuration (getaddrinfo for
  addresses, twisted.names for SRV records, both from /etc/resolv.conf). The
  test suite runs this driver in a private mount namespace whose
  /etc/resolv.conf names the simulated DNS server on 127.0.0.1.
- Trust: the simulation's CA is the only trusted root, set through Synapse's
  own `federation_custom_ca_list` option.
- The federation IP blocklist is EMPTIED: every simulated server is on
  loopback (127.0.0.0/8, ::1), which Synapse's default blocklist refuses. The
  output says so (`ip_blocklist`), and what Synapse would refuse is a
  separate question the oracle does not answer.

Nothing here decides a verdict: the driver records the calls Synapse made
(well-known result and cache period, SRV lookups, the hosts and ports it
tried) and the outcome of each request.
"""

import argparse
import copy
import json
import logging
import random
import sys
import types

from netaddr import IPSet
from twisted.internet import defer, reactor
from twisted.web.client import readBody

from synapse.config.tls import TlsConfig
from synapse.crypto.context_factory import FederationPolicyForHTTPS
from synapse.http.federation import matrix_federation_agent as mfa
from synapse.http.federation.srv_resolver import SrvResolver
from synapse.util.clock import Clock

OUR_SERVER_NAME = "oracle.invalid"


class LogCapture(logging.Handler):
    """Keeps what Synapse logs about well-known and SRV lookups: it logs why a
    well-known file was not used instead of raising."""

    def __init__(self):
        super().__init__(level=logging.INFO)
        self.lines = []

    def emit(self, record):
        try:
            self.lines.append(f"{record.name}: {record.getMessage()}")
        except Exception as e:  # a log line that cannot be formatted
            self.lines.append(f"{record.name}: <unformattable: {e}>")


def is_ip_literal(host: str) -> bool:
    return mfa._is_ip_literal(host.encode())


def split_host_port(netloc: str):
    """Host and port of a server name or delegated name, the way urlparse
    (which Synapse uses) reads them."""
    from urllib.parse import urlparse

    try:
        parsed = urlparse(f"matrix-federation://{netloc}/")
        return parsed.hostname, parsed.port
    except ValueError:
        # Synapse's own urlparse of this value fails the same way: no path.
        return None, None


def spec_step(server_name, well_known, srv_lookups):
    """The spec step (server-server API, "Resolving server names") that the
    path Synapse took corresponds to, read from the calls it made."""
    host, port = split_host_port(server_name)
    if host is not None and is_ip_literal(host):
        return "1"
    if port:
        return "2"
    delegated = well_known.get("delegated_server") if well_known else None
    target = host
    if delegated:
        d_host, d_port = split_host_port(delegated)
        if d_host is None:
            return None
        if is_ip_literal(d_host):
            return "3.1"
        if d_port:
            return "3.2"
        target = d_host
    for lookup in srv_lookups:
        name = lookup["name"]
        if lookup.get("servers"):
            if target and name == f"_matrix-fed._tcp.{target}":
                return "3.3" if delegated else "4"
            if target and name == f"_matrix._tcp.{target}":
                return "3.4" if delegated else "5"
    return "3.5" if delegated else "6"


def kind_of(step):
    if step in ("1", "2"):
        return "literal"
    if step.startswith("3"):
        return "well-known"
    if step in ("4", "5"):
        return "srv"
    return "fallback"


async def run(args, log_capture):
    tls = TlsConfig(types.SimpleNamespace(server=types.SimpleNamespace(has_tls_listener=lambda: False)))
    tls.read_config({"federation_custom_ca_list": [args.ca_file]})
    policy = FederationPolicyForHTTPS(types.SimpleNamespace(tls=tls))
    clock = Clock(reactor, server_name=OUR_SERVER_NAME)

    srv_lookups = []
    srv = SrvResolver(cache={})
    original_resolve = srv.resolve_service

    async def recording_resolve(service_name):
        entry = {"name": service_name.decode(errors="replace")}
        srv_lookups.append(entry)
        try:
            servers = await original_resolve(service_name)
        except Exception as e:
            entry["error"] = {"type": type(e).__name__, "text": str(e)}
            raise
        entry["servers"] = [
            {"host": s.host.decode(errors="replace"), "port": s.port, "priority": s.priority, "weight": s.weight}
            for s in servers
        ]
        return servers

    srv.resolve_service = recording_resolve

    tried = []
    original_resolve_server = mfa.MatrixHostnameEndpoint._resolve_server

    async def recording_resolve_server(self):
        servers = await original_resolve_server(self)
        tried.append([f"{s.host.decode(errors='replace')}:{s.port}" for s in servers])
        return servers

    mfa.MatrixHostnameEndpoint._resolve_server = recording_resolve_server

    agent = mfa.MatrixFederationAgent(
        server_name=OUR_SERVER_NAME,
        reactor=reactor,
        clock=clock,
        tls_client_options_factory=policy,
        user_agent=b"matrix-delegate-oracle (Synapse federation agent)",
        ip_allowlist=None,
        # Emptied on purpose: the simulation is on loopback (see the module text).
        ip_blocklist=IPSet(),
        _srv_resolver=srv,
    )
    wk_resolver = agent._well_known_resolver
    well_known = {}
    original_get_well_known = wk_resolver.get_well_known

    async def recording_get_well_known(server_name):
        result = await original_get_well_known(server_name)
        delegated = result.delegated_server
        well_known["delegated_server"] = delegated.decode(errors="replace") if delegated else None
        try:
            _, expiry, ttl = wk_resolver._well_known_cache.get_with_expiry(server_name)
            well_known["cache_period_s"] = ttl
            well_known["valid_until_in_s"] = expiry - clock.time()
        except KeyError:
            well_known["cache_period_s"] = None
        try:
            had_valid = wk_resolver._had_valid_well_known_cache.get(server_name, False)
        except Exception:
            had_valid = False
        well_known["had_valid"] = bool(had_valid)
        return result

    wk_resolver.get_well_known = recording_get_well_known

    requests = []
    for path in ("/_matrix/federation/v1/version", "/_matrix/key/v2/server"):
        entry = {"path": path}
        requests.append(entry)
        tried_before = len(tried)
        uri = f"matrix-federation://{args.server_name}{path}".encode()
        try:
            status, body = await with_deadline(defer.ensureDeferred(_get(agent, uri)), args.timeout)
            entry["ok"] = True
            entry["status"] = status
            try:
                parsed = json.loads(body)
                entry["json"] = parsed if len(body) < 65536 else None
            except ValueError:
                entry["body_prefix"] = body[:200].decode(errors="replace")
        except Exception as e:
            entry["ok"] = False
            entry["failure"] = {"type": type(e).__name__, "text": failure_text(e)}
        entry["servers_tried"] = [s for batch in tried[tried_before:] for s in batch]

    step = None
    if requests and (well_known or srv_lookups or tried):
        step = spec_step(args.server_name, well_known if well_known else None, srv_lookups)
    version = requests[0]
    keys = requests[1]
    keys_server_name = (keys.get("json") or {}).get("server_name") if keys.get("ok") else None
    ok = bool(
        version.get("ok")
        and version.get("status") == 200
        and keys.get("ok")
        and keys.get("status") == 200
        and keys_server_name == args.server_name
    )
    # A copy: lookups Synapse goes on making after the deadline must not
    # change what is reported about the moment the driver stopped waiting.
    return copy.deepcopy({
        "oracle": "synapse",
        "implementation": f"matrix-synapse {synapse_version()} MatrixFederationAgent",
        "server_name": args.server_name,
        "ip_blocklist": "emptied: the simulated internet is on loopback",
        "step": step,
        "kind": kind_of(step) if step else None,
        "well_known": well_known or None,
        "srv_lookups": srv_lookups,
        "requests": requests,
        "keys_server_name": keys_server_name,
        "ok": ok,
        "log": log_capture.lines[-40:],
    })


class DeadlineExceeded(Exception):
    """The request had no outcome within the driver's limit (Synapse's own
    limits are longer: 60 s a request); a peer would give up too."""


def with_deadline(d, seconds):
    """`d`'s outcome, or DeadlineExceeded after `seconds`. Does not rely on
    cancelling `d`: not every Deferred in the agent's chain passes a
    cancellation on, and a hung connection must not hold the driver."""
    result = defer.Deferred()

    def expire():
        if not result.called:
            result.errback(DeadlineExceeded(f"no answer within {seconds:g} s"))

    timer = reactor.callLater(seconds, expire)

    def settle(outcome, fire):
        if timer.active():
            timer.cancel()
        if not result.called:
            fire(outcome)

    d.addCallbacks(lambda v: settle(v, result.callback), lambda f: settle(f, result.errback))
    return result


def failure_text(e):
    # Twisted wraps connection failures in ResponseNeverReceived and friends,
    # whose str() holds the underlying reasons.
    reasons = getattr(e, "reasons", None)
    if reasons:
        return "; ".join(f"{r.type.__name__}: {r.getErrorMessage()}" for r in reasons)
    return str(e)


async def _get(agent, uri):
    response = await agent.request(b"GET", uri)
    body = await readBody(response)
    return response.code, body


def synapse_version():
    try:
        from importlib.metadata import version

        return version("matrix-synapse")
    except Exception:
        return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("server_name")
    parser.add_argument("--ca-file", required=True)
    parser.add_argument("--timeout", type=float, default=10.0)
    args = parser.parse_args()
    # Synapse multiplies cache periods by a random jitter factor; a fixed
    # seed makes the reported period the same on every run (still Synapse's
    # own arithmetic, jitter included).
    random.seed(0)

    log_capture = LogCapture()
    for name in ("synapse.http.federation", "synapse.http.client"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO)
        logger.addHandler(log_capture)
    logging.getLogger().setLevel(logging.WARNING)

    outcome = {}

    async def go():
        try:
            outcome.update(await run(args, log_capture))
        except Exception as e:
            outcome.update(
                {
                    "oracle": "synapse",
                    "server_name": args.server_name,
                    "driver_error": {"type": type(e).__name__, "text": str(e)},
                }
            )
        finally:
            reactor.stop()

    reactor.callWhenRunning(lambda: defer.ensureDeferred(go()))
    reactor.run()
    json.dump(outcome, sys.stdout, sort_keys=True)
    sys.stdout.write("\n")
    return 0 if "driver_error" not in outcome else 2


if __name__ == "__main__":
    sys.exit(main())
