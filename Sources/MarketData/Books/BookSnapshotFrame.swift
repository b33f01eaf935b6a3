import Foundation
import TradingCore

/// A book snapshot fetched over REST (`GET /api/v5/market/books`), written as the push frame OKX
/// used to send on subscribe: `{"arg":{...},"action":"snapshot","data":[{asks, bids, ts, seqId, prevSeqId -1}]}`.
/// The feed hands it to its decoder and recorder like any frame, so a recording replays the book
/// exactly as the live host built it.
public enum BookSnapshotFrame {
    /// Why a REST body is not a book snapshot.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The push frame for `channel`/`instId` made of a REST response body.
    /// - Throws: ``Failure`` naming what the body lacks (OKX's error code and message, when it sent one).
    public static func text(restBody body: [UInt8], channel: String, instId: String) throws(Failure) -> String {
        guard let envelope = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw Failure(description: "GET /api/v5/market/books \(instId): the answer is not a JSON object")
        }
        let code = (envelope["code"] as? String) ?? (envelope["code"] as? NSNumber)?.stringValue ?? ""
        guard code == "0" else {
            throw Failure(description: "GET /api/v5/market/books \(instId): OKX code \(code): \(envelope["msg"] as? String ?? "")")
        }
        guard let book = (envelope["data"] as? [[String: Any]])?.first, let asks = book["asks"] as? [[String]],
              let bids = book["bids"] as? [[String]], let ts = book["ts"] as? String else {
            throw Failure(description: "GET /api/v5/market/books \(instId): no book (asks, bids, ts) in the answer")
        }
        // Without a sequence id the snapshot cannot be placed in the stream (OKX sends one since 2026).
        guard let seqId = (book["seqId"] as? NSNumber)?.int64Value ?? (book["seqId"] as? String).flatMap({ Int64($0) }) else {
            throw Failure(description: "GET /api/v5/market/books \(instId): the book has no seqId to follow the stream from")
        }
        func levels(_ levels: [[String]]) -> String {
            "[" + levels.map { "[" + $0.map(JSONString.quoted).joined(separator: ",") + "]" }.joined(separator: ",") + "]"
        }
        return #"{"arg":{"channel":"# + JSONString.quoted(channel) + #","instId":"# + JSONString.quoted(instId)
            + #"},"action":"snapshot","data":[{"asks":"# + levels(asks) + #","bids":"# + levels(bids) + #","ts":"# + JSONString.quoted(ts)
            + #","checksum":0,"seqId":\#(seqId),"prevSeqId":-1}]}"#
    }
}
