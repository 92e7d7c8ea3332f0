//! The results table: every scenario, `check`'s verdict next to each
//! oracle's outcome, and where they differ. `scripts/oracle-results` writes
//! it to `tests/oracles/RESULTS.md`.

use super::known::{KNOWN_DIFFERENCES, explained};
use super::view::PeerView;
use super::{Matrix, Oracle, ScenarioRow, SpecSide};

/// Where a federation peer's outcome differs from `check`'s spec path:
/// `step`, `ok`, `address` (a request went to an address that is not a
/// spec target), `host` (a `Host` header the spec target does not send),
/// `sni`.
pub fn differences(spec: &SpecSide, peer: &PeerView) -> Vec<&'static str> {
    let mut differs = Vec::new();
    if peer.step.as_deref() != spec.step() {
        differs.push("step");
    }
    if peer.ok != spec.federation_ok() {
        differs.push("ok");
    }
    let targets = spec.targets();
    for (address, host, sni) in &peer.requests {
        match targets.iter().find(|(a, _, _)| a == address) {
            None => {
                if !differs.contains(&"address") {
                    differs.push("address");
                }
            }
            Some((_, spec_host, spec_sni)) => {
                if spec_host != host && !differs.contains(&"host") {
                    differs.push("host");
                }
                if spec_sni != sni && !differs.contains(&"sni") {
                    differs.push("sni");
                }
            }
        }
    }
    differs
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn spec_federation(spec: &SpecSide) -> String {
    let targets: Vec<String> = spec
        .targets()
        .iter()
        .map(|(a, h, _)| format!("{a} Host `{h}`"))
        .collect();
    format!(
        "{} {} → {}",
        spec.step().unwrap_or("-"),
        if spec.federation_ok() { "ok" } else { "FAILS" },
        if targets.is_empty() {
            "no target".into()
        } else {
            targets.join(", ")
        }
    )
}

fn peer_federation(row: &ScenarioRow, oracle: Oracle) -> String {
    let Some(run) = row.run(oracle) else {
        return "not run".into();
    };
    let Some(view) = run.peer_view(&row.server_name) else {
        return format!(
            "no result (exit {:?}{})",
            run.exit_code,
            if run.timed_out { ", killed" } else { "" }
        );
    };
    let differs: Vec<String> = differences(&row.spec, &view)
        .into_iter()
        .map(|what| {
            if explained(oracle, what, &row.spec, &view.requests) {
                format!("{what}: known")
            } else {
                what.to_string()
            }
        })
        .collect();
    let mut seen = Vec::new();
    for (a, h, s) in &view.requests {
        let one = format!("{a} Host `{h}` SNI `{}`", s.as_deref().unwrap_or("none"));
        if !seen.contains(&one) {
            seen.push(one);
        }
    }
    let mut text = format!(
        "{} {} {} → {}",
        if differs.is_empty() {
            "same:".to_string()
        } else {
            format!("**differs ({})**:", differs.join(", "))
        },
        view.step.as_deref().unwrap_or("-"),
        if view.ok { "ok" } else { "FAILS" },
        if seen.is_empty() {
            "no federation request arrived".into()
        } else {
            seen.join(", ")
        }
    );
    if let Some(period) = run
        .output
        .as_ref()
        .and_then(|o| o["well_known"]["cache_period_s"].as_f64())
    {
        text.push_str(&format!("; keeps the well-known answer {period:.0} s"));
    }
    if let Some(failure) = view.failure.filter(|_| !view.ok) {
        let short: String = failure.chars().take(160).collect();
        text.push_str(&format!("; {short}"));
    }
    cell(&text)
}

fn spec_client(spec: &SpecSide) -> String {
    format!(
        "{} · client.cors {}",
        spec.client_verdict().unwrap_or("-"),
        spec.status("client.cors").as_deref().unwrap_or("-")
    )
}

fn js_client(row: &ScenarioRow) -> String {
    let Some(run) = row.run(Oracle::JsSdk) else {
        return "not run".into();
    };
    let Some(out) = run.output.as_ref() else {
        return format!("no result (exit {:?})", run.exit_code);
    };
    let verdict = run.client_verdict().unwrap_or_else(|| "-".into());
    let same = Some(verdict.as_str()) == row.spec.client_verdict();
    let error = out["homeserver"]["error"].as_str().unwrap_or("");
    let identity = out["identity_server"]["state"].as_str().unwrap_or("-");
    cell(&format!(
        "{} {}{} · identity server {}",
        if same { "same:" } else { "**differs**:" },
        out["homeserver"]["state"].as_str().unwrap_or("-"),
        if error.is_empty() {
            String::new()
        } else {
            format!(" ({error})")
        },
        identity
    ))
}

fn browser(row: &ScenarioRow) -> String {
    let Some(run) = row.run(Oracle::Chromium) else {
        return "not run".into();
    };
    let Some((ok, text)) = run.browser_outcome() else {
        return format!(
            "no result (exit {:?}{})",
            run.exit_code,
            if run.timed_out { ", killed" } else { "" }
        );
    };
    let cors_pass = row.spec.status("client.cors").as_deref() == Some("pass");
    let short: String = text.chars().take(300).collect();
    cell(&format!(
        "{} {short}",
        if ok == cors_pass {
            "same:"
        } else if super::known::chromium_difference_is_known(row, ok) {
            "known:"
        } else {
            "**differs**:"
        }
    ))
}

pub fn results_markdown(matrix: &Matrix) -> String {
    let mut md = String::from(
        "# Oracle results\n\n\
         Generated by `scripts/oracle-results` from the oracle tests (`tests/it/oracles/`): every\n\
         built-in scenario served on its logical addresses, checked by `matrix-delegate check` and\n\
         run through each peer's own code. Do not edit by hand. \"same\" means the oracle agrees with\n\
         `check` on everything compared in that column; **differs** names what does not agree.\n\n\
         - Synapse: its `MatrixFederationAgent` (well-known, SRV, connection), with its federation IP\n  \
           blocklist emptied because the simulation is on loopback.\n\
         - resolvematrix: Continuwuity's resolver crate and the federation client it builds.\n\
         - matrix-js-sdk: `AutoDiscovery.findClientConfig` (`SUCCESS` is `OK`, `PROMPT` is `IGNORE`).\n\
         - Chromium: a page on `https://app.example.net` fetching the client file, then\n  \
           `/_matrix/client/versions` with `Authorization`; \"same\" when it could read both exactly\n  \
           when `client.cors` passes.\n\n\
         Federation columns compare the spec step, success, and for every federation request a\n\
         server received its address (one of `check`'s targets), `Host` header and SNI.\n\n",
    );
    if !matrix.missing.is_empty() {
        md.push_str("Oracles not run on this machine:\n\n");
        for (oracle, why) in &matrix.missing {
            md.push_str(&format!("- {}: {why}\n", oracle.name()));
        }
        md.push('\n');
    }
    md.push_str("## Federation\n\n| scenario | check (spec path) | Synapse | resolvematrix |\n|---|---|---|---|\n");
    for row in &matrix.rows {
        md.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            row.scenario,
            cell(&spec_federation(&row.spec)),
            peer_federation(row, Oracle::Synapse),
            peer_federation(row, Oracle::Resolvematrix)
        ));
    }
    md.push_str("\nKnown differences (`tests/it/support/oracles/known.rs`; \"known\" above means the peer sent exactly what the rule says):\n\n");
    for k in KNOWN_DIFFERENCES {
        md.push_str(&format!("- {} `{}`: {}\n", k.oracle.name(), k.what, k.why));
    }
    md.push_str("\n## Clients\n\n| scenario | check (client.verdict · client.cors) | matrix-js-sdk | Chromium |\n|---|---|---|---|\n");
    for row in &matrix.rows {
        md.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            row.scenario,
            cell(&spec_client(&row.spec)),
            js_client(row),
            browser(row)
        ));
    }
    md
}
