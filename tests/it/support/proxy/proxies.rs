//! Turns a generated proxy configuration into one that runs on loopback in
//! a temporary directory. The only changes made to the generated text are
//! listen addresses/ports and certificate (and static-file) paths; all the
//! rest (global settings, modules, pid and log files) lives in a test-owned
//! main configuration that includes the generated file unchanged.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;

use matrix_delegate::domain::{Plan, Proxy};
use matrix_delegate::generate::sites;

use super::programs;

/// Generated port → the loopback port the test uses instead.
#[derive(Debug, Clone)]
pub struct PortMap(pub Vec<(u16, u16)>);

impl PortMap {
    /// A fresh free port for every port the plan's sites listen on.
    pub fn for_plan(plan: &Plan) -> PortMap {
        let mut map: Vec<(u16, u16)> = Vec::new();
        for site in sites::sites(plan) {
            for port in site.ports {
                if !map.iter().any(|(g, _)| *g == port) {
                    map.push((port, super::process::free_port()));
                }
            }
        }
        PortMap(map)
    }

    /// [`PortMap::for_plan`] plus port 80, where the generated nginx,
    /// Apache and HAProxy configurations answer the ACME challenge (Caddy
    /// keeps port 80 to itself: the test's main Caddyfile moves it).
    pub fn for_proxy(plan: &Plan, proxy: Proxy) -> PortMap {
        let mut map = PortMap::for_plan(plan);
        if matches!(proxy, Proxy::Nginx | Proxy::Apache | Proxy::Haproxy) {
            map.0.push((80, super::process::free_port()));
        }
        map
    }

    pub fn test_port(&self, generated: u16) -> u16 {
        self.0
            .iter()
            .find(|(g, _)| *g == generated)
            .map(|(_, t)| *t)
            .unwrap_or_else(|| panic!("no test port for {generated}"))
    }

    pub fn addrs(&self) -> Vec<SocketAddr> {
        self.0
            .iter()
            .map(|(_, t)| SocketAddr::from(([127, 0, 0, 1], *t)))
            .collect()
    }
}

/// A configuration ready to check or run.
pub struct Prepared {
    /// The generated text after substitution.
    pub text: String,
    pub check: Command,
    pub run: Command,
}

/// The names every site answers for: each needs a certificate.
pub fn cert_names(plan: &Plan) -> Vec<String> {
    sites::sites(plan).into_iter().map(|s| s.name).collect()
}

pub fn program_name(proxy: Proxy) -> &'static str {
    match proxy {
        Proxy::Caddy => "caddy",
        Proxy::Nginx => "nginx",
        Proxy::Apache => "apache2",
        Proxy::Haproxy => "haproxy",
        Proxy::Traefik | Proxy::Static => panic!("{proxy} has no program to run"),
    }
}

/// Writes the test-owned files into `dir` and returns the commands.
pub fn prepare(
    proxy: Proxy,
    program: &Path,
    dir: &Path,
    generated: &str,
    ports: &PortMap,
) -> Prepared {
    let d = dir.display().to_string();
    match proxy {
        Proxy::Nginx => nginx(program, &d, generated, ports),
        Proxy::Apache => apache(program, &d, generated, ports),
        Proxy::Haproxy => haproxy(program, &d, generated, ports),
        Proxy::Caddy => caddy(program, &d, generated, ports),
        Proxy::Traefik | Proxy::Static => panic!("{proxy} has no program to run"),
    }
}

fn write(path: impl AsRef<Path>, text: &str) -> PathBuf {
    let path = path.as_ref();
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    path.to_path_buf()
}

/// Checks that the substitution caught everything it had to (comments may
/// still mention the real paths).
fn must_not_contain(text: &str, leftovers: &[&str]) {
    for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
        for l in leftovers {
            assert!(
                !line.contains(l),
                "substitution left `{l}` in `{line}` of:\n{text}"
            );
        }
    }
}

fn nginx(program: &Path, d: &str, generated: &str, ports: &PortMap) -> Prepared {
    let v6 = if programs::has_ipv6_loopback() {
        "[::1]"
    } else {
        "127.0.0.2"
    };
    let mut text = generated.replace("/etc/letsencrypt/live/", &format!("{d}/live/"));
    for (g, t) in &ports.0 {
        text = text
            .replace(
                &format!("listen {g} ssl;"),
                &format!("listen 127.0.0.1:{t} ssl;"),
            )
            .replace(
                &format!("listen [::]:{g} ssl;"),
                &format!("listen {v6}:{t} ssl;"),
            )
            .replace(&format!("listen {g};"), &format!("listen 127.0.0.1:{t};"))
            .replace(&format!("listen [::]:{g};"), &format!("listen {v6}:{t};"));
    }
    text = text.replace(
        "root /var/www/letsencrypt;",
        &format!("root {d}/letsencrypt;"),
    );
    must_not_contain(
        &text,
        &[
            "/etc/",
            "/var/www",
            "listen 443",
            "listen 80",
            "listen [::]",
        ],
    );
    write(format!("{d}/generated.conf"), &text);
    for sub in ["body", "proxy", "fastcgi", "uwsgi", "scgi"] {
        std::fs::create_dir_all(format!("{d}/nginx-tmp/{sub}")).expect("nginx temp dir");
    }
    let main = format!(
        "worker_processes 1;\n\
         pid {d}/nginx.pid;\n\
         error_log {d}/nginx-error.log warn;\n\
         events {{ worker_connections 128; }}\n\
         http {{\n\
         \x20   access_log off;\n\
         \x20   client_body_temp_path {d}/nginx-tmp/body;\n\
         \x20   proxy_temp_path {d}/nginx-tmp/proxy;\n\
         \x20   fastcgi_temp_path {d}/nginx-tmp/fastcgi;\n\
         \x20   uwsgi_temp_path {d}/nginx-tmp/uwsgi;\n\
         \x20   scgi_temp_path {d}/nginx-tmp/scgi;\n\
         \x20   include {d}/generated.conf;\n\
         }}\n"
    );
    let conf = write(format!("{d}/nginx.conf"), &main);
    let base = |extra: &[&str]| {
        let mut c = Command::new(program);
        c.args(["-p", d, "-e", &format!("{d}/nginx-error.log"), "-c"])
            .arg(&conf)
            .args(extra);
        c
    };
    Prepared {
        text,
        check: base(&["-t"]),
        run: base(&["-g", "daemon off;"]),
    }
}

const APACHE_MODULES: &[(&str, &str)] = &[
    ("mpm_event_module", "mod_mpm_event.so"),
    ("authz_core_module", "mod_authz_core.so"),
    ("alias_module", "mod_alias.so"),
    ("mime_module", "mod_mime.so"),
    ("headers_module", "mod_headers.so"),
    ("proxy_module", "mod_proxy.so"),
    ("proxy_http_module", "mod_proxy_http.so"),
    ("ssl_module", "mod_ssl.so"),
    ("socache_shmcb_module", "mod_socache_shmcb.so"),
];

fn apache(program: &Path, d: &str, generated: &str, ports: &PortMap) -> Prepared {
    let mut text = generated
        .replace("/etc/letsencrypt/live/", &format!("{d}/live/"))
        .replace("/var/www/matrix-well-known/", &format!("{d}/www/"))
        .replace("/var/www/letsencrypt/", &format!("{d}/letsencrypt/"));
    for (g, t) in &ports.0 {
        text = text
            .replace(&format!(" *:{g}"), &format!(" 127.0.0.1:{t}"))
            .replace(
                &format!("\nListen {g}\n"),
                &format!("\nListen 127.0.0.1:{t}\n"),
            );
    }
    must_not_contain(&text, &["/etc/", "/var/www", "*:"]);
    write(format!("{d}/generated.conf"), &text);
    std::fs::create_dir_all(format!("{d}/www")).expect("www dir");
    let modules = "/usr/lib/apache2/modules";
    let mut main = format!(
        "ServerRoot {d}\nPidFile {d}/apache.pid\nErrorLog {d}/apache-error.log\n\
         LogLevel warn\nServerName localhost\nTypesConfig /dev/null\n\
         Mutex file:{d}\nDefaultRuntimeDir {d}\n"
    );
    for (name, file) in APACHE_MODULES {
        main.push_str(&format!("LoadModule {name} {modules}/{file}\n"));
    }
    if programs::is_root() {
        // Apache refuses to serve pages as root.
        main.push_str("User #65534\nGroup #65534\n");
    }
    // Port 443 comes from Debian's ports.conf in a real setup.
    main.push_str(&format!("Listen 127.0.0.1:{}\n", ports.test_port(443)));
    // And port 80, for the ACME challenge.
    if ports.0.iter().any(|(g, _)| *g == 80) {
        main.push_str(&format!("Listen 127.0.0.1:{}\n", ports.test_port(80)));
    }
    main.push_str(&format!("Include {d}/generated.conf\n"));
    let conf = write(format!("{d}/apache2.conf"), &main);
    let base = |extra: &[&str]| {
        let mut c = Command::new(program);
        c.args(["-d", d, "-f"]).arg(&conf).args(extra);
        c.env("APACHE_LOCK_DIR", d).env("APACHE_RUN_DIR", d);
        c
    };
    Prepared {
        text,
        check: base(&["-t"]),
        run: base(&["-DFOREGROUND"]),
    }
}

fn haproxy(program: &Path, d: &str, generated: &str, ports: &PortMap) -> Prepared {
    let mut text = generated.replace("/etc/haproxy/certs/", &format!("{d}/haproxy-certs/"));
    for (g, t) in &ports.0 {
        text = text.replace(
            &format!("bind [::]:{g} v4v6"),
            &format!("bind 127.0.0.1:{t}"),
        );
    }
    must_not_contain(&text, &["/etc/", "[::]"]);
    let generated_path = write(format!("{d}/generated.cfg"), &text);
    let global = write(
        format!("{d}/global.cfg"),
        "global\n    log stderr format short local0 warning\n    maxconn 256\n",
    );
    let base = |extra: &[&str]| {
        let mut c = Command::new(program);
        c.args(extra)
            .arg("-f")
            .arg(&global)
            .arg("-f")
            .arg(&generated_path);
        c
    };
    Prepared {
        text,
        check: base(&["-c"]),
        run: base(&["-db"]),
    }
}

fn caddy(program: &Path, d: &str, generated: &str, ports: &PortMap) -> Prepared {
    // Site addresses are the lines that open a block at column 0.
    let text: String = generated
        .lines()
        .map(|line| {
            if line.ends_with(" {") && !line.starts_with(['#', '\t', ' ', '@', '}']) {
                let mut l = line.to_string();
                for (g, t) in &ports.0 {
                    l = l
                        .replace(&format!(":{g},"), &format!(":{t},"))
                        .replace(&format!(":{g} {{"), &format!(":{t} {{"));
                }
                l
            } else {
                line.to_string()
            }
        })
        .map(|l| l + "\n")
        .collect();
    for (g, _) in &ports.0 {
        must_not_contain(&text, &[&format!(":{g} {{"), &format!(":{g},")]);
    }
    write(format!("{d}/generated.caddy"), &text);
    // Test-owned global options: no admin API, storage in the temp dir, no
    // certificate management at all (the test CA's certificates are loaded
    // instead) and the ACME directory pointed at a dead loopback port, so
    // nothing can ever reach a public CA.
    let main = format!(
        "{{\n\tadmin off\n\tstorage file_system {d}/caddy-storage\n\tauto_https disable_certs\n\
         \tskip_install_trust\n\tacme_ca https://127.0.0.1:9/directory\n\
         \thttp_port {http}\n\thttps_port {https}\n}}\n\n\
         https://certificate-loader.invalid:{https} {{\n\ttls {{\n\t\tload {d}/caddy-certs\n\t}}\n\trespond 404\n}}\n\n\
         import {d}/generated.caddy\n",
        http = super::process::free_port(),
        https = ports.test_port(443),
    );
    let conf = write(format!("{d}/Caddyfile"), &main);
    let base = |verb: &str| {
        let mut c = Command::new(program);
        c.args([verb, "--adapter", "caddyfile", "--config"])
            .arg(&conf);
        c.env("HOME", d)
            .env("XDG_DATA_HOME", format!("{d}/xdg-data"))
            .env("XDG_CONFIG_HOME", format!("{d}/xdg-config"));
        c
    };
    Prepared {
        text,
        check: base("validate"),
        run: base("run"),
    }
}
