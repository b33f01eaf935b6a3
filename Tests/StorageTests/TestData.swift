import Foundation
import PostgresNIO
@testable import Storage
import TradingCore

/// Deterministic pseudo-random ticks (a linear congruential generator: same input, same ticks).
struct TickGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 33
    }

    /// `count` ticks of `symbol` spread over [start, start + span), prices around `base`.
    mutating func ticks(symbol: String, count: Int, start: Timestamp, spanSeconds: Int64, base: Int64) throws -> [TradeTick] {
        let instrument = try InstrumentId(parsing: symbol)
        var result: [TradeTick] = []
        for index in 0..<count {
            let offsetMs = Int64(next() % UInt64(spanSeconds * 1000))
            let priceCents = base * 100 + Int64(next() % 2_000) - 1_000
            let quantityMilli = Int64(next() % 5_000) + 1
            result.append(TradeTick(
                instrument: instrument, tradeId: TradeId("\(symbol)-\(index)-\(state % 1_000_000)"),
                price: Price(FixedPoint(units: priceCents, decimals: 2)),
                quantity: Quantity(FixedPoint(units: quantityMilli, decimals: 3)),
                side: next() % 2 == 0 ? .buy : .sell,
                timestamp: Timestamp(millisecondsSinceEpoch: start.millisecondsSinceEpoch + offsetMs)))
        }
        return result
    }
}

/// An OHLCV bar computed in Swift, independently of the database.
struct ExpectedBar: Equatable, CustomStringConvertible {
    var bucketMs: Int64
    var open: FixedPoint
    var high: FixedPoint
    var low: FixedPoint
    var close: FixedPoint
    var volume: FixedPoint
    var count: Int
    var description: String { "\(bucketMs): o\(open) h\(high) l\(low) c\(close) v\(volume) n\(count)" }

    /// Bars of `width` milliseconds over ticks ordered by time (ties by insertion order).
    static func bars(_ ticks: [TradeTick], widthMs: Int64) -> [ExpectedBar] {
        let ordered = ticks.enumerated().sorted { lhs, rhs in
            lhs.element.timestamp == rhs.element.timestamp ? lhs.offset < rhs.offset : lhs.element.timestamp < rhs.element.timestamp
        }.map(\.element)
        var bars: [Int64: ExpectedBar] = [:]
        for tick in ordered {
            let ms = tick.timestamp.millisecondsSinceEpoch
            let bucket = ms - ((ms % widthMs) + widthMs) % widthMs
            if var bar = bars[bucket] {
                bar.high = max(bar.high, tick.price.value)
                bar.low = min(bar.low, tick.price.value)
                bar.close = tick.price.value
                bar.volume += tick.quantity.value
                bar.count += 1
                bars[bucket] = bar
            } else {
                bars[bucket] = ExpectedBar(bucketMs: bucket, open: tick.price.value, high: tick.price.value, low: tick.price.value,
                                           close: tick.price.value, volume: tick.quantity.value, count: 1)
            }
        }
        return bars.values.sorted { $0.bucketMs < $1.bucketMs }
    }

    init(bucketMs: Int64, open: FixedPoint, high: FixedPoint, low: FixedPoint, close: FixedPoint, volume: FixedPoint, count: Int) {
        self.bucketMs = bucketMs; self.open = open; self.high = high; self.low = low; self.close = close; self.volume = volume; self.count = count
    }

    init(_ bar: RollupBar) {
        self.init(bucketMs: bar.bucket.millisecondsSinceEpoch, open: bar.open.value, high: bar.high.value, low: bar.low.value,
                  close: bar.close.value, volume: bar.volume.value, count: bar.tradeCount)
    }
}

extension Timestamp {
    static func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0) -> Timestamp {
        var components = DateComponents()
        components.year = year; components.month = month; components.day = day; components.hour = hour
        components.timeZone = TimeZone(identifier: "UTC")
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let date = calendar.date(from: components) ?? Date(timeIntervalSince1970: 0)
        return Timestamp(millisecondsSinceEpoch: Int64(date.timeIntervalSince1970 * 1000))
    }

    static var now: Timestamp { Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000)) }
}

extension DatabaseTarget {
    /// The whole number a one-column query returns (its last row's, where there are several).
    func count(_ sql: String) async throws -> Int {
        try await withClient { client in
            var result = 0
            for try await value in try await client.query(PostgresQuery(unsafeSQL: sql)).decode(Int.self) { result = value }
            return result
        }
    }
}
