-- The first schema: one table per entity kind (derived from the domain schema; the
-- store's contract tests check that every schema column exists), plus access, audit and jobs.

CREATE TABLE "contacts" (
    id TEXT PRIMARY KEY,
    source_system TEXT,
    external_id TEXT,
    owner_id TEXT,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    search TEXT NOT NULL,
    last_name TEXT,
    first_name TEXT,
    middle_name TEXT,
    phones TEXT,
    emails TEXT,
    city TEXT,
    region TEXT,
    birth_date DATE,
    company_id TEXT,
    position TEXT,
    source TEXT,
    consent_processing BOOLEAN,
    consent_marketing BOOLEAN,
    comment TEXT
);
CREATE UNIQUE INDEX "contacts_source" ON "contacts" (source_system, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX "contacts_owner" ON "contacts" (owner_id);
CREATE INDEX "contacts_created" ON "contacts" (created_at, id);
CREATE INDEX "contacts_company_id" ON "contacts" (company_id);

CREATE TABLE "companies" (
    id TEXT PRIMARY KEY,
    source_system TEXT,
    external_id TEXT,
    owner_id TEXT,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    search TEXT NOT NULL,
    name TEXT,
    legal_form TEXT,
    inn TEXT,
    ogrn TEXT,
    industry TEXT,
    city TEXT,
    phones TEXT,
    emails TEXT,
    website TEXT,
    comment TEXT
);
CREATE UNIQUE INDEX "companies_source" ON "companies" (source_system, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX "companies_owner" ON "companies" (owner_id);
CREATE INDEX "companies_created" ON "companies" (created_at, id);

CREATE TABLE "deals" (
    id TEXT PRIMARY KEY,
    source_system TEXT,
    external_id TEXT,
    owner_id TEXT,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    search TEXT NOT NULL,
    title TEXT,
    kind TEXT,
    pipeline TEXT,
    stage TEXT,
    status TEXT,
    amount_minor INTEGER,
    amount_currency TEXT,
    contact_id TEXT,
    company_id TEXT,
    source TEXT,
    channel TEXT,
    opened_at DATETIME,
    closed_at DATETIME,
    lost_reason TEXT,
    comment TEXT
);
CREATE UNIQUE INDEX "deals_source" ON "deals" (source_system, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX "deals_owner" ON "deals" (owner_id);
CREATE INDEX "deals_created" ON "deals" (created_at, id);
CREATE INDEX "deals_contact_id" ON "deals" (contact_id);
CREATE INDEX "deals_company_id" ON "deals" (company_id);

CREATE TABLE "activities" (
    id TEXT PRIMARY KEY,
    source_system TEXT,
    external_id TEXT,
    owner_id TEXT,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    search TEXT NOT NULL,
    kind TEXT,
    direction TEXT,
    channel TEXT,
    text TEXT,
    author TEXT,
    contact_id TEXT,
    deal_id TEXT,
    occurred_at DATETIME,
    due_at DATETIME,
    done BOOLEAN,
    duration_seconds INTEGER
);
CREATE UNIQUE INDEX "activities_source" ON "activities" (source_system, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX "activities_owner" ON "activities" (owner_id);
CREATE INDEX "activities_created" ON "activities" (created_at, id);
CREATE INDEX "activities_contact_id" ON "activities" (contact_id);
CREATE INDEX "activities_deal_id" ON "activities" (deal_id);

CREATE TABLE "products" (
    id TEXT PRIMARY KEY,
    source_system TEXT,
    external_id TEXT,
    owner_id TEXT,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    search TEXT NOT NULL,
    sku TEXT,
    name TEXT,
    category TEXT,
    price_minor INTEGER,
    price_currency TEXT,
    stock INTEGER,
    attributes TEXT
);
CREATE UNIQUE INDEX "products_source" ON "products" (source_system, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX "products_owner" ON "products" (owner_id);
CREATE INDEX "products_created" ON "products" (created_at, id);

CREATE TABLE "orders" (
    id TEXT PRIMARY KEY,
    source_system TEXT,
    external_id TEXT,
    owner_id TEXT,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    search TEXT NOT NULL,
    number TEXT,
    contact_id TEXT,
    deal_id TEXT,
    status TEXT,
    total_minor INTEGER,
    total_currency TEXT,
    ordered_at DATETIME,
    lines TEXT
);
CREATE UNIQUE INDEX "orders_source" ON "orders" (source_system, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX "orders_owner" ON "orders" (owner_id);
CREATE INDEX "orders_created" ON "orders" (created_at, id);
CREATE INDEX "orders_contact_id" ON "orders" (contact_id);
CREATE INDEX "orders_deal_id" ON "orders" (deal_id);

CREATE TABLE "events" (
    id TEXT PRIMARY KEY,
    source_system TEXT,
    external_id TEXT,
    owner_id TEXT,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    search TEXT NOT NULL,
    kind TEXT,
    contact_id TEXT,
    product_id TEXT,
    occurred_at DATETIME,
    url TEXT,
    campaign TEXT
);
CREATE UNIQUE INDEX "events_source" ON "events" (source_system, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX "events_owner" ON "events" (owner_id);
CREATE INDEX "events_created" ON "events" (created_at, id);
CREATE INDEX "events_contact_id" ON "events" (contact_id);
CREATE INDEX "events_product_id" ON "events" (product_id);

CREATE TABLE "pipelines" (
    id TEXT PRIMARY KEY,
    source_system TEXT,
    external_id TEXT,
    owner_id TEXT,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    search TEXT NOT NULL,
    name TEXT
);
CREATE UNIQUE INDEX "pipelines_source" ON "pipelines" (source_system, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX "pipelines_owner" ON "pipelines" (owner_id);
CREATE INDEX "pipelines_created" ON "pipelines" (created_at, id);

CREATE TABLE "stages" (
    id TEXT PRIMARY KEY,
    source_system TEXT,
    external_id TEXT,
    owner_id TEXT,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    search TEXT NOT NULL,
    name TEXT,
    pipeline_id TEXT,
    position INTEGER,
    outcome TEXT
);
CREATE UNIQUE INDEX "stages_source" ON "stages" (source_system, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX "stages_owner" ON "stages" (owner_id);
CREATE INDEX "stages_created" ON "stages" (created_at, id);
CREATE INDEX "stages_pipeline_id" ON "stages" (pipeline_id);

CREATE TABLE "users" (
    id TEXT PRIMARY KEY,
    source_system TEXT,
    external_id TEXT,
    owner_id TEXT,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    search TEXT NOT NULL,
    login TEXT,
    display_name TEXT,
    emails TEXT,
    role TEXT,
    active BOOLEAN
);
CREATE UNIQUE INDEX "users_source" ON "users" (source_system, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX "users_owner" ON "users" (owner_id);
CREATE INDEX "users_created" ON "users" (created_at, id);

CREATE UNIQUE INDEX "users_login" ON "users" (login);
CREATE INDEX "deals_stage" ON "deals" (stage);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    prefix TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL,
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    user_id TEXT,
    created_at DATETIME NOT NULL,
    revoked_at DATETIME
);

CREATE TABLE credentials (
    user_id TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    updated_at DATETIME NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at DATETIME NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT,
    before_json TEXT,
    after_json TEXT,
    payload_digest TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity_id);

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);

CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    run_at DATETIME NOT NULL,
    locked_by TEXT,
    locked_until DATETIME,
    last_error TEXT,
    result TEXT,
    created_at DATETIME NOT NULL,
    finished_at DATETIME
);
CREATE INDEX jobs_runnable ON jobs (status, run_at);
