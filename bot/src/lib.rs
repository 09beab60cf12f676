//! Consulta's bot: the chat front-ends that talk to askers and experts (Telegram, Discord, the web
//! service, the remote relay), over the desk of the `consulta-desk` crate where human experts take over
//! the questions the assistant cannot answer with confidence. Front-ends reach the engine and the desk
//! only through the [`assistant::Assistant`] trait.
//!
//! The desk is platform-neutral: front-ends hand it questions and tickets, and it hands back outgoing
//! messages through a durable outbox, addressed to whichever platform the recipient is on.

pub(crate) mod api_relay;
#[warn(missing_docs)]
pub mod assistant;
#[warn(missing_docs)]
pub mod bridge;
#[warn(missing_docs)]
pub mod chat;
#[warn(missing_docs)]
pub mod discord;
#[warn(missing_docs)]
pub mod remote;
#[warn(missing_docs)]
pub mod service;
#[warn(missing_docs)]
pub mod telegram;
