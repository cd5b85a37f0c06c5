//! Delivery into an outbox directory and to a fake SMTP server on the loopback interface.

use std::path::Path;
use std::time::{Duration, Instant};

use mail::{Delivery, MailError, Mailbox, Message, Security, SmtpConfig, Transport};
use time::macros::datetime;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const FROM: &str = "mairie@example.fr";
const TO: &str = "elodie.martin@example.org";

fn message() -> Vec<u8> {
    let from = Mailbox::new("Mairie", FROM).unwrap();
    let to = Mailbox::new("Élodie Martin", TO).unwrap();
    // A line holding a single dot would end the SMTP data if it were not dot-stuffed (RFC 5321 §4.5.2).
    let body = "Madame,\n.\n..deux points\nVotre lien : https://communs.example/c/abc\n";
    Message::new(from, to, "Convocation — séance du 10 décembre", datetime!(2026-11-23 17:05 +1)).body(body).build().unwrap().bytes
}

fn smtp(port: u16, timeout: Duration) -> Transport {
    Transport::Smtp(SmtpConfig { host: "127.0.0.1".into(), port, security: Security::Plain, credentials: None, timeout })
}

#[tokio::test]
async fn file_transport_writes_each_message_to_its_own_file() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("mail-outbox").join("nested");
    let _ = std::fs::remove_dir_all(&dir);
    let transport = Transport::File { dir: dir.clone() };
    let message = message();

    let mut paths = Vec::new();
    for _ in 0..2 {
        let Delivery::Written(path) = transport.deliver(FROM, TO, &message).await.unwrap() else { panic!("a file expected") };
        assert_eq!(path.parent(), Some(dir.as_path()));
        assert!(path.extension().is_some_and(|ext| ext == "eml"));
        assert_eq!(std::fs::read(&path).unwrap(), message);
        paths.push(path);
    }
    assert_ne!(paths[0], paths[1]);
    let mut names: Vec<String> = std::fs::read_dir(&dir).unwrap().map(|entry| entry.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names.len(), 2, "no temporary file left: {names:?}");
    assert!(names.iter().all(|name| name.ends_with("@example.fr.eml")), "{names:?}");
}

#[tokio::test]
async fn file_transport_reports_unwritable_directories_in_french() {
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("mail-not-a-directory");
    std::fs::write(&file, b"").unwrap();
    let error = Transport::File { dir: file.join("outbox") }.deliver(FROM, TO, &message()).await.unwrap_err();
    assert!(matches!(error, MailError::Write { .. }));
    assert!(error.to_string().starts_with("impossible d'écrire le message dans"), "{error}");
}

/// What the fake server received.
#[derive(Debug, Default)]
struct Received {
    mail_from: String,
    rcpt_to: Vec<String>,
    data: Vec<u8>,
    /// Data lines that arrived dot-stuffed.
    stuffed: usize,
    quit: bool,
}

/// Serves one SMTP session (RFC 5321 §4.1), just enough for a client sending one message.
async fn fake_smtp_server(listener: TcpListener) -> Received {
    let (socket, _) = listener.accept().await.unwrap();
    let (reader, mut writer) = socket.into_split();
    let mut reader = BufReader::new(reader);
    let mut received = Received::default();
    writer.write_all(b"220 fake.test ESMTP\r\n").await.unwrap();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await.unwrap() == 0 {
            break;
        }
        let command = String::from_utf8(line.clone()).unwrap();
        let command = command.trim_end_matches("\r\n");
        let verb = command.split([' ', ':']).next().unwrap().to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" | "HELO" => b"250 fake.test\r\n",
            "MAIL" => {
                received.mail_from = command.to_owned();
                b"250 2.1.0 Ok\r\n"
            }
            "RCPT" => {
                received.rcpt_to.push(command.to_owned());
                b"250 2.1.5 Ok\r\n"
            }
            "DATA" => {
                writer.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await.unwrap();
                loop {
                    line.clear();
                    assert!(reader.read_until(b'\n', &mut line).await.unwrap() > 0, "connection closed inside DATA");
                    match line.as_slice() {
                        b".\r\n" => break,
                        [b'.', rest @ ..] => {
                            received.stuffed += 1; // RFC 5321 §4.5.2
                            received.data.extend_from_slice(rest);
                        }
                        other => received.data.extend_from_slice(other),
                    }
                }
                b"250 2.0.0 Ok: queued as X42\r\n"
            }
            "QUIT" => {
                received.quit = true;
                writer.write_all(b"221 2.0.0 Bye\r\n").await.unwrap();
                break;
            }
            _ => b"502 5.5.2 Command not recognized\r\n",
        };
        writer.write_all(reply).await.unwrap();
    }
    received
}

#[tokio::test]
async fn smtp_transport_delivers_envelope_and_message() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(fake_smtp_server(listener));
    let message = message();

    let delivery = smtp(port, Duration::from_secs(10)).deliver(FROM, TO, &message).await.unwrap();
    assert_eq!(delivery, Delivery::Accepted { response: "250 2.0.0 Ok: queued as X42".into() });

    let received = tokio::time::timeout(Duration::from_secs(10), server).await.unwrap().unwrap();
    assert_eq!(received.mail_from, format!("MAIL FROM:<{FROM}>"));
    assert_eq!(received.rcpt_to, [format!("RCPT TO:<{TO}>")]);
    assert_eq!(String::from_utf8_lossy(&received.data), String::from_utf8_lossy(&message));
    assert_eq!(received.data, message);
    assert_eq!(received.stuffed, 2, "the lines `.` and `..deux points`");
    assert!(received.quit);
}

#[tokio::test]
async fn smtp_transport_reports_a_refused_connection_in_french() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap().port()
    };
    let started = Instant::now();
    let error = smtp(port, Duration::from_secs(5)).deliver(FROM, TO, &message()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(matches!(error, MailError::Smtp { .. }), "{error:?}");
    let text = error.to_string();
    assert!(
        text.starts_with(&format!("envoi au serveur SMTP 127.0.0.1:{port} impossible (connexion impossible ou interrompue)")),
        "{text}"
    );
}

#[tokio::test]
async fn smtp_transport_gives_up_on_a_silent_server_within_the_timeout() {
    // The server accepts the connection and never greets.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(10)).await;
        drop(socket);
    });
    let started = Instant::now();
    let error = smtp(port, Duration::from_secs(1)).deliver(FROM, TO, &message()).await.unwrap_err();
    let elapsed = started.elapsed();
    // Without the bound, the client would wait for the greeting until the server hangs up, 10 s later.
    assert!(elapsed >= Duration::from_secs(1) && elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert_eq!(error.to_string(), format!("le serveur SMTP 127.0.0.1:{port} n'a pas répondu dans le délai de 1 s"));
    server.abort();
}

#[tokio::test]
async fn invalid_envelope_addresses_are_refused_before_connecting() {
    let error =
        smtp(9, Duration::from_secs(1)).deliver("mairie@example.fr", "elu@example.org\r\nRCPT TO:<x@y>", &message()).await.unwrap_err();
    assert!(matches!(error, MailError::InvalidAddress(_)), "{error:?}");
}
