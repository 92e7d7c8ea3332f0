//! Helpers for the proxy tests: finding proxy programs, temporary
//! directories, a test certificate authority, spawning processes and
//! waiting for their ports, a stand-in homeserver, and the per-proxy
//! harness that turns a generated configuration into a runnable one.
#![allow(dead_code)]

pub mod certs;
pub mod homeserver;
pub mod process;
pub mod programs;
pub mod proxies;

use matrix_delegate::domain::{Answers, Plan, Proxy, Strategy, plan};

/// The seed's example names with a support contact, so that all three
/// well-known files exist.
pub fn answers(strategy: Strategy, proxy: Proxy) -> Answers {
    Answers {
        strategy,
        proxy,
        support_email: "admin@example.com".into(),
        support_mxid: "@admin:example.com".into(),
        support_page: "https://example.com/help".into(),
        ..Answers::example()
    }
}

pub fn plan_of(a: &Answers) -> Plan {
    match plan(a) {
        Ok(p) => p,
        Err(e) => panic!("test answers must be valid: {e:?}"),
    }
}

/// The strategies a proxy can be combined with (`--proxy static` cannot
/// forward anything to the homeserver).
pub fn strategies_for(proxy: Proxy) -> Vec<Strategy> {
    Strategy::ALL
        .into_iter()
        .filter(|s| {
            proxy != Proxy::Static || matches!(s, Strategy::Static | Strategy::Srv | Strategy::None)
        })
        .collect()
}

/// Answers for strategy `none`: the server name is the host.
pub fn answers_for(strategy: Strategy, proxy: Proxy) -> Answers {
    let mut a = answers(strategy, proxy);
    if strategy == Strategy::None {
        a.server_name = "matrix.example.com".into();
        a.host = String::new();
        a.support_mxid = "@admin:matrix.example.com".into();
    }
    a
}
