//! avi-sim: an in-memory Avi controller for development and tests.
//!
//! It serves the Avi REST API (`/login`, `/logout`, `/api/<type>[/<uuid>]`,
//! `/api/initial-data`, `/api/cluster`, ...) with a real controller's status codes and
//! error texts, stores objects as JSON validated by the swagger field tables, and adds
//! a `/sim/*` control API (reset, dump, request log, faults). See README.md.
//!
//! # Public API (stable)
//!
//! * [`spawn`]`(`[`Config`]`) -> Result<`[`Handle`]`, `[`StartError`]`>` — start on
//!   `config.addr` (default `127.0.0.1:0`, an ephemeral port).
//! * [`Config::default()`] — plain HTTP, ephemeral port, user `admin` / `password`
//!   ([`DEFAULT_USERNAME`], [`DEFAULT_PASSWORD`]), controller version 30.2.1, basic
//!   auth off, no rate limit, strict field checking, VIP network `vip-network`
//!   10.10.10.0/24 with VIPs from 10.10.10.10-10.10.10.250.
//! * [`Handle`]: [`url()`](Handle::url), [`username()`](Handle::username),
//!   [`password()`](Handle::password), [`faults()`](Handle::faults) (add [`Fault`]s),
//!   [`request_log()`](Handle::request_log) (counts per verb × type and per client,
//!   `writes(Some(client))`), [`reset()`](Handle::reset), [`dump()`](Handle::dump),
//!   [`objects(type)`](Handle::objects), [`object(type, name)`](Handle::object),
//!   [`store()`](Handle::store), [`set_upgrade_in_progress`](Handle::set_upgrade_in_progress),
//!   [`set_rate_limit`](Handle::set_rate_limit), [`save_state`](Handle::save_state),
//!   [`expire_sessions`](Handle::expire_sessions),
//!   [`certificate_pem`](Handle::certificate_pem) (HTTPS mode),
//!   [`router()`](Handle::router) (the same API as an in-process axum `Router`).
//!   Dropping the handle stops the server.
//!
//! Requests are attributed to a client by the `X-Sim-Client` header, else the remote
//! address; the request log and the rate limiter both use that identity.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let sim = avi_sim::spawn(avi_sim::Config::default()).await?;
//! let base = sim.url(); // http://127.0.0.1:<port>
//! sim.faults().add(avi_sim::Fault::new(avi_sim::FaultKind::Error { status: 503, message: None })
//!     .verb("POST").object_type("pool").count(1));
//! assert_eq!(sim.request_log().writes(Some("ako")), 0);
//! # let _ = base; Ok(()) }
//! ```

mod api;
mod config;
mod control;
mod error;
mod faults;
mod ipam;
mod object;
mod ratelimit;
mod refs;
mod reqlog;
mod schema;
mod seed;
mod server;
mod session;
mod sim;
mod store;
mod tls;
mod ui;
mod write;

pub use config::{Config, DEFAULT_PASSWORD, DEFAULT_USERNAME, RateLimit, Tls, VipNetwork};
pub use error::AviError;
pub use faults::{Fault, FaultKind, Faults};
pub use object::{Obj, Saved, StoredRef};
pub use reqlog::{Counts, Entry, RequestLog, Summary};
pub use server::{Handle, spawn};
pub use sim::StartError;
pub use store::Store;
