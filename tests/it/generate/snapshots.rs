//! Snapshots of the generated text: they are the documentation of what
//! matrix-delegate writes for each strategy and proxy (read them in
//! tests/it/generate/snapshots/). The seed's names: @alice:example.com
//! served by matrix.example.com, with a support e-mail address.

use matrix_delegate::domain::{Answers, Deployment, Plan, Proxy, Strategy, plan};
use matrix_delegate::generate::{artifacts, ids};

fn plan_for(strategy: Strategy, proxy: Proxy, deployment: Deployment) -> Plan {
    let mut a = Answers {
        strategy,
        proxy,
        deployment,
        support_email: "admin@example.com".into(),
        ..Answers::example()
    };
    if strategy == Strategy::None {
        a.server_name = "matrix.example.com".into();
        a.host = String::new();
    }
    plan(&a).expect("valid answers")
}

fn name(strategy: Strategy) -> String {
    strategy.id().replace('+', "-plus-")
}

/// Every artifact except the proxy configuration, one after another.
fn without_proxy(plan: &Plan) -> String {
    artifacts(plan)
        .into_iter()
        .filter(|a| a.id != ids::PROXY)
        .map(|a| format!("===== {} [{}] =====\n{}", a.file_name, a.id, a.text))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn proxy_configuration_per_strategy_and_proxy() {
    let mut count = 0;
    for strategy in Strategy::ALL {
        for proxy in Proxy::ALL {
            let Ok(plan) = plan(&Answers {
                proxy: *proxy,
                ..plan_answers(strategy)
            }) else {
                continue;
            };
            let text = artifacts(&plan)
                .into_iter()
                .find(|a| a.id == ids::PROXY)
                .expect("proxy artifact")
                .text;
            insta::assert_snapshot!(format!("proxy__{}__{}", name(strategy), proxy.id()), text);
            count += 1;
        }
    }
    // 6 strategies × 6 proxies, less the 3 that `static files only` cannot serve.
    assert_eq!(count, 33);
}

fn plan_answers(strategy: Strategy) -> Answers {
    let p = plan_for(strategy, Proxy::Caddy, Deployment::ConfigFile);
    Answers {
        server_name: p.server_name.to_string(),
        host: if strategy == Strategy::None {
            String::new()
        } else {
            p.host_str()
        },
        strategy,
        support_email: "admin@example.com".into(),
        ..Answers::default()
    }
}

#[test]
fn other_artifacts_per_strategy() {
    for strategy in Strategy::ALL {
        let plan = plan_for(strategy, Proxy::Caddy, Deployment::ConfigFile);
        insta::assert_snapshot!(
            format!("artifacts__{}", name(strategy)),
            without_proxy(&plan)
        );
    }
}

#[test]
fn docker_deployment() {
    let plan = plan_for(Strategy::WellKnown, Proxy::Traefik, Deployment::Docker);
    insta::assert_snapshot!("artifacts__well-known__docker", without_proxy(&plan));
}
