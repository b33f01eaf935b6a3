import Foundation

/// Real market data made into what OKX's history endpoints serve: the trades of a recorded trade
/// stream, and candles built from those trades (every price one that traded; nothing invented).
public enum OKXRestFixtures {
    /// The trades of a hftbacktest-extracted Binance `@trade` CSV (`local_recv_ts_ns, event_time_ms,
    /// trade_time_ms, trade_id, price, qty, is_buyer_maker`), oldest first. The taker sold when the
    /// buyer was the maker.
    public static func trades(csv text: String, limit: Int = .max) -> [OKXRestScript.TradeRow] {
        var rows: [OKXRestScript.TradeRow] = []
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",")
            guard fields.count == 7, let time = Int64(fields[2]) else { continue }
            rows.append(OKXRestScript.TradeRow(tradeId: String(fields[3]), price: String(fields[4]), size: String(fields[5]),
                                               side: fields[6] == "true" ? "sell" : "buy", time: time))
            if rows.count >= limit { break }
        }
        return rows
    }

    /// Confirmed candles of `seconds` seconds from `trades` (oldest first), in OKX's row shape
    /// `[ts, o, h, l, c, vol, volCcy, volCcyQuote, "1"]`: vol in the base currency, volCcy and
    /// volCcyQuote in the quote currency (a spot pair). A bar with no trade has no row.
    public static func candles(from trades: [OKXRestScript.TradeRow], seconds: Int64) -> [OKXRestScript.CandleRow] {
        var rows: [OKXRestScript.CandleRow] = []
        var open: Int64?
        var prices: [Decimal] = []
        var first = "", high = Decimal(0), low = Decimal(0), last = "", volume = Decimal(0), quote = Decimal(0)
        var highText = "", lowText = ""
        func close() {
            guard let open, !prices.isEmpty else { return }
            // OKX states quote volumes to a few decimals; price x size has up to twice the digits.
            var exact = quote, rounded = Decimal()
            NSDecimalRound(&rounded, &exact, 8, .plain)
            rows.append([String(open), first, highText, lowText, last, "\(volume)", "\(rounded)", "\(rounded)", "1"])
        }
        for trade in trades {
            guard let price = Decimal(string: trade.price), let size = Decimal(string: trade.size) else { continue }
            let bar = trade.time - trade.time % (seconds * 1000)
            if bar != open {
                close()
                open = bar; prices = []; first = trade.price; high = price; low = price; highText = trade.price; lowText = trade.price
                volume = 0; quote = 0
            }
            prices.append(price)
            if price > high { high = price; highText = trade.price }
            if price < low { low = price; lowText = trade.price }
            last = trade.price
            volume += size
            quote += price * size
        }
        close()
        return rows
    }
}
