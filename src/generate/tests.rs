use super::*;
use crate::domain::{Answers, Strategy, plan};

fn answers(strategy: Strategy, proxy: Proxy) -> Answers {
    Answers {
        strategy,
        proxy,
        ..Answers::example()
    }
}

#[test]
fn scratch_print() {
    let Ok(spec) = std::env::var("SCRATCH") else {
        return;
    };
    let parts: Vec<&str> = spec.split(',').collect();
    let mut a = answers(parts[0].parse().unwrap(), parts[1].parse().unwrap());
    if parts.len() > 2 {
        a.port = parts[2].into();
    }
    if parts.len() > 3 {
        a.deployment = parts[3].parse().unwrap();
    }
    a.support_email = "admin@example.com".into();
    let p = plan(&a).expect("valid");
    for a in artifacts(&p) {
        println!("=== {} ({})\n{}", a.id, a.file_name, a.text);
    }
}
