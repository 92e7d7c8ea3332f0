//! `matrix-delegate apply`: installs the generated proxy configuration (nginx, Caddy, Apache,
//! HAProxy, Traefik's file provider)
//! into the proxy's own configuration tree, tests it with the proxy's
//! program, reloads, and puts everything back when the test or the reload
//! fails. The work is `crate::apply`'s; this file owns the flags.
//!
//! Exit codes: 0 installed, already installed, or a dry run that the
//! proxy accepts; 1 not installed (a conflict, an unknown layout, a failed
//! test or reload, which were undone; missing certificates, also when the
//! port-80 part went live for certbot: `Exit::Failed`, the install is not
//! finished until the next run); 2 invalid input.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::generate::AnswerArgs;
use crate::apply::{Request, apply};
use crate::exit::Exit;
use crate::safe_text::printable;

#[derive(Debug, Clone, Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub answers: AnswerArgs,
    /// Work inside DIR as if it were / (containers, chroots, tests)
    #[arg(long, value_name = "DIR", default_value = "/")]
    pub root: PathBuf,
    /// Show the diff and the proxy's verdict on the changed configuration; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Write the configuration to this file (inside --root) instead of the one the layout implies
    /// (Traefik: or the file provider's directory)
    #[arg(long, value_name = "PATH")]
    pub proxy_config: Option<String>,
}

/// The text after the options in `apply --help`.
pub fn after_help() -> String {
    "What it does (nginx, Caddy, Apache, HAProxy, Traefik; static: `generate --out`):\n  \
     1. finds the layout: Debian's sites-available/ + a link in sites-enabled/, else conf.d/*.conf,\n     \
     else nothing is written and --proxy-config PATH names the file\n  \
     2. stops, writing nothing, when an existing server block has the same server_name and port\n     \
     (it prints the lines to add to that block) or when the configuration already fails `nginx -t`\n  \
     3. tests the change on a private copy (nothing written when the proxy rejects it), then\n     \
     writes atomically, keeping a backup of a replaced file under /var/backups/matrix-delegate/\n  \
     4. runs `nginx -t` on the whole configuration, reloads (systemctl reload nginx when systemd\n     \
     runs it, else nginx -s reload) only when the test passes, and restores every touched file\n     \
     byte for byte when the test or the reload fails, quoting nginx\n\n\
     Certificates first: when a certificate file the configuration names is missing, it enables\n\
     no https site: it installs only the port-80 part (the ACME challenge from\n\
     /var/www/letsencrypt, which it creates, and the redirect to https) as a file of its own,\n\
     acme-matrix-<server name>.conf beside the site's, through steps 3 and 4, prints the certbot\n\
     commands and exits with 1. Run the same apply again once certbot has the certificates: it\n\
     installs the whole configuration and removes that file and its link in the same step\n\
     (restored byte for byte if it fails). A port-80 file edited since is not removed: nothing\n\
     is written and it says what to take away.\n\n\
     Caddy: the sites go to /etc/caddy/matrix-<server name>.caddy and one `import` line is\n\
     appended to /etc/caddy/Caddyfile; conflicts are site blocks for the same host and port;\n\
     the test is `caddy validate`, the reload `systemctl reload caddy` or `caddy reload`.\n\
     Apache: like nginx (sites-available/ + the sites-enabled/ link), and the modules it needs\n\
     (ssl, socache_shmcb, proxy, proxy_http, headers, alias) enabled by links as a2enmod does; the test\n\
     is `apache2 -t` with Debian's envvars, the reload systemctl reload apache2 or a graceful\n\
     restart of a running Apache.\n\
     HAProxy: the sections go to /etc/haproxy/matrix-<server name>.cfg, tested with\n\
     `haproxy -c -f haproxy.cfg -f <that file>`; nothing else changes, no reload: it says how\n\
     to add the file to HAProxy's command line. Without the combined certificate files, the\n\
     port-80 sections alone go to /etc/haproxy/acme-matrix-<server name>.cfg first (the\n\
     challenge to certbot's standalone server on 127.0.0.1:8402).\n\
     Traefik: the routers go to matrix-<server name>.yml in the file provider's directory\n\
     (providers.file.directory in /etc/traefik/traefik.{toml,yaml,yml}); Traefik cannot validate,\n\
     so apply checks the directory: every file parses, no name, Host rule or TCP HostSNI rule of\n\
     another file collides, the entry points and certificate resolver exist. No reload: Traefik loads the file\n\
     when it watches the directory (else restart it). A single providers.file.filename is not\n\
     edited (the keys to merge are printed); --proxy-config PATH names the directory.\n\n\
     Exit codes: 0 installed, already installed, or a dry run the proxy accepts; 1 not installed\n\
     (also after the port-80 step: not finished until the next run); 2 invalid input.\n\n\
     Examples:\n  \
     matrix-delegate apply --server-name example.com --host matrix.example.com --proxy nginx --dry-run\n  \
     matrix-delegate apply --server-name example.com --host matrix.example.com --proxy nginx\n"
        .to_string()
}

pub fn run(args: &ApplyArgs) -> Exit {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    run_with(args, &mut stdout.lock(), &mut stderr.lock())
}

/// [`run`] with explicit output streams.
pub fn run_with(args: &ApplyArgs, out: &mut impl Write, err: &mut impl Write) -> Exit {
    let plan = match args.answers.to_plan() {
        Ok(p) => p,
        Err(errors) => {
            for e in &errors {
                let _ = writeln!(err, "error: {}: {}", e.flag, printable(&e.message));
            }
            let _ = writeln!(err, "nothing written; see `matrix-delegate apply --help`");
            return Exit::Usage;
        }
    };
    if let Some(path) = &args.proxy_config
        && !path.starts_with('/')
    {
        let _ = writeln!(
            err,
            "error: --proxy-config: `{}` must be an absolute path (inside --root)",
            printable(path)
        );
        return Exit::Usage;
    }
    if !args.root.is_dir() {
        let _ = writeln!(
            err,
            "error: --root: {} is not a folder",
            printable(&args.root.display().to_string())
        );
        return Exit::Usage;
    }
    let req = Request {
        root: &args.root,
        plan: &plan,
        proxy_config: args.proxy_config.as_deref(),
        dry_run: args.dry_run,
    };
    // After the certificate step (`Outcome::CertificatesPending`) the
    // install is not finished: `Exit::Failed`, as for any install that did
    // not get done, so that a script does not go on to `check`.
    if apply(&req, out).succeeded() {
        Exit::Ok
    } else {
        Exit::Failed
    }
}
