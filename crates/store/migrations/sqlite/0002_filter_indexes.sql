-- Indexes for the filters lists use most: contacts by city and source, deals by
-- status and by pipeline stage (the board), products by SKU, each with the
-- default order (newest first) so a filtered page reads only what it returns.
CREATE INDEX "contacts_city" ON "contacts" (city, created_at, id);
CREATE INDEX "contacts_source_field" ON "contacts" (source, created_at, id);
CREATE INDEX "deals_status" ON "deals" (status, created_at, id);
CREATE INDEX "deals_pipeline_stage" ON "deals" (pipeline, stage, created_at, id);
CREATE INDEX "products_sku" ON "products" (sku);
CREATE INDEX "activities_occurred" ON "activities" (contact_id, occurred_at);
