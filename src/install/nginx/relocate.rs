//! A copy of the configuration that nginx can test when the tree lives
//! under a root other than `/`: absolute paths in the directives that
//! name files are moved under that root, and includes of the
//! configuration folder go to the copy being tested. Only those argument
//! bytes change; every other byte stays as written.

use super::lexer::{Token, tokens};

/// Directives whose first argument is a file or folder path.
const PATH_DIRECTIVES: &[&str] = &[
    "include",
    "ssl_certificate",
    "ssl_certificate_key",
    "ssl_trusted_certificate",
    "ssl_client_certificate",
    "ssl_dhparam",
    "ssl_crl",
    "ssl_password_file",
    "ssl_stapling_file",
    "ssl_session_ticket_key",
    "ssl_ecdh_curve_file",
    "pid",
    "lock_file",
    "working_directory",
    "error_log",
    "access_log",
    "root",
    "alias",
    "client_body_temp_path",
    "proxy_temp_path",
    "fastcgi_temp_path",
    "uwsgi_temp_path",
    "scgi_temp_path",
    "load_module",
    "auth_basic_user_file",
];

/// Where the paths go.
#[derive(Debug, Clone, Copy)]
pub struct Relocation<'a> {
    /// The configuration folder as seen inside the root (`/etc/nginx`).
    pub conf_dir: &'a str,
    /// Where the tested copy of that folder's tree starts: an include of
    /// `/etc/nginx/x` becomes `<copy>/etc/nginx/x`.
    pub copy: &'a str,
    /// The root, without a trailing `/` (empty for `/` itself): every
    /// other absolute path `/p` becomes `<root>/p`.
    pub root: &'a str,
}

/// `text` with the paths of the directives that name files relocated.
pub fn relocate(text: &str, to: Relocation<'_>) -> String {
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for token in tokens(text) {
        let Token::Statement(s) = token else { continue };
        let (Some(name), Some(arg)) = (s.words.first(), s.words.get(1)) else {
            continue;
        };
        if !PATH_DIRECTIVES.contains(&name.value.as_str()) || !arg.value.starts_with('/') {
            continue;
        }
        let inside_conf = arg
            .value
            .strip_prefix(to.conf_dir)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        let new = if name.value == "include" && inside_conf {
            format!("{}{}", to.copy, arg.value)
        } else {
            format!("{}{}", to.root, arg.value)
        };
        edits.push((arg.start, arg.end, new));
    }
    let mut out = String::with_capacity(text.len() + edits.len() * 32);
    let mut at = 0;
    for (start, end, new) in edits {
        out.push_str(&text[at..start]);
        out.push_str(&new);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TO: Relocation<'static> = Relocation {
        conf_dir: "/etc/nginx",
        copy: "/tmp/copy",
        root: "/srv/root",
    };

    #[test]
    fn includes_of_the_conf_folder_go_to_the_copy_other_paths_under_the_root() {
        let text = "pid /run/nginx.pid;\nerror_log /var/log/nginx/error.log;\nhttp {\n\tinclude /etc/nginx/mime.types;\n\tinclude /etc/nginx/sites-enabled/*;\n\tinclude /opt/extra.conf;\n\tinclude snippets/x.conf;\n\taccess_log off;\n\tssl_certificate \"/etc/letsencrypt/live/a/fullchain.pem\";\n\tlocation /etc/nginx/ { return 200 \"/etc/x\"; }\n}\n";
        let out = relocate(text, TO);
        assert_eq!(
            out,
            "pid /srv/root/run/nginx.pid;\nerror_log /srv/root/var/log/nginx/error.log;\nhttp {\n\tinclude /tmp/copy/etc/nginx/mime.types;\n\tinclude /tmp/copy/etc/nginx/sites-enabled/*;\n\tinclude /srv/root/opt/extra.conf;\n\tinclude snippets/x.conf;\n\taccess_log off;\n\tssl_certificate \"/srv/root/etc/letsencrypt/live/a/fullchain.pem\";\n\tlocation /etc/nginx/ { return 200 \"/etc/x\"; }\n}\n"
        );
    }

    #[test]
    fn a_folder_that_only_starts_like_the_conf_folder_is_not_it() {
        let out = relocate("include /etc/nginx2/x;", TO);
        assert_eq!(out, "include /srv/root/etc/nginx2/x;");
    }

    #[test]
    fn the_real_root_changes_only_the_conf_includes() {
        let to = Relocation { root: "", ..TO };
        assert_eq!(
            relocate("pid /run/nginx.pid; include /etc/nginx/a;", to),
            "pid /run/nginx.pid; include /tmp/copy/etc/nginx/a;"
        );
    }
}
