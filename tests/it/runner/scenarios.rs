//! Every built-in scenario through the real runner: what its `[expect]`
//! table says a correct resolver and checker conclude (spec step,
//! federation verdict, every target with address, Host, SNI and
//! certificate name, the client verdict, the checks that must fail or
//! warn, the root causes named first) is what the report says; a failure
//! caused by another carries no remedy and comes after its cause.

use std::sync::Arc;
use std::time::Duration;

use matrix_delegate::check::expect::Expectations;
use matrix_delegate::report::from_observations as report;

use crate::support::runner::*;
use matrix_delegate::check::model::{CheckId, Status};
use matrix_delegate::sim::Scenario;
use tokio::sync::Semaphore;

/// How many scenarios run at once (the machine has two cores).
const PARALLEL: usize = 6;

async fn mismatches(name: &'static str) -> Vec<String> {
    let scenario = Scenario::builtin(name).expect("built-in");
    let expect = scenario
        .expect
        .clone()
        .expect("every built-in has [expect]");
    let out = builtin(name).await;
    let r = &out.report;
    let mut bad = Vec::new();
    let step = r.federation.step.map(|s| s.as_str().to_string());
    if step.as_deref() != Some(expect.step.as_str()) {
        bad.push(format!("step {step:?}, expected {}", expect.step));
    }
    if r.federation.ok != expect.federation_ok {
        bad.push(format!(
            "federation.ok {}, expected {}",
            r.federation.ok, expect.federation_ok
        ));
    }
    if let Some(want) = &expect.peers_fail {
        let failing: Vec<&str> = r
            .federation
            .peers
            .iter()
            .filter(|p| !p.ok)
            .map(|p| p.peer)
            .collect();
        if failing != *want {
            bad.push(format!("failing peers {failing:?}, expected {want:?}"));
        }
    }
    let got: Vec<(String, String, Option<String>, String)> = r
        .federation
        .targets
        .iter()
        .map(|t| {
            (
                t.address.clone(),
                t.host_header.clone(),
                t.sni.clone(),
                t.cert_name.clone(),
            )
        })
        .collect();
    let want: Vec<(String, String, Option<String>, String)> = expect
        .targets
        .iter()
        .map(|t| {
            (
                t.address.to_string(),
                t.host_header.clone(),
                t.sni.clone(),
                t.cert_name.clone(),
            )
        })
        .collect();
    if got != want {
        bad.push(format!("targets {got:?}, expected {want:?}"));
    }
    let client = r.client.verdict.map(|v| v.as_str());
    if client != Some(expect.client.as_str()) {
        bad.push(format!("client {client:?}, expected {}", expect.client));
    }
    let find = |id: &str| {
        CheckId::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == id)
            .unwrap_or_else(|| panic!("{name}: unknown id {id}"))
    };
    for id in &expect.fail {
        let s = statuses(r, find(id));
        if !s.iter().any(|s| s.is_failure()) {
            bad.push(format!("{id} should fail, got {s:?}"));
        }
    }
    for id in &expect.warn {
        let s = statuses(r, find(id));
        if !s.contains(&Status::Warn) {
            bad.push(format!("{id} should warn, got {s:?}"));
        }
    }
    for id in &expect.skipped {
        let s = statuses(r, find(id));
        if !s.contains(&Status::Skipped) {
            bad.push(format!("{id} should be skipped, got {s:?}"));
        }
    }
    // The root causes come first, and they are the scenario's real causes;
    // every other failure names its cause and carries no remedy of its own.
    match &expect.root_causes {
        None => bad.push("[expect] has no root_causes".into()),
        Some(want) => {
            let mut got: Vec<&str> = Vec::new();
            for (c, _) in r.root_causes() {
                if !got.contains(&c.id.as_str()) {
                    got.push(c.id.as_str());
                }
            }
            if got != want.iter().map(String::as_str).collect::<Vec<_>>() {
                bad.push(format!("root causes {got:?}, expected {want:?}"));
            }
            let roots = r.root_causes().len();
            if r.checks[..roots]
                .iter()
                .zip(r.root_causes())
                .any(|(a, (b, _))| a != b)
            {
                bad.push("the root causes are not the first results".into());
            }
        }
    }
    for c in &r.checks {
        if let Some(cause) = &c.caused_by {
            if c.remedy.is_some() {
                bad.push(format!(
                    "{} {:?} is caused by {} but carries a remedy",
                    c.id.as_str(),
                    c.target,
                    cause.id.as_str()
                ));
            }
            let at = |id, target: &Option<String>| {
                r.checks
                    .iter()
                    .position(|x| x.id == id && &x.target == target)
            };
            if at(cause.id, &cause.target) >= at(c.id, &c.target) {
                bad.push(format!(
                    "{} {:?} comes before its cause {}",
                    c.id.as_str(),
                    c.target,
                    cause.id.as_str()
                ));
            }
        } else if c.status.is_failure()
            && !r
                .root_causes()
                .iter()
                .any(|(root, _)| std::ptr::eq(*root, c))
        {
            bad.push(format!(
                "{} {:?} fails without a cause and is no root",
                c.id.as_str(),
                c.target
            ));
        }
    }
    // Every per-address check ran for every target.
    for t in &r.federation.targets {
        for id in [
            CheckId::ServerTls,
            CheckId::ServerVersion,
            CheckId::ServerKeys,
            CheckId::ServerRouting,
        ] {
            if !r
                .checks
                .iter()
                .any(|c| c.id == id && c.target.as_deref() == Some(t.address.as_str()))
            {
                bad.push(format!("no {} for {}", id.as_str(), t.address));
            }
        }
    }
    // The streamed verdicts are exactly the one-shot evaluation's.
    match &out.observations {
        None => bad.push("the run hit its deadline".into()),
        Some(obs) => {
            let mut evaluated = report(obs, &Expectations::none());
            let mut streamed = r.clone();
            for c in evaluated
                .checks
                .iter_mut()
                .chain(streamed.checks.iter_mut())
            {
                c.duration = Duration::ZERO;
            }
            if evaluated != streamed {
                bad.push("the event stream and evaluate() disagree".into());
            }
        }
    }
    if !bad.is_empty() {
        let mut text = String::new();
        for c in &r.checks {
            text.push_str(&format!(
                "    {:?} {} {:?}: {}\n",
                c.status,
                c.id.as_str(),
                c.target,
                c.summary
            ));
        }
        bad.push(format!("report:\n{text}"));
    }
    bad.into_iter().map(|b| format!("{name}: {b}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_builtin_scenario_meets_its_expectations() {
    let limit = Arc::new(Semaphore::new(PARALLEL));
    let mut tasks = Vec::new();
    for name in Scenario::builtin_names() {
        let limit = limit.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire().await.expect("semaphore open");
            mismatches(name).await
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("scenario task"));
    }
    assert!(all.is_empty(), "{}", all.join("\n"));
}
