-- Named sets of definitions applied to many sites. definitions is a JSON array of definitions whose text may use
-- ${variable} placeholders, filled in per site.
CREATE TABLE probe_templates (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    description text NOT NULL DEFAULT '',
    definitions jsonb NOT NULL,
    version     bigint NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- A template applied to a site: the site's variables and per-definition overrides (JSON).
CREATE TABLE site_templates (
    site_id          text NOT NULL,
    template_id      text NOT NULL REFERENCES probe_templates (id),
    settings         jsonb NOT NULL,
    template_version bigint NOT NULL,
    applied_at       timestamptz NOT NULL,
    PRIMARY KEY (site_id, template_id)
);
CREATE INDEX site_templates_template ON site_templates (template_id);

-- The template a definition was made from; NULL for one edited by hand.
ALTER TABLE probe_definitions ADD COLUMN template_id text NULL;
