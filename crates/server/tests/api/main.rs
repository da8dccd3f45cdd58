//! The HTTP API, driven over real HTTP against a server on a random port,
//! on SQLite and PostgreSQL alike.

mod bots;
mod helpers;
mod imports;
mod master;
mod messengers;
mod nlu;
mod predictions;
mod records;
mod roles;
