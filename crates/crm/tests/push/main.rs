//! Pushes against the local CRM servers of `crm::testing`: limits, retries, idempotency,
//! auth and rejections, for each of the four CRMs. One module per CRM.

mod amocrm;
mod bitrix24;
mod hubspot;
mod salesforce;
mod scenarios;
mod support;
