//! Apache configuration paths moved under another root for testing:
//! includes of the configuration folder go to the tested copy, the
//! certificate, document, log and type files under the root. Module
//! files (`LoadModule`) stay: they are the program's own.

const ROOT_PATHS: &[&str] = &[
    "sslcertificatefile",
    "sslcertificatekeyfile",
    "sslcertificatechainfile",
    "sslcacertificatefile",
    "sslcacertificatepath",
    "documentroot",
    "errorlog",
    "customlog",
    "typesconfig",
    "mimemagicfile",
    "pidfile",
    "defaultruntimedir",
];

/// `text` with those absolute paths relocated: includes under `conf_dir`
/// to `copy` + path, the others to `root` + path.
pub fn relocate(text: &str, conf_dir: &str, copy: &str, root: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let name_end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        let (name, rest) = trimmed.split_at(name_end);
        if name.is_empty() || rest.trim().is_empty() {
            out.push_str(line);
            continue;
        }
        let lower = name.to_ascii_lowercase();
        let arg_start = rest.len() - rest.trim_start().len();
        let arg = &rest[arg_start..];
        let quoted = arg.starts_with('"');
        let path = arg.trim_start_matches('"');
        let prefix = if !path.starts_with('/') {
            None
        } else if matches!(lower.as_str(), "include" | "includeoptional") {
            Some(if path.starts_with(&format!("{conf_dir}/")) {
                copy
            } else {
                root
            })
        } else if ROOT_PATHS.contains(&lower.as_str()) {
            Some(root)
        } else {
            None
        };
        match prefix {
            Some(p) => {
                out.push_str(indent);
                out.push_str(name);
                out.push_str(&rest[..arg_start]);
                if quoted {
                    out.push('"');
                }
                out.push_str(p);
                out.push_str(path);
            }
            None => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn includes_to_the_copy_files_under_the_root() {
        let text = "Include /etc/apache2/x.conf\n\tSSLCertificateFile \"/etc/letsencrypt/a.pem\"\nLoadModule m /usr/lib/apache2/modules/m.so\nIncludeOptional sites-enabled/*.conf\nTypesConfig /etc/mime.types\n";
        assert_eq!(
            relocate(text, "/etc/apache2", "/c", "/r"),
            "Include /c/etc/apache2/x.conf\n\tSSLCertificateFile \"/r/etc/letsencrypt/a.pem\"\nLoadModule m /usr/lib/apache2/modules/m.so\nIncludeOptional sites-enabled/*.conf\nTypesConfig /r/etc/mime.types\n"
        );
    }
}
