import Foundation
import NIOCore

/// The server's shared, lock-protected bookkeeping: per-channel frame queues and cursors, the script's
/// remaining drop/silence points, and statistics.
struct OKXTestServerState {
    struct QueuedFrame {
        var globalIndex: Int
        var text: String
    }

    enum Decision {
        case send(String, then: Action)
        case nothingToSend
    }

    enum Action {
        case keepServing
        case drop
        case goSilent
    }

    var queues: [OKXTestChannel: [QueuedFrame]] = [:]
    var cursors: [OKXTestChannel: Int] = [:]
    var dropPoints: [Int]
    var silencePoints: [Int]
    let repeatOnResubscribe: Int
    var statistics = OKXTestServerStatistics()
    /// Live subscriptions per connection id.
    var subscriptionsByConnection: [Int: Set<OKXTestChannel>] = [:]
    var nextConnectionId = 1

    init(script: OKXTestScript) {
        for (index, text) in script.frames.enumerated() {
            guard let channel = Self.channel(ofFrame: text) else { continue }
            queues[channel, default: []].append(QueuedFrame(globalIndex: index, text: text))
        }
        dropPoints = script.dropConnectionAfter.sorted()
        silencePoints = script.goSilentAfter.sorted()
        repeatOnResubscribe = script.repeatOnResubscribe
        statistics.allFramesServed = queues.isEmpty
    }

    /// The `arg` channel of a push frame; nil for anything that is not a push.
    static func channel(ofFrame text: String) -> OKXTestChannel? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              object["data"] != nil, let arg = object["arg"] as? [String: Any],
              let channel = arg["channel"] as? String else { return nil }
        return OKXTestChannel(channel: channel, instId: arg["instId"] as? String ?? "")
    }

    mutating func openConnection() -> Int {
        defer { nextConnectionId += 1 }
        statistics.connectionsAccepted += 1
        subscriptionsByConnection[nextConnectionId] = []
        return nextConnectionId
    }

    mutating func closeConnection(_ id: Int) {
        subscriptionsByConnection[id] = nil
        refreshLiveSubscriptions()
    }

    mutating func subscribe(_ channel: OKXTestChannel, connection: Int) {
        statistics.subscriptionsAcknowledged += 1
        subscriptionsByConnection[connection, default: []].insert(channel)
        if let cursor = cursors[channel] {
            cursors[channel] = max(0, cursor - repeatOnResubscribe)
        }
        refreshLiveSubscriptions()
    }

    mutating func unsubscribe(_ channel: OKXTestChannel, connection: Int) {
        statistics.unsubscriptionsAcknowledged += 1
        subscriptionsByConnection[connection]?.remove(channel)
        refreshLiveSubscriptions()
    }

    private mutating func refreshLiveSubscriptions() {
        statistics.liveSubscriptions = subscriptionsByConnection.values.reduce(into: []) { $0.formUnion($1) }
    }

    /// The next frame for a connection: of its subscribed channels with frames left, the one whose next
    /// frame came first in the script.
    mutating func next(for connection: Int) -> Decision {
        guard let subscribed = subscriptionsByConnection[connection] else { return .nothingToSend }
        var best: (channel: OKXTestChannel, frame: QueuedFrame)?
        for channel in subscribed {
            guard let queue = queues[channel] else { continue }
            let cursor = cursors[channel] ?? 0
            guard cursor < queue.count else { continue }
            if let current = best, current.frame.globalIndex <= queue[cursor].globalIndex { continue }
            best = (channel, queue[cursor])
        }
        guard let best else { return .nothingToSend }
        cursors[best.channel] = (cursors[best.channel] ?? 0) + 1
        statistics.framesServed += 1
        statistics.allFramesServed = queues.allSatisfy { (cursors[$0.key] ?? 0) >= $0.value.count } || statistics.allFramesServed
        let served = statistics.framesServed
        if let point = dropPoints.first, served >= point {
            dropPoints.removeFirst()
            statistics.connectionsDropped += 1
            return .send(best.frame.text, then: .drop)
        }
        if let point = silencePoints.first, served >= point {
            silencePoints.removeFirst()
            statistics.silences += 1
            return .send(best.frame.text, then: .goSilent)
        }
        return .send(best.frame.text, then: .keepServing)
    }
}
