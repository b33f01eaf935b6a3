#!/usr/bin/env python3
"""Writes the trades-with-books5 replay workload of issue 23 as raw OKX frames (one JSON per line).

Each trade is preceded by a books5 snapshot with the best bid one tick below and the best ask one
tick above the trade's price, so the paper venue always has liquidity: N trades give 2N events.

The trades come from a CSV of real trades when one is given (--csv; the columns are found by name:
price, qty/size/quantity, a time in ms/us/ns and an aggressor side or is_buyer_maker), else from a
seeded random walk shaped like the anchors' ETH-USDT series (around 1,600 USDT, 0.01 ticks, sizes
from 0.0001 to ~50 ETH, a few trades per second). The same seed always writes the same file.

    python3 Benchmarks/make_trades_books5.py --trades 1000000 --seed 42 --out /tmp/eth-books5.jsonl
    python3 Benchmarks/make_trades_books5.py --csv trades.csv --inst ETH-USDT --out /tmp/eth-books5.jsonl
"""

import argparse
import csv
import random
import sys
from decimal import Decimal

START_MS = 1_672_531_200_000  # 2023-01-01T00:00:00Z: past the market tables' retention, as the anchors' series is


def synthetic_trades(count, seed, start_ms):
    rng = random.Random(seed)
    ticks = 160_000  # 1,600.00 in 0.01 ticks
    time_ms = start_ms
    for trade_id in range(1, count + 1):
        ticks = max(100, ticks + rng.choice((-2, -1, -1, 0, 0, 0, 0, 1, 1, 2)))
        time_ms += int(rng.expovariate(1 / 250.0))
        size = round(min(50.0, rng.lognormvariate(-2.5, 1.6)), 4) or 0.0001
        yield trade_id, ticks, f"{size:.4f}", "buy" if rng.random() < 0.5 else "sell", time_ms


def csv_trades(path, tick):
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        fields = {name.lower(): name for name in reader.fieldnames or []}

        def column(*names):
            for name in names:
                if name in fields:
                    return fields[name]
            sys.exit(f"--csv {path}: no column named any of {', '.join(names)} (columns: {', '.join(fields)})")

        price = column("price", "px")
        size = column("qty", "size", "sz", "quantity")
        time = column("trade_time_ms", "timestamp", "ts_event", "time", "ts")
        side = fields.get("side") or fields.get("aggressor_side") or column("is_buyer_maker")
        ids = fields.get("trade_id") or fields.get("id")
        for number, row in enumerate(reader, start=1):
            trade_id = int(row[ids]) if ids else number
            raw_time = int(Decimal(row[time]))
            # Milliseconds, whatever the file used.
            time_ms = raw_time // 1_000_000 if raw_time > 10**17 else raw_time // 1_000 if raw_time > 10**14 else raw_time
            aggressor = row[side].lower()
            if aggressor in ("true", "false"):
                aggressor = "sell" if aggressor == "true" else "buy"
            elif aggressor not in ("buy", "sell"):
                aggressor = "buy" if aggressor in ("buyer", "b") else "sell"
            yield trade_id, int(Decimal(row[price]) / tick), str(Decimal(row[size]).normalize()), aggressor, time_ms


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trades", type=int, default=1_000_000, help="synthetic trades (ignored with --csv)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--csv", help="real trades to convert instead of the random walk")
    parser.add_argument("--inst", default="ETH-USDT")
    parser.add_argument("--tick", default="0.01", help="the instrument's tick size")
    parser.add_argument("--start-ms", type=int, default=START_MS,
                        help="first synthetic trade's time (ms since 1970); a recent one makes a persisted replay store the ticks")
    parser.add_argument("--out", required=True)
    options = parser.parse_args()
    tick = Decimal(options.tick)
    decimals = max(0, -tick.as_tuple().exponent)
    inst = options.inst

    def price(ticks):
        return f"{Decimal(ticks) * tick:.{decimals}f}"

    trades = csv_trades(options.csv, tick) if options.csv else synthetic_trades(options.trades, options.seed, options.start_ms)
    book_arg = '{"arg":{"channel":"books5","instId":"%s"},"data":[{"asks":[%%s],"bids":[%%s],"instId":"%s","ts":"%%d"}]}\n' % (inst, inst)
    trade_arg = ('{"arg":{"channel":"trades","instId":"%s"},"data":[{"instId":"%s","tradeId":"%%d","px":"%%s","sz":"%%s",'
                 '"side":"%%s","ts":"%%d"}]}\n') % (inst, inst)
    written = 0
    with open(options.out, "w") as out:
        for trade_id, ticks, size, side, time_ms in trades:
            asks = ",".join('["%s","%d","0","%d"]' % (price(ticks + level), 5 * level, level) for level in range(1, 6))
            bids = ",".join('["%s","%d","0","%d"]' % (price(ticks - level), 5 * level, level) for level in range(1, 6))
            out.write(book_arg % (asks, bids, time_ms))
            out.write(trade_arg % (trade_id, price(ticks), size, side, time_ms))
            written += 1
    print(f"{options.out}: {written} trades, {2 * written} frames ({inst}, "
          + (f"from {options.csv}" if options.csv else f"synthetic, seed {options.seed}") + ")", file=sys.stderr)


if __name__ == "__main__":
    main()
