//! Outbound delivery: webhooks over HTTP and e-mail over SMTP. The web layer has
//! neither client.

pub mod http;
pub mod smtp;
