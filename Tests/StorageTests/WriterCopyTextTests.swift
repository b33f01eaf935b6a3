import NIOCore
@testable import Storage
import TestSupport
import Testing
import TradingCore

/// The COPY text the batching writer sends, checked byte for byte (no server needed).
@Suite(.watchdog) struct WriterCopyTextTests {
    private func text(_ encode: (inout CopyTextEncoder) -> Void) -> String {
        var encoder = CopyTextEncoder()
        encode(&encoder)
        var buffer = encoder.take()
        return buffer.readString(length: buffer.readableBytes) ?? ""
    }

    @Test func tickRowMatchesTheColumnsOfMarketTicks() throws {
        let tick = TradeTick(instrument: try InstrumentId(parsing: "BTC-USDT"), tradeId: TradeId("123"),
                             price: Price(try FixedPoint(parsing: "90123.45")), quantity: Quantity(try FixedPoint(parsing: "0.000001")),
                             side: .sell, timestamp: Timestamp(nanosecondsSinceEpoch: 1_764_000_000_123_456_789))
        let row = text { encoder in
            #expect(MarketDataWriter.encodeTick(&encoder, .tick(tick, isBlockTrade: true), 0))
            encoder.endRow()
        }
        #expect(row == "BTC-USDT\t2025-11-24 16:00:00.123456+00\t123\t90123.45\t0.000001\tsell\tt\n")
    }

    /// Before 1970 the time of day still counts forward from midnight (floor, not truncation).
    @Test func timestampsBeforeTheEpochAndAtDayBoundaries() {
        let cases: [(Int64, String)] = [
            (0, "1970-01-01 00:00:00.000000+00"),
            (-1_000, "1969-12-31 23:59:59.999999+00"),
            (-1, "1969-12-31 23:59:59.999999+00"),
            (951_782_400_000_000_000, "2000-02-29 00:00:00.000000+00"),
            (Int64.max, "2262-04-11 23:47:16.854775+00"),
        ]
        for (nanos, expected) in cases {
            #expect(text { $0.timestamp(Timestamp(nanosecondsSinceEpoch: nanos)) } == expected)
        }
    }

    @Test func escapesNullsAndNumbers() throws {
        let half = try FixedPoint(parsing: "-0.5")
        let row = text { encoder in
            encoder.text("a\\b\tc\nd\re")
            encoder.text(nil as String?)
            encoder.integer(Int32(-5))
            encoder.integer(nil as Int32?)
            encoder.fixedPoint(half)
            encoder.fixedPoint(FixedPoint.zero)
            encoder.bool(false)
            encoder.endRow()
        }
        #expect(row == "a\\\\b\\tc\\nd\\re\t\\N\t-5\t\\N\t-0.5\t0\tf\n")
    }
}
