//! Many generated deployments on one simulated internet (`sim::Fleet`):
//! every deployment checks out as the built-in scenario its template
//! follows, check by check, through one shared network layer.

use std::collections::BTreeMap;
use std::time::Duration;

use matrix_delegate::check::expect::Expectations;
use matrix_delegate::check::model::{CheckId, Status};
use matrix_delegate::domain::ServerName;
use matrix_delegate::probe::Net;
use matrix_delegate::probe::runner::{CheckRequest, run_to_report};
use matrix_delegate::report::Report;
use matrix_delegate::sim::scenario::Latency;
use matrix_delegate::sim::{Fleet, FleetSpec, Scenario, Sim};

fn statuses(report: &Report) -> BTreeMap<(CheckId, Option<String>), Status> {
    report
        .checks
        .iter()
        .map(|c| ((c.id, c.target.clone()), c.status))
        .collect()
}

async fn report_for(net: &Net, name: &str) -> Report {
    let request = CheckRequest {
        server_name: ServerName::parse(name).expect("valid"),
        expectations: Expectations::none(),
    };
    run_to_report(net.clone(), request, 1).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_generated_deployment_checks_out_as_its_template() {
    let fleet = Fleet::generate(&FleetSpec {
        count: 16,
        latency: Latency::default(),
    });
    let sim = Sim::start(&fleet.scenario).await.expect("fleet starts");
    let mut options = sim.net_options();
    options.timeout = Duration::from_secs(10);
    let net = Net::new(options).expect("net");
    let mut templates = BTreeMap::new();
    for d in &fleet.deployments {
        let report = report_for(&net, &d.server_name).await;
        assert_eq!(
            report.ok,
            !d.template.broken(),
            "{}: {:?}",
            d.server_name,
            report
        );
        let template = match templates.get(&d.template) {
            Some(t) => t,
            None => {
                let scenario = Scenario::builtin(d.template.scenario_name()).expect("builtin");
                let single = Sim::start(&scenario).await.expect("starts");
                let mut options = single.net_options();
                options.timeout = Duration::from_secs(10);
                let single_net = Net::new(options).expect("net");
                let r = report_for(&single_net, &scenario.server_name).await;
                templates.entry(d.template).or_insert(r)
            }
        };
        let mut got = statuses(&report);
        let mut want = statuses(template);
        got.retain(|k, v| want.get(k) != Some(v));
        want.retain(|k, v| statuses(&report).get(k) != Some(v));
        assert_eq!(got, want, "{} ({:?})", d.server_name, d.template);
    }
}
