"""The same SMA 10/20 cross on the same bars in backtesting.py, for the candles-only figure.

scripts/bench.sh e2e --candles N --csv FILE writes the bars the runtime replays to FILE; this
times backtesting.py's run over them (long only, entries and exits on the same crosses as the
runtime's SMACrossover, orders at the next bar's open, as the paper venue's bar execution does).
backtesting.py trades whole units only, so it buys one unit with a large cash balance: the
trades match, the PnL scale does not (only the speed is compared).
Needs `pip install backtesting` (PyPI); nothing of it is kept in this repository.

usage: python3 Benchmarks/peers/backtesting_py_sma.py FILE
"""
import sys
import time

import pandas as pd
from backtesting import Backtest, Strategy


def sma(values, n):
    return pd.Series(values).rolling(n).mean()


class SmaCross(Strategy):
    fast = 10
    slow = 20

    def init(self):
        self.fast_ma = self.I(sma, self.data.Close, self.fast)
        self.slow_ma = self.I(sma, self.data.Close, self.slow)

    def next(self):
        above = self.fast_ma[-1] > self.slow_ma[-1]
        was_above = self.fast_ma[-2] > self.slow_ma[-2]
        if above and not was_above and not self.position:
            self.buy(size=1)
        elif not above and was_above and self.position:
            self.position.close()


def main():
    bars = pd.read_csv(sys.argv[1], index_col="Date", parse_dates=True)
    started = time.perf_counter()
    stats = Backtest(bars, SmaCross, cash=10_000_000, commission=0.001, trade_on_close=False,
                     finalize_trades=True).run()
    elapsed = time.perf_counter() - started
    print(f"backtesting.py {len(bars)} bars in {elapsed:.2f} s: {len(bars) / elapsed:,.0f} bars/s; "
          f"{stats['# Trades']} trades")


if __name__ == "__main__":
    main()
