-- Named sets of definitions applied to many sites. definitions is a JSON array of definitions whose text may use
-- ${variable} placeholders, filled in per site.
CREATE TABLE probe_templates (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    definitions TEXT NOT NULL,
    version     INTEGER NOT NULL,
    updated_at  TEXT NOT NULL
);

-- A template applied to a site: the site's variables and per-definition overrides (JSON).
CREATE TABLE site_templates (
    site_id          TEXT NOT NULL,
    template_id      TEXT NOT NULL REFERENCES probe_templates (id),
    settings         TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    applied_at       TEXT NOT NULL,
    PRIMARY KEY (site_id, template_id)
);
CREATE INDEX site_templates_template ON site_templates (template_id);

-- The template a definition was made from; NULL for one edited by hand.
ALTER TABLE probe_definitions ADD COLUMN template_id TEXT NULL;
