-- 014 (both flavors): what a trade row says about how it was filled. The paper venue fills
-- against a book, the last trade or candles (issue 19); each row names the model it was filled
-- with (`fill_model=book|trades|candles`), so a backtest's fills are never mistaken for
-- book-quality ones. Nullable: live orders and orders that met no market data have nothing to say.
ALTER TABLE trades ADD COLUMN notes TEXT CHECK (length(notes) <= 1000);
