//! `server.tls` (per address): the TLS handshake and the certificate
//! (server-server API "TLS": a valid certificate for the name each step
//! requires; "Resolving server names" says which name).

use std::net::SocketAddr;

use crate::check::expect::Expectations;
use crate::check::model::{CheckId, CheckResult, Fault, Status};
use crate::check::remedy;
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
    ex: &Expectations,
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
        if err.kind == TlsFailureKind::RefusedAddress {
            return super::refused::not_connected(r, &[addr]);
        }
        return cannot_connect(r, addr, target, step, err, ex);
    }
    let certificate_fault = Fault::Certificate {
        host: target.connect_host.clone(),
        port: target.port,
    };
    let renew = remedy::certificate(ex.proxy, &target.connect_host);
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
        .fault(certificate_fault)
        .remedy(format!(
            "Renew the certificate and make sure automatic renewal runs. {renew}"
        ));
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
                "Serve a certificate that covers {cert} on {}:{}; with SNI {cert} the proxy must \
                 pick it. {}",
                target.connect_host,
                target.port,
                remedy::certificate(ex.proxy, cert)
            ),
        };
        return fail(r, format!("the certificate covers {names}, not {cert}"))
            .fault(certificate_fault)
            .remedy(why);
    }
    if !tls.chain_valid {
        let err = tls
            .verify_error
            .as_ref()
            .map_or_else(|| "the chain does not verify".into(), ToString::to_string);
        return fail(r, format!("the certificate is not trusted: {err}"))
            .fault(certificate_fault)
            .remedy(format!(
                "Other servers only accept certificates from a public CA with the full chain: \
                 serve fullchain.pem (not cert.pem). A private CA works only for peers that trust \
                 it (use --ca-file to check such a setup). {renew}"
            ));
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
        r = r.remedy(format!(
            "Renew the certificate now; check that automatic renewal works. {renew}"
        ));
    }
    r
}

fn fail(mut r: CheckResult, summary: String) -> CheckResult {
    r.status = Status::Fail;
    r.summary = summary;
    r
}

/// Nothing usable answers at `addr`. The remedy depends on how the address
/// was reached: port 8448 from steps 3.5 and 6 usually means `m.server`
/// lacks its port (or no server file at all), not a proxy that should
/// listen on 8448; a record is only worth removing when the name has
/// another address left and serves nothing else (never the server name,
/// which usually hosts a website).
fn cannot_connect(
    r: CheckResult,
    addr: SocketAddr,
    target: &Target,
    step: Step,
    err: &TlsFailure,
    ex: &Expectations,
) -> CheckResult {
    let port = target.port;
    let host = &target.connect_host;
    let fallback = matches!(step, Step::Srv | Step::LegacySrv | Step::DefaultPort);
    let fault = Fault::Unreachable {
        host: host.clone(),
        port,
        fallback,
    };
    let listen = remedy::listen(ex.proxy, host, addr.is_ipv6(), port);
    let mut text = match step {
        Step::DelegatedDefaultPort => format!(
            "m.server has no port: add `:443` (`{host}:443`), so servers connect where your \
             proxy listens instead of port 8448 (spec step 3.5). {}\nOr keep port {port} and make \
             the proxy listen there. {listen}",
            remedy::well_known_key(ex.deployment, "server", &format!("{host}:443"))
        ),
        Step::DefaultPort => format!(
            "Without a usable server file (and no SRV record), servers connect to {host}:{port} \
             (spec step 6). Publish /.well-known/matrix/server on {host} with \
             {{\"m.server\": \"<your homeserver host>:443\"}} (see server.well-known), or make \
             the proxy listen on port {port}. {listen}"
        ),
        _ => format!(
            "Nothing usable answers on {addr}: check that the firewall lets port {port} \
             through. {listen}"
        ),
    };
    let others = target
        .addresses
        .iter()
        .filter(|ip| **ip != addr.ip())
        .count();
    let names_other_things = matches!(
        step,
        Step::ExplicitPort | Step::DefaultPort | Step::Srv | Step::LegacySrv | Step::IpLiteral
    );
    if others > 0 && !names_other_things {
        let family = if addr.is_ipv6() { "AAAA" } else { "A" };
        text.push_str(&format!(
            "\nIf the machine has no such address, remove the {family} record of {host} ({}) \
             instead: servers try every address and may pick this one.",
            addr.ip()
        ));
    }
    // Per address: a connection that cannot be made sends peers on to the
    // host's next address; a TLS failure on an address that answered ends
    // the request of a peer that picked it.
    let connection_level = matches!(
        err.kind,
        TlsFailureKind::Refused | TlsFailureKind::ConnectTimeout | TlsFailureKind::Connect
    );
    let what = if connection_level {
        format!("cannot connect to {addr}: {err}")
    } else {
        format!("the TLS handshake with {addr} fails: {err}")
    };
    let consequence = match (others, connection_level) {
        (0, _) => String::new(),
        (_, true) => format!(
            "; peers try {host}'s other {} next",
            if others == 1 { "address" } else { "addresses" }
        ),
        (_, false) => "; a peer that picks this address fails, it does not try another".into(),
    };
    let summary = if step == Step::DelegatedDefaultPort {
        format!("{what} (port {port}: m.server has no port){consequence}")
    } else {
        format!("{what}{consequence}")
    };
    fail(r, summary).fault(fault).remedy(text)
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
