-- 012 (both flavors): a trade id is stored once per symbol, whatever its timestamp.
--
-- market_ticks cannot carry UNIQUE (symbol, trade_id): plain PostgreSQL needs the partition key
-- and TimescaleDB the time column in every unique index, so 002's key is
-- (symbol, trade_id, timestamp) and a trade re-delivered with another timestamp (a reconnect, a
-- restart, a second host, a backfill) slipped past it. market_trade_ids holds the key without
-- the time column. A BEFORE INSERT row trigger claims each tick's (symbol, trade_id) there and
-- skips the tick (returns NULL) when another row already claimed it, so no writer can bypass it:
-- the batch writer's COPY, single inserts and psql alike (only a row that is put back after it
-- was removed, with its original timestamp, passes again). A skipped tick is not an error, because
-- a re-delivery is expected; the trigger counts skips in the transaction-local setting
-- runtime.duplicate_ticks so the writer can report them. Concurrent writers of the same trade
-- serialize on the key: the second waits for the first to commit or roll back.
--
-- Ids expire with their ticks: the maintenance pass deletes ids older than market_ticks'
-- retention (BRIN on the time column, as ids arrive roughly in time order).
-- Ticks stored twice before this migration stay; the earliest of each id claims the key.
CREATE TABLE market_trade_ids (
    symbol      VARCHAR(50) NOT NULL,
    trade_id    VARCHAR(64) NOT NULL,
    "timestamp" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (symbol, trade_id)
);
CREATE INDEX idx_market_trade_ids_timestamp ON market_trade_ids USING brin ("timestamp");

INSERT INTO market_trade_ids (symbol, trade_id, "timestamp")
SELECT DISTINCT ON (symbol, trade_id) symbol, trade_id, "timestamp"
FROM market_ticks ORDER BY symbol, trade_id, "timestamp";

CREATE FUNCTION market_ticks_claim_trade_id() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO market_trade_ids (symbol, trade_id, "timestamp")
    VALUES (NEW.symbol, NEW.trade_id, NEW."timestamp")
    ON CONFLICT DO NOTHING;
    IF FOUND THEN
        RETURN NEW;
    END IF;
    -- Claimed already. The same row coming back while it is not stored is a move, not a
    -- re-delivery: the plain flavor's partition maintenance takes rows out of DEFAULT and inserts
    -- them again.
    IF EXISTS (SELECT 1 FROM market_trade_ids k
               WHERE k.symbol = NEW.symbol AND k.trade_id = NEW.trade_id AND k."timestamp" = NEW."timestamp")
       AND NOT EXISTS (SELECT 1 FROM market_ticks t
                       WHERE t.symbol = NEW.symbol AND t.trade_id = NEW.trade_id AND t."timestamp" = NEW."timestamp") THEN
        RETURN NEW;
    END IF;
    PERFORM set_config('runtime.duplicate_ticks',
        (coalesce(nullif(current_setting('runtime.duplicate_ticks', true), ''), '0')::bigint + 1)::text, true);
    RETURN NULL;
END
$$;

CREATE TRIGGER market_ticks_claim_trade_id BEFORE INSERT ON market_ticks
    FOR EACH ROW EXECUTE FUNCTION market_ticks_claim_trade_id();
