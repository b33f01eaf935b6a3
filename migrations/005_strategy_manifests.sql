-- 005 (every flavor): what a deployment stores beyond the seed's strategies columns.
--
-- The host rebuilds every deployed strategy from the database alone (issue 6 and 9): a host on
-- another machine, or after the manifest file was edited or deleted, must run exactly what was
-- deployed. The seed's columns (strategy_type, parameters, risk_limits, symbols, ...) do not say
-- which plugin library holds the strategy type nor which market-data channels it subscribes to,
-- so the deployed manifest is kept whole, as JSON, next to them (the seed columns stay filled for
-- the queries and tools that read them). Both are nullable: rows written before this migration,
-- or by tools that do not deploy manifests, have neither and are not loaded by the host.
ALTER TABLE strategies ADD COLUMN plugin VARCHAR(128);
ALTER TABLE strategies ADD COLUMN manifest JSONB CHECK (manifest IS NULL OR jsonb_typeof(manifest) = 'object');
