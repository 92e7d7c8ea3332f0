//! `FileOp::Remove` in `apply::files`: a file is backed up before it goes
//! and a link is removed itself, never what it points to; `restore` puts
//! both back byte for byte (bytes, mode, link target).

use std::os::unix::fs::PermissionsExt;

use matrix_delegate::apply::files::{Before, execute, restore};
use matrix_delegate::install::FileOp;

use crate::support::apply::picture;
use crate::support::proxy::process::temp_dir;

#[test]
fn removes_a_link_not_its_target_and_a_file_after_its_backup_then_restores_both() {
    let dir = temp_dir();
    let root = dir.path();
    let etc = root.join("etc/site");
    std::fs::create_dir_all(&etc).unwrap();
    std::fs::write(etc.join("acme.conf"), b"server {}\r\n\xef\xbb\xbf").unwrap();
    std::fs::set_permissions(
        etc.join("acme.conf"),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    std::fs::write(etc.join("target.conf"), "kept\n").unwrap();
    std::os::unix::fs::symlink("target.conf", etc.join("enabled.conf")).unwrap();
    let before = picture(&root.join("etc"));
    let backups = root.join("var/backups/t");
    let ops = [
        FileOp::Remove {
            path: "/etc/site/enabled.conf".into(),
        },
        FileOp::Remove {
            path: "/etc/site/acme.conf".into(),
        },
        FileOp::Remove {
            path: "/etc/site/absent.conf".into(),
        },
    ];
    let touched = execute(root, &ops, &backups).map_err(|(e, _)| e).unwrap();
    assert!(std::fs::symlink_metadata(etc.join("enabled.conf")).is_err());
    assert!(!etc.join("acme.conf").exists());
    assert_eq!(
        std::fs::read_to_string(etc.join("target.conf")).unwrap(),
        "kept\n",
        "the link's target is untouched"
    );
    assert_eq!(touched.len(), 2, "nothing to do for an absent path");
    assert!(matches!(touched[0].before, Before::Link { .. }));
    let backup = touched[1]
        .backup
        .clone()
        .expect("the removed file is backed up");
    assert_eq!(
        std::fs::read(&backup).unwrap(),
        b"server {}\r\n\xef\xbb\xbf"
    );

    assert!(restore(root, &touched).is_empty());
    assert_eq!(picture(&root.join("etc")), before);
}
