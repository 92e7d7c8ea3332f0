//! The results table: every scenario, `check`'s verdict next to each
//! oracle's outcome, and where they differ. `scripts/oracle-results` writes
//! it to `tests/oracles/RESULTS.md`.

use super::known::{KNOWN_DIFFERENCES, KNOWN_MODEL_DIFFERENCES, explained, model_explained};
use super::models::{model_differences, model_of, oracle_keeps_s};
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

/// How a peer model compares with the oracle running that peer's code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Agreement {
    Same,
    /// Every difference is a listed one whose rule holds.
    Known(Vec<&'static str>),
    /// Something differs that no listed difference explains.
    Differs(Vec<&'static str>),
    /// The model or the oracle gave nothing to compare.
    Missing(String),
}

/// The comparison of `oracle` with its peer's model in one scenario, and
/// the table cell that says so.
pub fn model_cell(row: &ScenarioRow, oracle: Oracle) -> (Agreement, String) {
    let Some(peer) = model_of(oracle) else {
        return (
            Agreement::Missing("not a federation oracle".into()),
            "-".into(),
        );
    };
    let Some(model) = row.spec.model(peer) else {
        return (
            Agreement::Missing(format!("no `{peer}` entry in federation.peers")),
            "no model".into(),
        );
    };
    let Some(run) = row.run(oracle) else {
        return (Agreement::Missing("not run".into()), "not run".into());
    };
    let Some(view) = run.peer_view(&row.server_name) else {
        return (
            Agreement::Missing("no oracle result".into()),
            "no oracle result".into(),
        );
    };
    let differs = model_differences(&model, &view, run);
    let (known, unknown): (Vec<&'static str>, Vec<&'static str>) = differs
        .iter()
        .partition(|what| model_explained(oracle, what, &model, &view, run));
    let agreement = if !unknown.is_empty() {
        Agreement::Differs(unknown.clone())
    } else if !known.is_empty() {
        Agreement::Known(known.clone())
    } else {
        Agreement::Same
    };
    let mut targets: Vec<String> = Vec::new();
    for (a, h, s) in &model.targets {
        let one = format!("{a} Host `{h}` SNI `{}`", s.as_deref().unwrap_or("none"));
        if !targets.contains(&one) {
            targets.push(one);
        }
    }
    let head = match &agreement {
        Agreement::Same => "same:".to_string(),
        Agreement::Known(k) => format!("known difference ({}):", k.join(", ")),
        Agreement::Differs(d) => format!("**differs ({})**:", d.join(", ")),
        Agreement::Missing(why) => format!("**{why}**:"),
    };
    let mut text = format!(
        "{head} model {} {} → {}",
        model.step.as_deref().unwrap_or("-"),
        if model.ok { "ok" } else { "FAILS" },
        if targets.is_empty() {
            "no target".into()
        } else {
            targets.join(", ")
        }
    );
    if let Some(keeps) = model.keeps_answer_s {
        text.push_str(&format!("; keeps {keeps} s"));
    }
    if !matches!(agreement, Agreement::Same) {
        text.push_str(&format!(
            "; oracle {} {}",
            view.step.as_deref().unwrap_or("-"),
            if view.ok { "ok" } else { "FAILS" }
        ));
        let mut seen: Vec<String> = Vec::new();
        for (a, h, s) in &view.requests {
            let one = format!("{a} Host `{h}` SNI `{}`", s.as_deref().unwrap_or("none"));
            if !seen.contains(&one) {
                seen.push(one);
            }
        }
        if !seen.is_empty() {
            text.push_str(&format!(" → {}", seen.join(", ")));
        }
        if let Some(period) = oracle_keeps_s(run) {
            text.push_str(&format!("; keeps {period:.0} s"));
        }
    }
    if let Some(failure) = model.failure.as_ref().filter(|_| !model.ok) {
        let short: String = failure.chars().take(160).collect();
        text.push_str(&format!("; model: {short}"));
    }
    (agreement, cell(&text))
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
    md.push_str(
        "\n## Peer models\n\n\
         Each peer model of `check` (`federation.peers`) against the oracle running that peer's\n\
         code: the Synapse model against Synapse's federation agent, the Continuwuity model against\n\
         `resolvematrix`. Compared: step (or failure), success, and for every federation request a\n\
         server received its address (one of the model's targets), `Host` header and SNI; for\n\
         Synapse also how long it keeps the well-known answer (its 24 h and 1 h defaults are spread\n\
         at random by ±10 %). Both sides run with the IP blocklist off (the simulation is on\n\
         loopback; `check --sim` implies `--allow-private-addresses`). \"same\" agrees on\n\
         everything; \"known difference\" is a listed one below whose rule holds; **differs** is a\n\
         failing test.\n\n\
         | scenario | Synapse model vs Synapse | Continuwuity model vs resolvematrix |\n|---|---|---|\n",
    );
    let mut counts = [[0usize; 3]; 2];
    for row in &matrix.rows {
        let (a, synapse) = model_cell(row, Oracle::Synapse);
        let (b, continuwuity) = model_cell(row, Oracle::Resolvematrix);
        for (i, agreement) in [a, b].iter().enumerate() {
            let slot = match agreement {
                Agreement::Same => 0,
                Agreement::Known(_) => 1,
                Agreement::Differs(_) | Agreement::Missing(_) => 2,
            };
            counts[i][slot] += 1;
        }
        md.push_str(&format!(
            "| {} | {synapse} | {continuwuity} |\n",
            row.scenario
        ));
    }
    md.push_str(&format!(
        "\nAgreement: Synapse {} same, {} known difference, {} differ; Continuwuity {} same, {} known difference, {} differ.\n",
        counts[0][0], counts[0][1], counts[0][2], counts[1][0], counts[1][1], counts[1][2]
    ));
    md.push_str("\n### DIFFERENCES\n\nDeliberate differences between a model and its oracle (`KNOWN_MODEL_DIFFERENCES` in `tests/it/support/oracles/known.rs`):\n\n| oracle | field | why, and the rule it must meet |\n|---|---|---|\n");
    for k in KNOWN_MODEL_DIFFERENCES {
        md.push_str(&format!(
            "| {} | `{}` | {} |\n",
            k.oracle.name(),
            k.what,
            cell(k.why)
        ));
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
