import RuntimeHost
import TestSupport
import Testing
import TradingCore

@Suite("View options", .watchdog)
struct ViewOptionsTests {
    @Test("times parse as ISO 8601 or epoch milliseconds, to the same instant")
    func timeForms() throws {
        let expected = Timestamp(millisecondsSinceEpoch: 1_795_615_200_250)
        #expect(try ViewOptions.time("1795615200250", option: "--from") == expected)
        #expect(try ViewOptions.time("2026-11-25T14:00:00.250Z", option: "--from") == expected)
        #expect(try ViewOptions.time("2026-11-25T15:00:00.250+01:00", option: "--from") == expected)
        #expect(try ViewOptions.time("2026-11-25T14:00:00Z", option: "--from") == Timestamp(millisecondsSinceEpoch: 1_795_615_200_000))
        #expect(try ViewOptions.time("2026-11-25", option: "--from") == Timestamp(millisecondsSinceEpoch: 1_795_564_800_000))
    }

    @Test("bad input is refused naming the option", arguments: [
        ("--from", "yesterday"), ("--from", "2026-13-01"), ("--to", "12:00"), ("--from", ""),
    ])
    func badTimes(option: String, text: String) {
        #expect(throws: ViewOptionError.self) { try ViewOptions.time(text, option: option) }
        do throws(ViewOptionError) { _ = try ViewOptions.time(text, option: option) } catch { #expect(error.option == option) }
    }

    @Test("modes, statuses, intervals, counts, ranges and instruments are checked")
    func otherOptions() throws {
        #expect(try ViewOptions.mode("Paper") == .paper)
        #expect(try ViewOptions.mode("demo") == .demo)
        #expect(throws: ViewOptionError(option: "--mode", value: "sim", reason: "must be one of live, demo, paper, replay")) {
            try ViewOptions.mode("sim")
        }
        #expect(try ViewOptions.statuses("filled,partially_filled") == [.filled, .partiallyFilled])
        #expect(throws: ViewOptionError.self) { try ViewOptions.statuses("filled,done") }
        #expect(try CandlesView.Interval.parse("5m") == .fiveMinutes)
        #expect(CandlesView.Interval.oneMinute.table == "market_ohlcv")
        #expect(CandlesView.Interval.oneDay.table == "market_ohlcv_1d")
        do throws(ViewOptionError) { _ = try CandlesView.Interval.parse("2m"); Issue.record("2m accepted") } catch { #expect(error.option == "--interval") }
        #expect(throws: ViewOptionError.self) { try ViewOptions.count(0, option: "--limit", maximum: 10) }
        #expect(throws: ViewOptionError.self) { try ViewOptions.count(11, option: "--days", maximum: 10) }
        do throws(ViewOptionError) {
            _ = try ViewOptions.range(from: "2026-11-25", to: "2026-11-24", defaultFrom: nil, defaultTo: nil)
            Issue.record("reversed range accepted")
        } catch { #expect(error.option == "--from") }
        do throws(ViewOptionError) { _ = try CandlesView.instrument("not an instrument"); Issue.record("bad instrument accepted") } catch { #expect(error.option == "INSTRUMENT") }
    }
}
