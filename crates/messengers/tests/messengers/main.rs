//! The messenger protocols as specifications: webhook verification and reading of the
//! documented payloads, and sending against the local platform servers of
//! `messengers::testing` (limits, retries, idempotency, auth). One module per platform.

mod platform;
mod support;
mod telegram;
mod vk;
mod whatsapp;
