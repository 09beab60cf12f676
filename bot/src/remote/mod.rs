//! A front-end in its own process, talking to a running `consulta serve` (`--service-url`).
//!
//! [`RemoteAssistant`] makes the [`crate::assistant::Assistant`] calls over the service's API, and
//! [`RelayClient`] collects the desk's messages for the front-end's platform and delivers them through
//! the local [`consulta_desk::FrontEnd`]. With both, a bot process holds no desk state: the service stays
//! the only owner of the desk's database, and the bot can be restarted or replicated freely.
//!
//! A replica (`consulta serve --replica-of`) is the same kind of client: its
//! [`RemoteAssistant::answering_with`] answers questions with its own engine, over the primary's
//! vector collection, and its [`CatalogFollower`] keeps that engine on the primary's passages.

mod assistant;
mod client;
mod follower;
mod relay_client;

pub use assistant::RemoteAssistant;
pub use client::{RemoteError, ServiceClient};
pub use follower::{CatalogFollower, FollowError};
pub use relay_client::RelayClient;
