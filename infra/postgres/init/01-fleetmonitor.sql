-- Run once by the postgres image on an empty data directory (docker-compose.yml mounts this folder as
-- /docker-entrypoint-initdb.d), with psql, as POSTGRES_USER, connected to POSTGRES_DB.
--
-- docker-compose.yml sets POSTGRES_USER and POSTGRES_DB to `fleetmonitor`, so the image has already made
-- both and the first two steps do nothing. They are here for a run with other values (e.g. the
-- `postgres` superuser): the services always connect as `fleetmonitor` to database `fleetmonitor`.
--
-- No schema here: the `migrate` service (DbUp, FleetMonitor.Storage/Migrations) owns it.

-- The role, with the same password as POSTGRES_USER (psql 15+ reads it from the environment).
\getenv fleetmonitor_password POSTGRES_PASSWORD
SELECT format('CREATE ROLE fleetmonitor LOGIN PASSWORD %L', :'fleetmonitor_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fleetmonitor')
\gexec

-- The database, owned by that role (CREATE DATABASE cannot run inside a DO block, hence \gexec).
-- Ownership is what lets the migrations create tables in schema public (PostgreSQL 15+).
SELECT 'CREATE DATABASE fleetmonitor OWNER fleetmonitor'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'fleetmonitor')
\gexec
ALTER DATABASE fleetmonitor OWNER TO fleetmonitor;

-- Query statistics for finding slow store queries; docker-compose.yml preloads the library
-- (shared_preload_libraries=pg_stat_statements), without which the view refuses to be read.
\connect fleetmonitor
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
