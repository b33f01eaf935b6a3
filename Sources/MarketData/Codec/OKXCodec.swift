import TradingCore

/// Decodes OKX v5 WebSocket frames into domain values straight from their bytes, and encodes requests.
///
/// No `JSONDecoder`, no intermediate dictionaries: a forward-only scanner reads the frame once, numbers
/// become fixed-point values in place, and instrument ids come from a cache. A decoder instance holds that
/// cache, so keep one per connection (it is a cheap value; it is not shared between threads).
///
/// ```swift
/// var codec = OKXCodec()
/// let message = try frame.withUTF8 { try codec.decode($0) }
/// ```
public struct OKXCodec: Sendable {
    private var instruments = InstrumentCache()

    public init() {}

    /// Decodes one text frame.
    ///
    /// Push frames in OKX's usual layout (`arg`, maybe `action`, then `data` last) are read in one
    /// forward pass (``decodeUsualPush(_:)``). Everything else (control events, `data` before `arg`,
    /// repeated or trailing keys, and every malformed frame) is decoded by
    /// ``decodeValidatingFirst(_:)``, which checks the whole frame's structure before its values. So
    /// errors are the same whichever path a frame took, and both paths give equal values for every
    /// frame the fast one accepts.
    public mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws(OKXDecodeError) -> OKXMessage {
        do {
            return try decodeUsualPush(bytes)
        } catch {
            return try decodeValidatingFirst(bytes)
        }
    }

    /// The fast path: a push frame `{"arg":{...}, ["action":..., ...] "data":[...]}` read in one pass, its
    /// `data` decoded where it stands. Throws for any other frame; the error only means "not here" (see
    /// ``declined``), the general path then decodes the frame or reports what is wrong with it.
    mutating func decodeUsualPush(_ bytes: UnsafeBufferPointer<UInt8>) throws(OKXDecodeError) -> OKXMessage {
        var push = try usualPush(bytes)
        let message = try Self.data(&push.data, kind: push.kind, channelName: push.channelName, instrument: push.instrument,
                                    action: push.action)
        try Self.expectPushEnd(&push.data)
        return message
    }

    /// Where a frame in OKX's usual push layout stands once its `arg` and `action` are read.
    struct UsualPush {
        /// Standing at the `data` array.
        var data: JSONScanner
        let kind: OKXChannelKind
        let channelName: JSONBytes
        let instrument: ResolvedInstrument
        let action: JSONBytes?
    }

    /// Reads a push frame up to its `data` array (which comes last in OKX's usual layout); throws
    /// ``declined`` for any other frame.
    mutating func usualPush(_ bytes: UnsafeBufferPointer<UInt8>) throws(OKXDecodeError) -> UsualPush {
        var scanner = JSONScanner(bytes)
        guard !bytes.isEmpty, try scanner.peek() == UInt8(ascii: "{") else { throw Self.declined }
        scanner.skipByte()
        var sawArg = false
        var channelName: JSONBytes?
        var instIdText: JSONBytes?
        var action: JSONBytes?
        var isFirst = true
        while true {
            guard let key = try scanner.nextKey(isFirst: &isFirst) else { throw Self.declined }
            if key.equals("data") {
                break
            } else if key.equals("arg") {
                guard !sawArg else { throw Self.declined }
                sawArg = true
                try scanner.beginObject(field: "arg")
                var isFirstInArg = true
                while let argKey = try scanner.nextKey(isFirst: &isFirstInArg) {
                    if argKey.equals("channel") {
                        channelName = try scanner.readString(field: "arg.channel")
                    } else if argKey.equals("instId") {
                        instIdText = try scanner.readString(field: "arg.instId")
                    } else {
                        try scanner.skipValue(depth: 2)
                    }
                }
            } else if key.equals("action") {
                action = try scanner.readString(field: "action")
            } else if key.equals("event") || key.equals("code") || key.equals("msg") || key.equals("connId")
                        || key.equals("channel") || key.equals("connCount") {
                throw Self.declined
            } else {
                try scanner.skipValue(depth: 1)
            }
        }
        guard let channelName, let instIdText, let kind = OKXChannelKind.classify(channelName) else { throw Self.declined }
        switch kind {
        case .unsupported: throw Self.declined
        case .book(let channel) where !channel.isFullSnapshotEachPush && action == nil: throw Self.declined
        default: break
        }
        let instrument = try instruments.instrument(instIdText, field: "arg.instId")
        return UsualPush(data: scanner, kind: kind, channelName: channelName, instrument: instrument, action: action)
    }

    /// `data` came last: only the closing brace may follow (anything else goes the general way).
    private static func expectPushEnd(_ scanner: inout JSONScanner) throws(OKXDecodeError) {
        guard try scanner.peek() == UInt8(ascii: "}") else { throw Self.declined }
        scanner.skipByte()
        try scanner.expectEnd()
    }

    /// What the fast path throws for a frame it leaves to the general path (no allocation).
    static var declined: OKXDecodeError { .unrecognizedMessage(reason: "") }

    /// The general path: validates the whole frame's structure first, then reads what it needs.
    mutating func decodeValidatingFirst(_ bytes: UnsafeBufferPointer<UInt8>) throws(OKXDecodeError) -> OKXMessage {
        if Self.isPong(bytes) { return .control(.pong) }
        var scanner = JSONScanner(bytes)
        guard (try? scanner.peek()) == UInt8(ascii: "{") else {
            if bytes.isEmpty || scanner.isAtEnd { throw .malformedJSON(offset: 0, reason: "empty frame") }
            throw .unrecognizedMessage(reason: "expected a JSON object or the text \"pong\"")
        }
        try scanner.beginObject(field: "message")
        var argStart: Int?
        var dataStart: Int?
        var event: JSONBytes?
        var action: JSONBytes?
        var code: JSONBytes?
        var message: JSONBytes?
        var connectionId: JSONBytes?
        var channel: JSONBytes?
        var connectionCount: JSONBytes?
        var isFirst = true
        while let key = try scanner.nextKey(isFirst: &isFirst) {
            if key.equals("arg") {
                argStart = scanner.index
                try scanner.skipValue(depth: 1)
            } else if key.equals("data") {
                dataStart = scanner.index
                try scanner.skipValue(depth: 1)
            } else if key.equals("action") {
                action = try scanner.readString(field: "action")
            } else if key.equals("event") {
                event = try scanner.readString(field: "event")
            } else if key.equals("code") {
                code = try Self.readCode(&scanner)
            } else if key.equals("msg") {
                message = try scanner.readString(field: "msg")
            } else if key.equals("connId") {
                connectionId = try scanner.readString(field: "connId")
            } else if key.equals("channel") {
                channel = try scanner.readString(field: "channel")
            } else if key.equals("connCount") {
                connectionCount = try scanner.readString(field: "connCount")
            } else {
                try scanner.skipValue(depth: 1)
            }
        }
        try scanner.expectEnd()

        if let event {
            return .control(try Self.control(event: event, bytes: bytes, argStart: argStart, code: code, message: message,
                                              connectionId: connectionId, channel: channel, connectionCount: connectionCount))
        }
        guard let argStart else { throw .unrecognizedMessage(reason: "neither 'event' nor 'arg' present") }
        guard let dataStart else { throw .missingField(field: "data", context: "push message") }
        return try push(bytes: bytes, argStart: argStart, dataStart: dataStart, action: action)
    }

    /// Decodes one text frame given as a `String` (convenience for tests and tools).
    public mutating func decode(_ text: String) throws(OKXDecodeError) -> OKXMessage {
        var text = text
        let result: Result<OKXMessage, OKXDecodeError> = text.withUTF8 { bytes in
            do throws(OKXDecodeError) { return .success(try decode(bytes)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Decodes one text frame and hands each market event it carries to `receiver`, in the order
    /// sent, then says what the frame was.
    ///
    /// The same frames decode to the same values as with ``decode(_:)-(UnsafeBufferPointer<UInt8>)``;
    /// a push of one item (the usual case) reaches the receiver without becoming a ``MarketEvent``
    /// first, which is what a consumer on the hot path wants. Nothing is delivered from a frame
    /// that fails to decode.
    public mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>,
                                deliveringTo receiver: some MarketEventReceiver) throws(OKXDecodeError) -> OKXFrameContent {
        if (try? deliverSingleItemPush(bytes, to: receiver)) == true { return .marketEvents(count: 1) }
        switch try decode(bytes) {
        case .market(let event):
            receiver.receive(event)
            return .marketEvents(count: 1)
        case .marketBatch(let events):
            for event in events { receiver.receive(event) }
            return .marketEvents(count: events.count)
        case .control(let control):
            return .control(control)
        case .unsupportedChannel(let channel, let instId):
            return .unsupportedChannel(channel: channel, instId: instId)
        }
    }

    /// The fast path for a usual push whose `data` holds one item: the item is built and handed
    /// over only once the whole frame has been read. False (or a throw) leaves the frame to ``decode(_:)``.
    private mutating func deliverSingleItemPush(_ bytes: UnsafeBufferPointer<UInt8>,
                                                to receiver: some MarketEventReceiver) throws(OKXDecodeError) -> Bool {
        var push = try usualPush(bytes)
        try push.data.beginArray(field: "data")
        var isFirstElement = true
        guard try push.data.nextElement(isFirst: &isFirstElement) else { return false }
        switch push.kind {
        case .trades:
            let trade = try Self.trade(&push.data, instrument: push.instrument)
            guard try Self.endsAfterOneItem(&push.data) else { return false }
            receiver.receive(trade: trade)
        case .tickers:
            let ticker = try Self.ticker(&push.data, instrument: push.instrument)
            guard try Self.endsAfterOneItem(&push.data) else { return false }
            receiver.receive(ticker: ticker)
        case .book(let channel):
            let update = try Self.book(&push.data, instrument: push.instrument, channel: channel, action: push.action)
            guard try Self.endsAfterOneItem(&push.data) else { return false }
            receiver.receive(book: update)
        case .candle(let interval):
            let candle = try Self.candle(&push.data, instrument: push.instrument.id, interval: interval)
            guard try Self.endsAfterOneItem(&push.data) else { return false }
            receiver.receive(candle: candle)
        case .unsupported:
            return false
        }
        return true
    }

    private static func endsAfterOneItem(_ data: inout JSONScanner) throws(OKXDecodeError) -> Bool {
        var isFirstElement = false
        guard try !data.nextElement(isFirst: &isFirstElement) else { return false }
        try expectPushEnd(&data)
        return true
    }

    // MARK: Pushes

    private mutating func push(bytes: UnsafeBufferPointer<UInt8>, argStart: Int, dataStart: Int,
                               action: JSONBytes?) throws(OKXDecodeError) -> OKXMessage {
        var arg = JSONScanner(bytes, at: argStart)
        try arg.beginObject(field: "arg")
        var channelName: JSONBytes?
        var instIdText: JSONBytes?
        var isFirst = true
        while let key = try arg.nextKey(isFirst: &isFirst) {
            if key.equals("channel") {
                channelName = try arg.readString(field: "arg.channel")
            } else if key.equals("instId") {
                instIdText = try arg.readString(field: "arg.instId")
            } else {
                try arg.skipValue(depth: 2)
            }
        }
        guard let channelName else { throw .missingField(field: "arg.channel", context: "push message") }
        guard let kind = OKXChannelKind.classify(channelName) else { throw .unknownChannel(channelName.text) }
        if kind == .unsupported { return .unsupportedChannel(channel: channelName.text, instId: instIdText?.text) }
        guard let instIdText else { throw .missingField(field: "arg.instId", context: "\(channelName.text) push") }
        let instrument = try instruments.instrument(instIdText, field: "arg.instId")
        var data = JSONScanner(bytes, at: dataStart)
        return try Self.data(&data, kind: kind, channelName: channelName, instrument: instrument, action: action)
    }

    /// The `data` array of a push on a market-data channel, the scanner standing at it.
    ///
    /// One item (the common case) becomes `.market` directly, several `.marketBatch` in the order sent.
    @inline(__always)
    private static func data(_ data: inout JSONScanner, kind: OKXChannelKind, channelName: JSONBytes,
                             instrument: ResolvedInstrument, action: JSONBytes?) throws(OKXDecodeError) -> OKXMessage {
        try data.beginArray(field: "data")
        var isFirstElement = true
        guard try data.nextElement(isFirst: &isFirstElement) else {
            throw .missingField(field: "data[0]", context: "\(channelName.text) push (empty data array)")
        }
        // One specialised branch per kind, so the single item is built where it is returned.
        switch kind {
        case .trades:
            let trade = try Self.trade(&data, instrument: instrument)
            if try !data.nextElement(isFirst: &isFirstElement) { return .market(.trade(trade)) }
            return try batch(&data, first: .trade(trade), kind: kind, channelName: channelName, instrument: instrument, action: action)
        case .tickers:
            let ticker = try Self.ticker(&data, instrument: instrument)
            if try !data.nextElement(isFirst: &isFirstElement) { return .market(.ticker(ticker)) }
            return try batch(&data, first: .ticker(ticker), kind: kind, channelName: channelName, instrument: instrument, action: action)
        default:
            let first = try Self.element(&data, kind: kind, channelName: channelName, instrument: instrument, action: action)
            if try !data.nextElement(isFirst: &isFirstElement) { return .market(first) }
            return try batch(&data, first: first, kind: kind, channelName: channelName, instrument: instrument, action: action)
        }
    }

    /// The rest of a `data` array with more than one item (its second item's comma consumed).
    private static func batch(_ data: inout JSONScanner, first: MarketEvent, kind: OKXChannelKind, channelName: JSONBytes,
                              instrument: ResolvedInstrument, action: JSONBytes?) throws(OKXDecodeError) -> OKXMessage {
        var events = [first]
        var isFirstElement = false
        repeat {
            events.append(try Self.element(&data, kind: kind, channelName: channelName, instrument: instrument, action: action))
        } while try data.nextElement(isFirst: &isFirstElement)
        return .marketBatch(events)
    }

    @inline(__always)
    private static func element(_ data: inout JSONScanner, kind: OKXChannelKind, channelName: JSONBytes,
                                instrument: ResolvedInstrument, action: JSONBytes?) throws(OKXDecodeError) -> MarketEvent {
        switch kind {
        case .trades: .trade(try Self.trade(&data, instrument: instrument))
        case .tickers: .ticker(try Self.ticker(&data, instrument: instrument))
        case .candle(let interval): .candle(try Self.candle(&data, instrument: instrument.id, interval: interval))
        case .book(let channel): .book(try Self.book(&data, instrument: instrument, channel: channel, action: action))
        case .unsupported: throw .unknownChannel(channelName.text)  // handled by the callers
        }
    }

    @inline(__always)
    private static func checkInstrument(_ text: JSONBytes, _ instrument: ResolvedInstrument) throws(OKXDecodeError) {
        guard instrument.isNamed(by: text) else { throw instrumentMismatch(text, instrument.id) }
    }

    @inline(never)
    private static func instrumentMismatch(_ text: JSONBytes, _ instrument: InstrumentId) -> OKXDecodeError {
        .invalidValue(field: "data.instId", value: text.text, reason: "differs from arg.instId '\(instrument.symbol)'")
    }

    private static func trade(_ scanner: inout JSONScanner, instrument: ResolvedInstrument) throws(OKXDecodeError) -> TradeTick {
        try scanner.beginObject(field: "data[]")
        var tradeId: JSONBytes?
        var price: Price?
        var size: Quantity?
        var side: Side?
        var timestamp: Timestamp?
        var count: Int?
        var isFirst = true
        // By key length first, as for tickers.
        while let key = try scanner.nextKey(isFirst: &isFirst) {
            switch key.count {
            case 2 where key.equals("px"):
                price = try FieldParsing.price(try scanner.readString(field: "px"), field: "px")
            case 2 where key.equals("sz"):
                size = try FieldParsing.quantity(try scanner.readString(field: "sz"), field: "sz")
            case 2 where key.equals("ts"):
                timestamp = try FieldParsing.milliseconds(try scanner.readString(field: "ts"), field: "ts")
            case 4 where key.equals("side"):
                side = try FieldParsing.side(try scanner.readString(field: "side"), field: "side")
            case 5 where key.equals("count"):
                count = Int(try FieldParsing.unsignedInteger(try scanner.readString(field: "count"), field: "count", maximum: Int64(Int32.max)))
            case 6 where key.equals("instId"):
                try checkInstrument(try scanner.readString(field: "instId"), instrument)
            case 7 where key.equals("tradeId"):
                tradeId = try scanner.readString(field: "tradeId")
            default:
                try scanner.skipValue(depth: 3)
            }
        }
        guard let tradeId else { throw .missingField(field: "tradeId", context: "trades data") }
        guard !tradeId.isEmpty, !tradeId.hasEscapes else {
            throw .invalidValue(field: "tradeId", value: tradeId.text, reason: "a trade id is non-empty plain text")
        }
        guard let price else { throw .missingField(field: "px", context: "trades data") }
        guard let size else { throw .missingField(field: "sz", context: "trades data") }
        guard let side else { throw .missingField(field: "side", context: "trades data") }
        guard let timestamp else { throw .missingField(field: "ts", context: "trades data") }
        return TradeTick(instrument: instrument.id, tradeId: TradeId(String(decoding: tradeId.bytes, as: UTF8.self)), price: price,
                         quantity: size, side: side, timestamp: timestamp, aggregatedCount: count)
    }

    private static func ticker(_ scanner: inout JSONScanner, instrument: ResolvedInstrument) throws(OKXDecodeError) -> Ticker {
        try scanner.beginObject(field: "data[]")
        var last: Price?, lastSize: Quantity?, open: Price?, high: Price?, low: Price?
        var bidPrice: Price?, bidSize: Quantity?, askPrice: Price?, askSize: Quantity?
        var volume: Quantity?, volumeCurrency: Quantity?, timestamp: Timestamp?
        var seen: UInt16 = 0
        var isFirst = true
        // By key length first: a ticker has sixteen keys, so most are told apart by one comparison.
        while let key = try scanner.nextKey(isFirst: &isFirst) {
            switch key.count {
            case 2 where key.equals("ts"):
                timestamp = try FieldParsing.milliseconds(try scanner.readString(field: "ts"), field: "ts")
            case 4 where key.equals("last"):
                last = try FieldParsing.price(try scanner.readString(field: "last"), field: "last")
            case 5 where key.equals("askPx"):
                askPrice = try FieldParsing.optionalPrice(try scanner.readString(field: "askPx"), field: "askPx"); seen |= 1
            case 5 where key.equals("askSz"):
                askSize = try FieldParsing.optionalQuantity(try scanner.readString(field: "askSz"), field: "askSz"); seen |= 2
            case 5 where key.equals("bidPx"):
                bidPrice = try FieldParsing.optionalPrice(try scanner.readString(field: "bidPx"), field: "bidPx"); seen |= 4
            case 5 where key.equals("bidSz"):
                bidSize = try FieldParsing.optionalQuantity(try scanner.readString(field: "bidSz"), field: "bidSz"); seen |= 8
            case 6 where key.equals("instId"):
                try checkInstrument(try scanner.readString(field: "instId"), instrument)
            case 6 where key.equals("lastSz"):
                lastSize = try FieldParsing.quantity(try scanner.readString(field: "lastSz"), field: "lastSz")
            case 6 where key.equals("low24h"):
                low = try FieldParsing.price(try scanner.readString(field: "low24h"), field: "low24h")
            case 6 where key.equals("vol24h"):
                volume = try FieldParsing.quantity(try scanner.readString(field: "vol24h"), field: "vol24h")
            case 7 where key.equals("open24h"):
                open = try FieldParsing.price(try scanner.readString(field: "open24h"), field: "open24h")
            case 7 where key.equals("high24h"):
                high = try FieldParsing.price(try scanner.readString(field: "high24h"), field: "high24h")
            case 9 where key.equals("volCcy24h"):
                volumeCurrency = try FieldParsing.quantity(try scanner.readString(field: "volCcy24h"), field: "volCcy24h")
            default:
                try scanner.skipValue(depth: 3)
            }
        }
        guard let last else { throw .missingField(field: "last", context: "tickers data") }
        guard let lastSize else { throw .missingField(field: "lastSz", context: "tickers data") }
        guard seen & 1 != 0 else { throw .missingField(field: "askPx", context: "tickers data") }
        guard seen & 2 != 0 else { throw .missingField(field: "askSz", context: "tickers data") }
        guard seen & 4 != 0 else { throw .missingField(field: "bidPx", context: "tickers data") }
        guard seen & 8 != 0 else { throw .missingField(field: "bidSz", context: "tickers data") }
        guard let open else { throw .missingField(field: "open24h", context: "tickers data") }
        guard let high else { throw .missingField(field: "high24h", context: "tickers data") }
        guard let low else { throw .missingField(field: "low24h", context: "tickers data") }
        guard let volume else { throw .missingField(field: "vol24h", context: "tickers data") }
        guard let volumeCurrency else { throw .missingField(field: "volCcy24h", context: "tickers data") }
        guard let timestamp else { throw .missingField(field: "ts", context: "tickers data") }
        return Ticker(instrument: instrument.id, last: last, lastSize: lastSize, bidPrice: bidPrice, bidSize: bidSize,
                      askPrice: askPrice, askSize: askSize, open24h: open, high24h: high, low24h: low,
                      volume24h: volume, volumeCurrency24h: volumeCurrency, timestamp: timestamp)
    }

    /// A candle row: `[ts, o, h, l, c, vol, volCcy]` (before 2023) or `[..., volCcyQuote, confirm]`.
    private static func candle(_ scanner: inout JSONScanner, instrument: InstrumentId,
                               interval: CandleInterval) throws(OKXDecodeError) -> Candle {
        try scanner.beginArray(field: "data[]")
        var fields: (JSONBytes?, JSONBytes?, JSONBytes?, JSONBytes?, JSONBytes?, JSONBytes?, JSONBytes?, JSONBytes?, JSONBytes?)
        var count = 0
        var isFirst = true
        while try scanner.nextElement(isFirst: &isFirst) {
            let field = try scanner.readString(field: "candle field")
            switch count {
            case 0: fields.0 = field
            case 1: fields.1 = field
            case 2: fields.2 = field
            case 3: fields.3 = field
            case 4: fields.4 = field
            case 5: fields.5 = field
            case 6: fields.6 = field
            case 7: fields.7 = field
            case 8: fields.8 = field
            default: throw .invalidValue(field: "data[]", value: "\(count + 1) fields", reason: "a candle row has 7 or 9 fields")
            }
            count += 1
        }
        guard count == 7 || count == 9,
              let ts = fields.0, let open = fields.1, let high = fields.2, let low = fields.3, let close = fields.4,
              let volume = fields.5, let volumeCurrency = fields.6 else {
            throw .invalidValue(field: "data[]", value: "\(count) fields", reason: "a candle row has 7 or 9 fields")
        }
        var confirmed: Bool?
        var volumeQuote: Quantity?
        if count == 9, let quote = fields.7, let confirm = fields.8 {
            volumeQuote = try FieldParsing.quantity(quote, field: "volCcyQuote")
            if confirm.equals("1") {
                confirmed = true
            } else if confirm.equals("0") {
                confirmed = false
            } else {
                throw .invalidValue(field: "confirm", value: confirm.text, reason: "expected \"0\" or \"1\"")
            }
        }
        let candle = Candle(
            instrument: instrument, interval: interval, openTime: try FieldParsing.milliseconds(ts, field: "ts"),
            open: try FieldParsing.price(open, field: "o"), high: try FieldParsing.price(high, field: "h"),
            low: try FieldParsing.price(low, field: "l"), close: try FieldParsing.price(close, field: "c"),
            volume: try FieldParsing.quantity(volume, field: "vol"),
            volumeCurrency: try FieldParsing.quantity(volumeCurrency, field: "volCcy"),
            volumeQuote: volumeQuote, isConfirmed: confirmed)
        guard candle.low <= candle.high, candle.low <= candle.open, candle.open <= candle.high,
              candle.low <= candle.close, candle.close <= candle.high else {
            throw .invalidValue(field: "data[]", value: "o=\(candle.open) h=\(candle.high) l=\(candle.low) c=\(candle.close)",
                                reason: "open and close must lie within low...high")
        }
        return candle
    }

    private static func book(_ scanner: inout JSONScanner, instrument: ResolvedInstrument, channel: BookChannel,
                             action actionText: JSONBytes?) throws(OKXDecodeError) -> BookUpdate {
        let action: BookUpdate.Action
        if channel.isFullSnapshotEachPush {
            action = .snapshot
        } else if let actionText {
            if actionText.equals("snapshot") {
                action = .snapshot
            } else if actionText.equals("update") {
                action = .update
            } else {
                throw .invalidValue(field: "action", value: actionText.text, reason: "expected \"snapshot\" or \"update\"")
            }
        } else {
            throw .missingField(field: "action", context: "\(channel.rawValue) push")
        }
        try scanner.beginObject(field: "data[]")
        var bids: [BookLevel]?
        var asks: [BookLevel]?
        var timestamp: Timestamp?
        var checksum: Int32?
        var seqId: Int64?
        var prevSeqId: Int64?
        var isFirst = true
        while let key = try scanner.nextKey(isFirst: &isFirst) {
            if key.equals("asks") {
                asks = try levels(&scanner, field: "asks")
            } else if key.equals("bids") {
                bids = try levels(&scanner, field: "bids")
            } else if key.equals("ts") {
                timestamp = try FieldParsing.milliseconds(try scanner.readString(field: "ts"), field: "ts")
            } else if key.equals("checksum") {
                let value = try FieldParsing.signedInteger(try scanner.readNumberToken(field: "checksum"), field: "checksum")
                guard let narrow = Int32(exactly: value) else {
                    throw .invalidValue(field: "checksum", value: String(value), reason: "outside the signed 32-bit range of a CRC32")
                }
                checksum = narrow
            } else if key.equals("seqId") {
                seqId = try FieldParsing.signedInteger(try scanner.readNumberToken(field: "seqId"), field: "seqId")
            } else if key.equals("prevSeqId") {
                prevSeqId = try FieldParsing.signedInteger(try scanner.readNumberToken(field: "prevSeqId"), field: "prevSeqId")
            } else if key.equals("instId") {
                try checkInstrument(try scanner.readString(field: "instId"), instrument)
            } else {
                try scanner.skipValue(depth: 3)
            }
        }
        guard let bids else { throw .missingField(field: "bids", context: "\(channel.rawValue) data") }
        guard let asks else { throw .missingField(field: "asks", context: "\(channel.rawValue) data") }
        guard let timestamp else { throw .missingField(field: "ts", context: "\(channel.rawValue) data") }
        return BookUpdate(instrument: instrument.id, channel: channel, action: action, bids: bids, asks: asks,
                          timestamp: timestamp, checksum: checksum, seqId: seqId, prevSeqId: prevSeqId)
    }

    /// `[["price","size","0","orders"], ...]`
    private static func levels(_ scanner: inout JSONScanner, field: StaticString) throws(OKXDecodeError) -> [BookLevel] {
        try scanner.beginArray(field: field)
        var levels: [BookLevel] = []
        var isFirst = true
        while try scanner.nextElement(isFirst: &isFirst) {
            try scanner.beginArray(field: field)
            var price: Price?
            var size: Quantity?
            var orders: Int?
            var count = 0
            var isFirstField = true
            while try scanner.nextElement(isFirst: &isFirstField) {
                let text = try scanner.readString(field: field)
                switch count {
                case 0: price = try FieldParsing.price(text, field: field)
                case 1: size = try FieldParsing.quantity(text, field: field)
                case 2: break  // deprecated liquidated-orders count, always "0"
                case 3: orders = Int(try FieldParsing.unsignedInteger(text, field: field, maximum: Int64(Int32.max)))
                default: throw .invalidValue(field: "\(field)", value: "\(count + 1) fields", reason: "a book level has 4 fields")
                }
                count += 1
            }
            guard let price, let size, let orders, count == 4 else {
                throw .invalidValue(field: "\(field)", value: "\(count) fields", reason: "a book level has 4 fields")
            }
            // One allocation for the up to 5 levels of books5 and most updates (growing from 1 would take 4).
            if levels.isEmpty { levels.reserveCapacity(8) }
            levels.append(BookLevel(price: price, size: size, orderCount: orders))
        }
        return levels
    }

    // MARK: Control messages

    private static func isPong(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.count == 4 && bytes[0] == UInt8(ascii: "p") && bytes[1] == UInt8(ascii: "o")
            && bytes[2] == UInt8(ascii: "n") && bytes[3] == UInt8(ascii: "g")
    }

    /// OKX sends `code` as a string; some gateways send it as a number. Either reads as its text.
    private static func readCode(_ scanner: inout JSONScanner) throws(OKXDecodeError) -> JSONBytes {
        if try scanner.peek() == UInt8(ascii: "\"") { return try scanner.readString(field: "code") }
        return try scanner.readNumberToken(field: "code")
    }

    private static func control(event: JSONBytes, bytes: UnsafeBufferPointer<UInt8>, argStart: Int?, code: JSONBytes?,
                                message: JSONBytes?, connectionId: JSONBytes?, channel: JSONBytes?,
                                connectionCount: JSONBytes?) throws(OKXDecodeError) -> OKXControlMessage {
        let connection = connectionId?.text
        if event.equals("subscribe") || event.equals("unsubscribe") {
            guard let argStart else { throw .missingField(field: "arg", context: "\(event.text) acknowledgement") }
            let subscription = try Self.subscription(bytes: bytes, at: argStart)
            return event.equals("subscribe") ? .subscribed(subscription, connectionId: connection)
                : .unsubscribed(subscription, connectionId: connection)
        }
        if event.equals("error") || event.equals("notice") {
            guard let code else { throw .missingField(field: "code", context: "\(event.text) event") }
            let text = message?.text ?? ""
            return event.equals("error") ? .error(code: code.text, message: text, connectionId: connection)
                : .notice(code: code.text, message: text, connectionId: connection)
        }
        if event.equals("channel-conn-count") {
            guard let channel else { throw .missingField(field: "channel", context: "channel-conn-count event") }
            guard let connectionCount else { throw .missingField(field: "connCount", context: "channel-conn-count event") }
            let count = try FieldParsing.unsignedInteger(connectionCount, field: "connCount", maximum: Int64(Int32.max))
            return .channelConnectionCount(channel: channel.text, count: Int(count), connectionId: connection)
        }
        if event.equals("channel-conn-count-error") {
            return .channelConnectionCountError(channel: channel?.text ?? "", code: code?.text ?? "",
                                                message: message?.text ?? "", connectionId: connection)
        }
        if event.equals("login") {
            return .login(code: code?.text ?? "0", connectionId: connection)
        }
        throw .unknownEvent(event.text)
    }

    private static func subscription(bytes: UnsafeBufferPointer<UInt8>, at start: Int) throws(OKXDecodeError) -> OKXSubscription {
        var scanner = JSONScanner(bytes, at: start)
        try scanner.beginObject(field: "arg")
        var channel: String?
        var subscription = OKXSubscription(channel: "")
        var isFirst = true
        while let key = try scanner.nextKey(isFirst: &isFirst) {
            if key.equals("channel") {
                channel = try scanner.readString(field: "arg.channel").text
            } else if key.equals("instId") {
                subscription.instId = try scanner.readString(field: "arg.instId").text
            } else if key.equals("instType") {
                subscription.instType = try scanner.readString(field: "arg.instType").text
            } else if key.equals("instFamily") {
                subscription.instFamily = try scanner.readString(field: "arg.instFamily").text
            } else {
                try scanner.skipValue(depth: 2)
            }
        }
        guard let channel else { throw .missingField(field: "arg.channel", context: "acknowledgement") }
        subscription.channel = channel
        return subscription
    }
}
