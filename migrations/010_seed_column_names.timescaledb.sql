-- 010 (TimescaleDB flavor): the OHLCV rollups' time column is "timestamp", as in market_ohlcv and
-- the seed's queries ("ORDER BY timestamp"); 003 named it bucket. Renaming a continuous
-- aggregate's column renames it in its materialization and in the aggregates built on it, so
-- the hierarchy 5m -> 1h -> 1d and the refresh policies keep working unchanged.
ALTER MATERIALIZED VIEW market_ohlcv_5m RENAME COLUMN bucket TO "timestamp";
ALTER MATERIALIZED VIEW market_ohlcv_1h RENAME COLUMN bucket TO "timestamp";
ALTER MATERIALIZED VIEW market_ohlcv_1d RENAME COLUMN bucket TO "timestamp";
