import TradingCore

/// The recording format written by `runtime record` and read by replay: JSON Lines, one frame per line,
///
///     {"recv_ns":1716200000123456789,"endpoint":"public","frame":"{\"arg\":{...},\"data\":[...]}"}
///
/// `recv_ns` is the receive time in nanoseconds since the Unix epoch (UTC), `endpoint` is `public` or
/// `business`, `frame` is the WebSocket text frame exactly as received, as a JSON string. Every frame is
/// kept (data, acknowledgements, errors, `pong`), so a recording can be replayed through the same codec.
public enum FrameRecording {
    /// The line (without newline) for one received frame.
    public static func line(for frame: ReceivedFrame) -> String {
        var line = "{\"recv_ns\":" + String(frame.receivedAt.nanosecondsSinceEpoch)
        if let endpoint = frame.endpoint { line += ",\"endpoint\":\"" + endpoint.rawValue + "\"" }
        return line + ",\"frame\":" + JSONString.quoted(frame.text) + "}"
    }

    /// Reads one recording line; nil when the line is not in the recording format (e.g. a raw OKX frame).
    public static func parse(line: String) throws(RecordingError) -> ReceivedFrame? {
        var line = line
        let result: Result<ReceivedFrame?, RecordingError> = line.withUTF8 { bytes in
            do throws(RecordingError) { return .success(try parse(bytes)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    private static func isPong(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.split(whereSeparator: { $0 == 0x20 || (0x09...0x0D).contains($0) }).map(Array.init) == [Array("pong".utf8)]
    }

    /// Reads one recording line from its bytes; nil when it is not in the recording format.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(RecordingError) -> ReceivedFrame? {
        var scanner = JSONScanner(bytes)
        guard (try? scanner.peek()) == UInt8(ascii: "{") else {
            // OKX sends JSON objects and the text pong; anything else means the file is no recording.
            if isPong(bytes) { return nil }
            throw .malformedLine("neither a recording line nor an OKX message (a JSON object, or the text pong): is this file a recording?")
        }
        var receivedAt: Timestamp?
        var endpoint: OKXEndpointKind?
        var frame: String?
        do throws(OKXDecodeError) {
            try scanner.beginObject(field: "line")
            var isFirst = true
            while let key = try scanner.nextKey(isFirst: &isFirst) {
                if key.equals("recv_ns") {
                    receivedAt = Timestamp(nanosecondsSinceEpoch: try FieldParsing.signedInteger(try scanner.readNumberToken(field: "recv_ns"), field: "recv_ns"))
                } else if key.equals("endpoint") {
                    let text = try scanner.readString(field: "endpoint").text
                    endpoint = OKXEndpointKind(rawValue: text)
                    if endpoint == nil { throw OKXDecodeError.invalidValue(field: "endpoint", value: text, reason: "expected public or business") }
                } else if key.equals("frame") {
                    frame = try scanner.readString(field: "frame").text
                } else if key.equals("arg") || key.equals("event") || key.equals("data") {
                    return nil  // an OKX message, not a recording line
                } else {
                    try scanner.skipValue(depth: 1)
                }
            }
            try scanner.expectEnd()
        } catch {
            throw .malformedLine(error.description)
        }
        guard let receivedAt, let frame else {
            throw .malformedLine("a recording line needs recv_ns and frame")
        }
        return ReceivedFrame(text: frame, receivedAt: receivedAt, endpoint: endpoint)
    }
}

/// Why a recording could not be read.
public enum RecordingError: Error, Sendable, Hashable, CustomStringConvertible {
    case malformedLine(String)
    case unreadableFile(path: String, reason: String)
    case lineError(path: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .malformedLine(let reason): "malformed recording line: \(reason)"
        case .unreadableFile(let path, let reason): "cannot read \(path): \(reason)"
        case .lineError(let path, let line, let reason): "\(path):\(line): \(reason)"
        }
    }
}
