//! `server.tls` (per address): the TLS handshake and the certificate
//! (server-server API "TLS": a valid certificate for the name each step
//! requires; "Resolving server names" says which name).

use std::net::SocketAddr;

use crate::check::model::{CheckId, CheckResult, Status};
use crate::matrix::discovery::{Step, Target};
use crate::observe::{TlsFailure, TlsFailureKind, TlsObservation};

/// Certificates expiring sooner than this many days are a warning.
pub const EXPIRY_WARNING_DAYS: i64 = 14;

/// `server.tls` for one address of one target.
pub fn server_tls(
    addr: SocketAddr,
    target: &Target,
    step: Step,
    tls: &TlsObservation,
) -> CheckResult {
    let spec = format!("server-server API, TLS; {}", step.spec());
    let r = CheckResult::new(CheckId::ServerTls, Status::Pass, String::new())
        .target(addr.to_string())
        .spec(spec)
        .evidence(
            format!(
                "TLS {addr} (SNI {})",
                target.sni.as_deref().unwrap_or("none")
            ),
            describe(tls),
        );
    if let Some(err) = &tls.connect_error {
        if let TlsFailureKind::Local(problem) = err.kind {
            return super::local::could_not_test(r, problem);
        }
        return cannot_connect(r, addr, target, err);
    }
    let cert = &target.cert_name;
    let names = if tls.names.is_empty() {
        "no names".to_string()
    } else {
        tls.names.join(", ")
    };
    if let Some(days) = tls.days_left.filter(|d| *d < 0) {
        return fail(
            r,
            format!("the certificate expired {} day(s) ago", days.unsigned_abs()),
        )
        .remedy(
            "Renew the certificate (check that automatic renewal runs, e.g. certbot's timer or \
             Caddy's storage permissions) and reload the proxy.",
        );
    }
    if !tls.covers_required_name {
        let why = match step {
            Step::Srv | Step::LegacySrv => format!(
                "With SRV delegation (step {step}) the certificate must cover the server name \
                 {cert}, not the SRV target {}: the target proves it may speak for {cert}. Add \
                 {cert} to the certificate served on {}:{}, or switch to well-known delegation.",
                target.connect_host, target.connect_host, target.port
            ),
            Step::IpLiteral | Step::DelegatedIp => format!(
                "The certificate must cover the IP address {cert} itself; public CAs rarely issue \
                 those. Prefer a DNS name as server name or in m.server."
            ),
            _ => format!(
                "Serve a certificate that covers {cert} on {}:{} (for example from Let's \
                 Encrypt); with SNI {cert} the proxy must pick it.",
                target.connect_host, target.port
            ),
        };
        return fail(r, format!("the certificate covers {names}, not {cert}")).remedy(why);
    }
    if !tls.chain_valid {
        let err = tls
            .verify_error
            .as_ref()
            .map_or_else(|| "the chain does not verify".into(), ToString::to_string);
        return fail(r, format!("the certificate is not trusted: {err}")).remedy(
            "Other servers only accept certificates from a public CA with the full chain: serve \
             fullchain.pem (not cert.pem). A private CA works only for peers that trust it (use \
             --ca-file to check such a setup).",
        );
    }
    let mut r = r;
    let days = tls.days_left.unwrap_or(i64::MAX);
    let issuer = tls
        .issuer
        .clone()
        .map(|i| format!(", issued by {i}"))
        .unwrap_or_default();
    let expiry = tls
        .days_left
        .map(|d| format!(", expires in {d} days"))
        .unwrap_or_default();
    r.summary = format!("certificate covers {cert}{expiry}{issuer}");
    if days < EXPIRY_WARNING_DAYS {
        r.status = Status::Warn;
        r.summary = format!("certificate for {cert} expires in {days} day(s)");
        r = r.remedy("Renew the certificate now; check that automatic renewal works.");
    }
    r
}

fn fail(mut r: CheckResult, summary: String) -> CheckResult {
    r.status = Status::Fail;
    r.summary = summary;
    r
}

fn cannot_connect(
    r: CheckResult,
    addr: SocketAddr,
    target: &Target,
    err: &TlsFailure,
) -> CheckResult {
    let family = if addr.is_ipv6() { "AAAA" } else { "A" };
    let remedy = format!(
        "Nothing usable answers on {addr}. Make the reverse proxy listen there (for IPv6: \
         nginx `listen [::]:{port} ssl;`, Apache `Listen [::]:{port}`), open the firewall for \
         port {port}, or remove the {family} record of {host} if the machine has no such address: \
         servers try every address and may pick this one.",
        port = target.port,
        host = target.connect_host
    );
    fail(r, format!("cannot connect: {err}")).remedy(remedy)
}

fn describe(tls: &TlsObservation) -> String {
    if let Some(e) = &tls.connect_error {
        return e.to_string();
    }
    let mut parts = vec![format!("names: {}", tls.names.join(", "))];
    if let Some(na) = &tls.not_after {
        parts.push(format!("valid until {na}"));
    }
    if let Some(i) = &tls.issuer {
        parts.push(format!("issuer {i}"));
    }
    parts.push(match (&tls.verify_error, tls.chain_valid) {
        (_, true) => "chain verifies".into(),
        (Some(e), false) => format!("chain does not verify: {e}"),
        (None, false) => "chain does not verify".into(),
    });
    parts.join(" · ")
}
