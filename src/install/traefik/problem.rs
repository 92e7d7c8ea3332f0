//! Why a Traefik install would not work as written, and exactly what to
//! change, in Traefik's own terms.

/// Why the install would not work as written: nothing is written, and each
/// says what to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Another file of the directory defines a name of ours.
    NameTaken {
        kind: &'static str,
        name: String,
        file: String,
    },
    /// Another router answers for one of our hosts on one of our entry
    /// points and would win over ours (or tie).
    HostTaken {
        router: String,
        file: String,
        host: String,
        entry_point: String,
        rule: String,
        theirs: i64,
        ours: i64,
        /// Our paths, as a rule (`PathPrefix(...) || ...`).
        paths: String,
    },
    /// A TCP router takes the connections for one of our hosts on one of
    /// our entry points: Traefik applies TCP routers before HTTP routers
    /// there, so our HTTP routers never see them.
    SniTaken {
        router: String,
        file: String,
        host: String,
        entry_point: String,
        rule: String,
    },
    /// No entry point of the static configuration listens on this port.
    EntryPointMissing {
        port: u16,
        name: String,
        static_file: String,
    },
    /// No certificate resolver and no listed certificates.
    NoCertificates { static_file: String },
    /// The default TLS options require client certificates, which Matrix
    /// servers and clients do not present.
    ClientCertificatesRequired { file: String, kind: String },
}

impl Problem {
    /// What is wrong, then exactly what to change.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Problem::NameTaken { kind, name, file } => vec![
                format!(
                    "{file} already defines the {kind} `{name}`, a name the install uses. \
                     Traefik merges the files of the directory into one set of names and \
                     skips the second definition (\"{kind} already configured, skipping\"), \
                     so one of the two would not be used."
                ),
                format!(
                    "Rename it there (and what refers to it), or remove it if it is an older \
                     hand-made copy of these routers; then run apply again."
                ),
            ],
            Problem::HostTaken {
                router,
                file,
                host,
                entry_point,
                rule,
                theirs,
                ours,
                paths,
            } => vec![
                format!(
                    "{file}: router `{router}` answers for {host} on entry point {entry_point} \
                     with priority {theirs}, and ours would have {ours} (the length of its \
                     rule): Traefik would send the Matrix paths to `{router}`."
                ),
                format!("Leave the Matrix paths to the install: change its rule to"),
                format!("    rule: \"({rule}) && !({paths})\""),
                format!(
                    "or give it a priority below {ours} (`priority: {}`); then run apply again.",
                    ours - 1
                ),
            ],
            Problem::SniTaken {
                router,
                file,
                host,
                entry_point,
                rule,
            } => vec![
                format!(
                    "{file}: TCP router `{router}` (rule {rule}) takes the connections for \
                     {host} on entry point {entry_point}. Traefik applies TCP routers before \
                     HTTP routers on an entry point, so the Matrix routers would never see \
                     a request."
                ),
                format!(
                    "Take {host} out of its HostSNI rule (a HostSNI(`*`) router catches every \
                     name: narrow it to the names it is for), or move it to another entry \
                     point; then run apply again."
                ),
            ],
            Problem::EntryPointMissing {
                port,
                name,
                static_file,
            } => vec![
                format!(
                    "{static_file} has no entry point on port {port}; the routers need one. Add \
                     it to the static configuration and restart Traefik (entry points are read \
                     only at start), then run apply again:"
                ),
                format!("    entryPoints:\n      {name}:\n        address: \":{port}\""),
                format!("  (TOML: [entryPoints.{name}] address = \":{port}\")"),
            ],
            Problem::NoCertificates { static_file } => vec![
                format!(
                    "{static_file} has no certificate resolver (certificatesResolvers) and no \
                     file of the directory lists certificates (tls.certificates): Traefik would \
                     answer with its self-signed default certificate, which Matrix servers \
                     and clients refuse. Add a resolver to the static configuration and \
                     restart Traefik, then run apply again:"
                ),
                "    certificatesResolvers:\n      letsencrypt:\n        acme:\n          \
                 email: you@example.com\n          storage: /etc/traefik/acme.json\n          \
                 tlsChallenge: {}"
                    .into(),
            ],
            Problem::ClientCertificatesRequired { file, kind } => vec![
                format!(
                    "{file}: the default TLS options require client certificates \
                     (clientAuthType: {kind}). Matrix servers (federation, on the federation \
                     port too) and clients connect without one, so every connection would \
                     fail."
                ),
                "Set `clientAuthType: NoClientCert` (or VerifyClientCertIfGiven) in \
                 tls.options.default, or move the requirement to a named TLS option for \
                 the routers that need it; then run apply again."
                    .into(),
            ],
        }
    }
}
