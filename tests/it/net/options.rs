//! Parsing the network options as typed on the command line.

use std::net::IpAddr;
use std::time::Duration;

use matrix_delegate::probe::{parse_nameserver, parse_resolve, parse_timeout};

#[test]
fn resolve_takes_curls_forms() {
    let o = parse_resolve("matrix.example.com:443:192.0.2.10").expect("valid");
    assert_eq!(o.host, "matrix.example.com");
    assert_eq!(o.port, 443);
    assert_eq!(o.addrs, vec!["192.0.2.10".parse::<IpAddr>().unwrap()]);

    let o = parse_resolve("Matrix.Example.COM.:8448:[2001:db8::1],192.0.2.11").expect("valid");
    assert_eq!(
        o.host, "matrix.example.com",
        "lower-cased, trailing dot dropped"
    );
    assert_eq!(
        o.addrs,
        vec![
            "2001:db8::1".parse::<IpAddr>().unwrap(),
            "192.0.2.11".parse::<IpAddr>().unwrap()
        ]
    );

    let o = parse_resolve("example.com:443:2001:db8::2").expect("a bare IPv6 address is fine");
    assert_eq!(o.addrs, vec!["2001:db8::2".parse::<IpAddr>().unwrap()]);

    let o = parse_resolve("*:443:192.0.2.10").expect("curl's wildcard host");
    assert_eq!(o.host, "*");
    assert!(parse_resolve("+example.com:443:192.0.2.10").is_ok());
}

#[test]
fn resolve_errors_say_what_is_wrong() {
    let message = |input: &str| parse_resolve(input).unwrap_err().to_string();
    assert_eq!(
        message("example.com"),
        "--resolve `example.com`: expected HOST:PORT:ADDR, e.g. matrix.example.com:443:192.0.2.10"
    );
    assert!(message("example.com:443").contains("expected HOST:PORT:ADDR"));
    assert!(message(":443:192.0.2.1").contains("the host is empty"));
    assert!(message("example.com:https:192.0.2.1").contains("`https` is not a port number"));
    assert!(message("example.com:0:192.0.2.1").contains("`0` is not a port number"));
    assert!(message("example.com:70000:192.0.2.1").contains("`70000` is not a port number"));
    assert!(message("example.com:443:").contains("no address given"));
    assert!(
        message("example.com:443:matrix.example.com")
            .contains("`matrix.example.com` is not an IP address")
    );
    assert!(message("example.com:443:192.0.2.1,nope").contains("`nope` is not an IP address"));
    assert!(message("exa mple.com:443:192.0.2.1").contains("is not a host name"));
    assert!(message("https://example.com:443:192.0.2.1").contains("not a port number"));
}

#[test]
fn nameserver_and_timeout_forms() {
    assert_eq!(parse_nameserver("127.0.0.1:5353").unwrap().port(), 5353);
    assert_eq!(parse_nameserver("::1").unwrap().port(), 53);
    assert_eq!(parse_timeout("1.5").unwrap(), Duration::from_millis(1500));
    assert!(
        parse_timeout("5s")
            .unwrap_err()
            .to_string()
            .contains("number of seconds")
    );
}
