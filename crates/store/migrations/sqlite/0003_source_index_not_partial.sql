-- The (source, external id) indexes become plain unique indexes: NULL external ids
-- never collide anyway, and PostgreSQL cannot match a partial index's predicate
-- against an IN list of more than 100 parameters, so batched lookups by source
-- fell back to scanning.
DROP INDEX "contacts_source";
CREATE UNIQUE INDEX "contacts_source" ON "contacts" (source_system, external_id);
DROP INDEX "companies_source";
CREATE UNIQUE INDEX "companies_source" ON "companies" (source_system, external_id);
DROP INDEX "pipelines_source";
CREATE UNIQUE INDEX "pipelines_source" ON "pipelines" (source_system, external_id);
DROP INDEX "stages_source";
CREATE UNIQUE INDEX "stages_source" ON "stages" (source_system, external_id);
DROP INDEX "deals_source";
CREATE UNIQUE INDEX "deals_source" ON "deals" (source_system, external_id);
DROP INDEX "activities_source";
CREATE UNIQUE INDEX "activities_source" ON "activities" (source_system, external_id);
DROP INDEX "products_source";
CREATE UNIQUE INDEX "products_source" ON "products" (source_system, external_id);
DROP INDEX "orders_source";
CREATE UNIQUE INDEX "orders_source" ON "orders" (source_system, external_id);
DROP INDEX "events_source";
CREATE UNIQUE INDEX "events_source" ON "events" (source_system, external_id);
DROP INDEX "users_source";
CREATE UNIQUE INDEX "users_source" ON "users" (source_system, external_id);
