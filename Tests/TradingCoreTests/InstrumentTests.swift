import TestSupport
import Testing
import TradingCore

@Suite("InstrumentId", .watchdog)
struct InstrumentIdTests {
    @Test("spot, swap, dated futures and options parse with their parts")
    func forms() throws {
        let spot = try InstrumentId(parsing: "BTC-USDT")
        #expect(spot.kind == .spot && spot.base == "BTC" && spot.quote == "USDT" && spot.expiry == nil && !spot.isDerivative)

        let swap = try InstrumentId(parsing: "BTC-USDT-SWAP")
        #expect(swap.kind == .swap && swap.base == "BTC" && swap.quote == "USDT" && swap.expiry == nil && swap.isDerivative)

        let future = try InstrumentId(parsing: "BTC-USD-250328")
        #expect(future.kind == .futures && future.expiry == ExpiryDate(year: 2025, month: 3, day: 28))
        #expect(future.expiry?.description == "2025-03-28")

        let option = try InstrumentId(parsing: "BTC-USD-250328-100000-C")
        let strike = try Price(parsing: "100000")
        #expect(option.kind == .option && option.optionType == .call && option.strike == strike)
        #expect(option.expiry == ExpiryDate(year: 2025, month: 3, day: 28))
        let put = try InstrumentId(parsing: "ETH-USD-220624-1250.5-P")
        #expect(put.optionType == .put && put.strike?.description == "1250.5")

        #expect(try InstrumentId(parsing: "1INCH-USDT").base == "1INCH")
        #expect(swap.symbol == "BTC-USDT-SWAP" && swap.description == "BTC-USDT-SWAP")
        #expect(swap.family == "BTC-USDT" && option.family == "BTC-USD")
    }

    @Test("anything else is refused with an error naming the input", arguments: [
        "", "BTC", "btc-usdt", "BTC-USDT-PERP", "BTC-USDT-swap", "BTC--USDT", "-BTC-USDT", "BTC-USDT-",
        "BTC-USD-250230", "BTC-USD-251301", "BTC-USD-25032", "BTC-USD-250328-100000", "BTC-USD-250328-100000-X",
        "BTC-USD-250328-0-C", "BTC-USD-250328--1-C", "BTC-USD-SWAP-1-C", "BTC_USDT", "BTC-USDT-SWAP-EXTRA-1-2",
        "BTC/USDT", "BTC-USDT ", "BTC-ÜSDT",
    ])
    func refused(text: String) {
        #expect {
            try InstrumentId(parsing: text)
        } throws: { error in
            guard let error = error as? InstrumentIdError else { return false }
            return error.input == text && error.description.contains("'\(text)'") && !error.reason.isEmpty
        }
    }

    @Test("leap days are valid expiries only in leap years")
    func leapDays() throws {
        #expect(try InstrumentId(parsing: "BTC-USD-240229").expiry == ExpiryDate(year: 2024, month: 2, day: 29))
        #expect(throws: InstrumentIdError.self) { try InstrumentId(parsing: "BTC-USD-250229") }
    }

    @Test("equality, ordering and Codable use the id text")
    func identity() throws {
        let a = try InstrumentId(parsing: "BTC-USDT"), b = try InstrumentId(parsing: "ETH-USDT")
        let again = try InstrumentId(parsing: "BTC-USDT")
        #expect(a < b && a != b && a == again)
    }

    @Test("the same text parsed anywhere, at the same time, is the same id")
    func parsedConcurrently() async throws {
        let texts = (0..<64).map { "C\($0)-USDT-SWAP" }
        let ids = await withTaskGroup(of: [InstrumentId].self) { group in
            for _ in 0..<8 { group.addTask { texts.compactMap { try? InstrumentId(parsing: $0) } } }
            return await group.reduce(into: []) { $0.append(contentsOf: $1) }
        }
        #expect(ids.count == 8 * texts.count)
        #expect(Set(ids).count == texts.count)
        #expect(Set(ids.map(\.symbol)) == Set(texts))
        #expect(ids.allSatisfy { $0.kind == .swap && $0.quote == "USDT" })
    }
}

@Suite("Ticker", .watchdog)
struct TickerTests {
    @Test("an empty side of the book reads back as nil and can be set again")
    func optionalSides() throws {
        let id = try InstrumentId(parsing: "BTC-USDT")
        var ticker = Ticker(instrument: id, last: Price(FixedPoint(100)), lastSize: Quantity(FixedPoint(1)),
                            bidPrice: nil, bidSize: nil, askPrice: Price(FixedPoint(101)), askSize: Quantity(FixedPoint(2)),
                            open24h: Price(FixedPoint(90)), high24h: Price(FixedPoint(110)), low24h: Price(FixedPoint(80)),
                            volume24h: Quantity(FixedPoint(5)), volumeCurrency24h: Quantity(FixedPoint(500)), timestamp: .zero)
        #expect(ticker.bidPrice == nil && ticker.bidSize == nil)
        #expect(ticker.askPrice == Price(FixedPoint(101)) && ticker.askSize == Quantity(FixedPoint(2)))
        let before = ticker
        ticker.bidPrice = Price(FixedPoint(0))
        #expect(ticker.bidPrice == Price(FixedPoint(0)))
        #expect(ticker != before)
        ticker.bidPrice = nil
        #expect(ticker == before)
    }
}

@Suite("Instrument", .watchdog)
struct InstrumentTests {
    func instrument(_ id: String, tick: String, lot: String, min: String, ctVal: String? = nil, ctValCcy: String? = nil) throws -> Instrument {
        Instrument(id: try InstrumentId(parsing: id), tickSize: try Price(parsing: tick), lotSize: try Quantity(parsing: lot),
                   minSize: try Quantity(parsing: min), contractValue: try ctVal.map { try Quantity(parsing: $0) }, contractCurrency: ctValCcy)
    }

    @Test("linear swap notional is price x contracts x contract value")
    func linearNotional() throws {
        let swap = try instrument("BTC-USDT-SWAP", tick: "0.1", lot: "0.01", min: "0.01", ctVal: "0.01", ctValCcy: "BTC")
        #expect(!swap.isInverse)
        #expect(try swap.notional(price: Price(parsing: "50000"), quantity: Quantity(parsing: "3")).description == "1500")
        #expect(try swap.baseQuantity(Quantity(parsing: "3")).description == "0.03")
        #expect(swap.validationProblem() == nil)
    }

    @Test("inverse swap notional is contracts x contract value in the quote currency")
    func inverseNotional() throws {
        let swap = try instrument("BTC-USD-SWAP", tick: "0.1", lot: "1", min: "1", ctVal: "100", ctValCcy: "USD")
        #expect(swap.isInverse)
        #expect(try swap.notional(price: Price(parsing: "50000"), quantity: Quantity(parsing: "3")).description == "300")
    }

    @Test("spot notional, grids and order sizes")
    func spot() throws {
        let spot = try instrument("BTC-USDT", tick: "0.1", lot: "0.00000001", min: "0.00001")
        #expect(try spot.notional(price: Price(parsing: "42219.9"), quantity: Quantity(parsing: "0.5")).description == "21109.95")
        #expect(spot.roundPrice(try Price(parsing: "42219.97"), .down).description == "42219.9")
        #expect(spot.roundQuantity(try Quantity(parsing: "0.123456789")).description == "0.12345678")
        #expect(spot.isOnTick(try Price(parsing: "42219.9")))
        #expect(!spot.isOnTick(try Price(parsing: "42219.95")))
        #expect(spot.isValidOrderSize(try Quantity(parsing: "0.00001")))
        #expect(!spot.isValidOrderSize(try Quantity(parsing: "0.000009")))
        #expect(spot.validationProblem() == nil)
    }

    @Test("bad metadata is named by field", arguments: [
        ("BTC-USDT", "0", "0.1", "0.1", nil, nil, "tickSize"),
        ("BTC-USDT", "0.1", "0", "0.1", nil, nil, "lotSize"),
        ("BTC-USDT", "0.1", "0.1", "0", nil, nil, "minSize"),
        ("BTC-USDT", "0.1", "0.1", "0.15", nil, nil, "minSize"),
        ("BTC-USDT", "0.1", "0.1", "0.1", "1", nil, "contractValue"),
        ("BTC-USDT-SWAP", "0.1", "1", "1", nil, "BTC", "contractValue"),
        ("BTC-USDT-SWAP", "0.1", "1", "1", "0.01", nil, "contractCurrency"),
        ("BTC-USDT-SWAP", "0.1", "1", "1", "0.01", "ETH", "contractCurrency"),
    ] as [(String, String, String, String, String?, String?, String)])
    func validation(id: String, tick: String, lot: String, min: String, ctVal: String?, ctValCcy: String?, field: String) throws {
        let problem = try instrument(id, tick: tick, lot: lot, min: min, ctVal: ctVal, ctValCcy: ctValCcy).validationProblem()
        #expect(problem?.field == field)
        #expect(problem?.instrument == id)
        #expect(problem?.description.hasPrefix("instrument \(id): \(field) ") == true)
    }
}

@Suite("Timestamp", .watchdog)
struct TimestampTests {
    @Test("milliseconds, UTC days and ISO text")
    func basics() {
        let time = Timestamp(millisecondsSinceEpoch: 1_652_459_199_958)
        #expect(time.description == "2022-05-13T16:26:39.958Z")
        #expect(time.millisecondsSinceEpoch == 1_652_459_199_958)
        #expect(time.startOfUTCDay.description == "2022-05-13T00:00:00.000Z")
        #expect(time.utcDayNumber == 19_125)
        #expect(Timestamp.zero.description == "1970-01-01T00:00:00.000Z")
        #expect(time.advanced(byMilliseconds: 42).nanoseconds(since: time) == 42_000_000)
    }

    @Test("instants before 1970 fall on the right day")
    func beforeEpoch() {
        let time = Timestamp(millisecondsSinceEpoch: -1)
        #expect(time.utcDayNumber == -1)
        #expect(time.description == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp(nanosecondsSinceEpoch: -1).millisecondsSinceEpoch == -1)
    }

    @Test("civil dates across leap years")
    func civilDates() {
        #expect(Timestamp.civilDate(daysSinceEpoch: 0) == (1970, 1, 1))
        #expect(Timestamp.civilDate(daysSinceEpoch: 11_016) == (2000, 2, 29))
        #expect(Timestamp.civilDate(daysSinceEpoch: 19_782) == (2024, 2, 29))
    }

    @Test("OKX millisecond text parses exactly")
    func parsing() {
        #expect(Timestamp(millisecondsText: "1652459199958") == Timestamp(millisecondsSinceEpoch: 1_652_459_199_958))
        #expect(Timestamp(millisecondsText: "") == nil)
        #expect(Timestamp(millisecondsText: "12a") == nil)
        #expect(Timestamp(millisecondsText: "99999999999999999999") == nil)
    }
}
