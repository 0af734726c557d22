//! E-mail over SMTP: the relay settings (checked before the server starts) and the
//! client that sends plain-text messages through it.

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// An SMTP relay, and who the e-mails are from.
#[derive(Debug, Clone)]
pub struct Smtp {
    pub url: String,
    pub from: String,
}

impl Smtp {
    /// Check the relay URL and the sender address before the server starts.
    ///
    /// # Errors
    /// A message saying which of the two is unusable and why.
    pub fn parse(url: &str, from: &str) -> Result<Self, String> {
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("--smtp-url is not a usable SMTP URL: {e}"))?;
        from.parse::<Mailbox>().map_err(|e| format!("--smtp-from {from:?} is not an e-mail address: {e}"))?;
        Ok(Self { url: url.to_owned(), from: from.to_owned() })
    }
}

/// A connection setup to the relay, and the sender.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// A client for this relay.
    ///
    /// # Errors
    /// The relay URL or the sender address is unusable.
    pub fn new(smtp: &Smtp) -> Result<Self, String> {
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&smtp.url).map_err(|e| e.to_string())?.build();
        let from = smtp.from.parse().map_err(|e: lettre::address::AddressError| e.to_string())?;
        Ok(Self { transport, from })
    }

    /// Send one plain-text e-mail.
    ///
    /// # Errors
    /// The message could not be built or the relay refused it.
    pub async fn send(
        &self,
        to: &str,
        subject: String,
        body: String,
        message_id: Option<String>,
    ) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|e: lettre::address::AddressError| e.to_string())?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .message_id(message_id)
            .body(body)
            .map_err(|e| e.to_string())?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| e.to_string())
    }
}
