import Foundation
import TradingCore

extension OKXPrivateExchange {
    mutating func openSession(_ connection: Int) { sessions[connection] = Session() }

    mutating func closeSession(_ connection: Int) { sessions[connection] = nil }

    /// One text frame from a private WebSocket client: `ping`, `login`, `subscribe`.
    mutating func websocket(_ text: String, connection: Int, now: Timestamp) -> [OKXTestOutgoing] {
        func reply(_ text: String) -> [OKXTestOutgoing] { [OKXTestOutgoing(connection: connection, text: text)] }
        let tag = String(format: "%08x", 0x5EC0_0000 &+ connection)
        if text == "ping" { return reply("pong") }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], let op = object["op"] as? String,
              let arguments = object["args"] as? [[String: Any]] else {
            return reply(#"{"event":"error","code":"60012","msg":"Invalid request: \#(text.prefix(100).replacingOccurrences(of: "\"", with: "'"))","connId":"\#(tag)"}"#)
        }
        switch op {
        case "login":
            let argument = arguments.first ?? [:]
            guard let account = OKXSignatureCheck.login(apiKey: argument["apiKey"] as? String ?? "", passphrase: argument["passphrase"] as? String ?? "",
                                                        timestamp: argument["timestamp"] as? String ?? "", sign: argument["sign"] as? String ?? "",
                                                        accounts: script.accounts, now: now) else {
                return reply(#"{"event":"error","code":"60009","msg":"Login failed.","connId":"\#(tag)"}"#)
            }
            sessions[connection, default: Session()].account = account
            return reply(#"{"event":"login","code":"0","msg":"","connId":"\#(tag)"}"#)
        case "subscribe":
            guard sessions[connection]?.account != nil else {
                return reply(#"{"event":"error","code":"60011","msg":"Please log in","connId":"\#(tag)"}"#)
            }
            var out: [OKXTestOutgoing] = []
            for argument in arguments {
                guard let channel = argument["channel"] as? String, ["orders", "positions", "balance_and_position"].contains(channel) else {
                    out += reply(#"{"event":"error","code":"60018","msg":"Wrong URL or channel doesn't exist.","connId":"\#(tag)"}"#)
                    continue
                }
                sessions[connection, default: Session()].channels.insert(channel)
                let instType = argument["instType"] as? String
                let arg = OKXTestJSON.object([("channel", channel)] + (instType.map { [("instType", $0)] } ?? []))
                out += reply(#"{"event":"subscribe","arg":\#(arg),"connId":"\#(tag)"}"#)
                // positions and balance_and_position start with a snapshot; orders has none.
                let items = positionItems.map { OKXTestJSON.position($0.0, size: $0.1, at: now) }
                if channel == "positions" {
                    out += reply(OKXTestJSON.push(channel: "positions", instType: instType, eventType: "snapshot", data: items))
                } else if channel == "balance_and_position" {
                    out += reply(balanceAndPosition(eventType: "snapshot", positions: items, now: now))
                }
            }
            return out
        default:
            return reply(#"{"event":"error","code":"60012","msg":"Invalid request: op \#(op)","connId":"\#(tag)"}"#)
        }
    }
}
