//! The teaching panel: for one strategy, how a remote server and a client
//! find the operator's server, step by step with the spec's step numbers,
//! what has to exist, and the pros and cons — written with the operator's
//! own names. The texts are templates in `assets/teaching/`.
//!
//! Markup the view understands, one per line: `# heading`, `+ pro`,
//! `- con`; everything else is plain text (indentation kept).

use std::sync::OnceLock;

use minijinja::{Environment, context};
use serde::Serialize;

use crate::domain::plan::DnsRecord;
use crate::domain::{Answers, Plan, SrvService, Strategy};

const TEMPLATES: [(&str, &str); 8] = [
    (
        "well-known",
        include_str!("../../assets/teaching/well-known.j2"),
    ),
    ("static", include_str!("../../assets/teaching/static.j2")),
    ("srv", include_str!("../../assets/teaching/srv.j2")),
    (
        "srv+well-known",
        include_str!("../../assets/teaching/srv+well-known.j2"),
    ),
    (
        "well-known+srv-fallback",
        include_str!("../../assets/teaching/well-known+srv-fallback.j2"),
    ),
    ("none", include_str!("../../assets/teaching/none.j2")),
    ("client", include_str!("../../assets/teaching/_client.j2")),
    ("needs", include_str!("../../assets/teaching/_needs.j2")),
];

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        // Includes end with their newline, so blank lines around them stay.
        env.set_keep_trailing_newline(true);
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        for (name, source) in TEMPLATES {
            // The templates are part of the binary and covered by tests;
            // a broken one shows its error in the panel instead.
            let _ = env.add_template(name, source);
        }
        env
    })
}

/// What a lesson is about: the names shown, and whether they are the
/// operator's or the seed guide's example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lesson {
    pub strategy: Strategy,
    pub text: String,
}

/// The lesson for `strategy`, using the operator's names when they make a
/// valid plan with it, else the example names (and saying why).
pub fn lesson(answers: &Answers, strategy: Strategy) -> Lesson {
    let mut mine = lesson_answers(answers, strategy);
    let (plan, note) = match crate::domain::plan(&mine) {
        Ok(plan) => (plan, None),
        Err(errors) => {
            let typed = !answers.server_name.trim().is_empty();
            let why: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            mine = lesson_answers(&Answers::example(), strategy);
            let note = if typed {
                Some(format!(
                    "With your answers this does not work yet: {}. Shown with the example names:",
                    why.join("; ")
                ))
            } else {
                Some("Shown with example names; yours appear once you type them.".to_string())
            };
            match crate::domain::plan(&mine) {
                Ok(plan) => (plan, note),
                Err(e) => {
                    return Lesson {
                        strategy,
                        text: format!("(no example for this strategy: {e:?})"),
                    };
                }
            }
        }
    };
    let mut text = note.map(|n| format!("{n}\n\n")).unwrap_or_default();
    text.push_str(&render(&plan));
    Lesson { strategy, text }
}

/// Only what the lesson needs: names, port, client URL and the strategy.
/// (The proxy and support answers cannot make a strategy impossible to teach.)
fn lesson_answers(answers: &Answers, strategy: Strategy) -> Answers {
    Answers {
        server_name: answers.server_name.clone(),
        host: if strategy == Strategy::None {
            String::new()
        } else {
            answers.host.clone()
        },
        port: if strategy == Strategy::None {
            String::new()
        } else {
            answers.port.clone()
        },
        strategy,
        client_url: answers.client_url.clone(),
        ..Answers::default()
    }
}

#[derive(Serialize)]
struct Srv {
    owner: String,
    priority: u16,
    weight: u16,
    port: u16,
    target: String,
}

#[derive(Serialize)]
struct Cert {
    name: String,
    serve: String,
    port: u16,
    why: String,
}

/// Renders the strategy's template for a valid plan.
pub fn render(plan: &Plan) -> String {
    let ep = plan.federation_endpoint();
    let mut dns = Vec::new();
    let mut srv = None;
    for r in plan.dns_records() {
        dns.push(r.describe());
        if let DnsRecord::Srv {
            name,
            priority,
            weight,
            port,
            target,
        } = r
        {
            srv = Some(Srv {
                owner: SrvService::Federation.owner(&name),
                priority,
                weight,
                port,
                target,
            });
        }
    }
    let certs: Vec<Cert> = plan
        .certificates()
        .into_iter()
        .map(|c| Cert {
            name: c.name,
            serve: c.serve_host,
            port: c.port,
            why: c.why,
        })
        .collect();
    let ctx = context! {
        server_name => plan.server_name.as_str(),
        base => plan.base_domain(),
        host => plan.host_str(),
        host_is_ip => plan.host.is_ip(),
        name_is_ip => plan.server_name.host.is_ip(),
        port => plan.port,
        m_server => plan.m_server(),
        client_url => plan.client_url,
        base_url => plan.base_url(),
        upstream => plan.upstream,
        ep => context! {
            step => ep.step,
            connect_host => ep.connect_host,
            port => ep.port,
            host_header => ep.host_header,
            cert_name => ep.cert_name,
        },
        dns => dns,
        srv => srv,
        certs => certs,
    };
    let name = plan.strategy.id();
    match env().get_template(name).and_then(|t| t.render(ctx)) {
        Ok(text) => text.trim_end().to_string(),
        Err(e) => format!("(the lesson for `{name}` could not be rendered: {e})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_for(strategy: Strategy, server: &str, host: &str) -> Plan {
        let a = Answers {
            server_name: server.into(),
            host: host.into(),
            strategy,
            ..Answers::default()
        };
        crate::domain::plan(&a).expect("valid plan")
    }

    #[test]
    fn every_strategy_renders_with_the_operators_names() {
        for s in Strategy::ALL {
            let host = if s == Strategy::None {
                ""
            } else {
                "hs.chat.test"
            };
            let text = render(&plan_for(s, "chat.test", host));
            assert!(!text.contains("could not be rendered"), "{s}: {text}");
            assert!(text.contains("chat.test"), "{s}: {text}");
            assert!(
                !text.contains("example.com"),
                "{s} leaks example names: {text}"
            );
            assert!(text.contains("# Pros and cons"), "{s}: {text}");
            assert!(text.contains("step"), "{s}: {text}");
        }
    }

    #[test]
    fn the_spec_steps_follow_the_strategy() {
        let wk = render(&plan_for(Strategy::WellKnown, "chat.test", "hs.chat.test"));
        assert!(wk.contains("{\"m.server\": \"hs.chat.test:443\"}"), "{wk}");
        assert!(wk.contains("3.2"), "{wk}");
        let srv = render(&plan_for(Strategy::Srv, "chat.test", "hs.chat.test"));
        assert!(srv.contains("_matrix-fed._tcp.chat.test"), "{srv}");
        assert!(srv.contains("certificate for chat.test"), "{srv}");
        let srv_wk = render(&plan_for(
            Strategy::SrvWellKnown,
            "chat.test",
            "hs.chat.test",
        ));
        assert!(srv_wk.contains("_matrix-fed._tcp.hs.chat.test"), "{srv_wk}");
        assert!(srv_wk.contains("3.3"), "{srv_wk}");
        let none = render(&plan_for(Strategy::None, "chat.test", ""));
        assert!(none.contains("chat.test:8448"), "{none}");
    }

    #[test]
    fn falls_back_to_example_names_and_says_why() {
        let empty = lesson(&Answers::default(), Strategy::WellKnown);
        assert!(
            empty.text.starts_with("Shown with example names"),
            "{}",
            empty.text
        );
        assert!(
            empty.text.contains("matrix.example.com:443"),
            "{}",
            empty.text
        );
        let ip = Answers {
            server_name: "chat.test".into(),
            host: "192.0.2.7".into(),
            ..Answers::default()
        };
        let srv = lesson(&ip, Strategy::Srv);
        assert!(srv.text.contains("does not work yet"), "{}", srv.text);
        assert!(srv.text.contains("not an IP address"), "{}", srv.text);
    }
}
