//! How to restart the homeserver: the systemd units its packages install
//! (Continuwuity, conduwuit, tuwunel), found in `systemctl
//! list-unit-files` output, or the Docker Compose command when none is
//! installed.

/// The units the homeserver packages install, in the order asked.
pub const UNITS: [&str; 3] = [
    "continuwuity.service",
    "conduwuit.service",
    "tuwunel.service",
];

/// The compose command for a homeserver in Docker, run in the folder of
/// its compose file (the service name is the operator's).
pub const COMPOSE: &str = "docker compose restart <service>";

/// The homeserver units named in the output of `systemctl
/// list-unit-files --no-legend --type=service UNIT...` (first column of
/// each line), in [`UNITS`] order.
pub fn units_in(list: &str) -> Vec<&'static str> {
    let listed: Vec<&str> = list
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    UNITS.into_iter().filter(|u| listed.contains(u)).collect()
}

/// What to run to restart it.
pub fn advice(units: &[&str]) -> String {
    match units {
        [unit] => format!("systemctl restart {}", unit.trim_end_matches(".service")),
        [] => format!(
            "systemctl restart continuwuity (or conduwuit, tuwunel); in Docker: {COMPOSE} in \
             the compose file's folder"
        ),
        several => several
            .iter()
            .map(|u| format!("systemctl restart {}", u.trim_end_matches(".service")))
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_from_the_listing() {
        let list = "continuwuity.service enabled enabled\n";
        assert_eq!(units_in(list), vec!["continuwuity.service"]);
        assert_eq!(advice(&units_in(list)), "systemctl restart continuwuity");
        assert!(units_in("").is_empty());
        assert!(advice(&[]).contains("docker compose restart"));
        assert_eq!(
            advice(&["conduwuit.service", "tuwunel.service"]),
            "systemctl restart conduwuit or systemctl restart tuwunel"
        );
    }
}
