import Foundation
import Hummingbird
import RuntimeHost
import ServiceLifecycle
import Storage

/// Live updates: `/events/overview` is a Server-Sent Events stream that reads the overview once
/// a second on the server and pushes its live part when what it shows changed (the time it was
/// read aside). A stream ends after ten
/// minutes (the browser's EventSource reconnects by itself), when the session ends or the
/// database refuses the user, when the client goes, or when the server shuts down.
extension Console {
    static let streamLifetime: Int64 = 600
    static let reauthorizeEvery = 10

    func addLiveRoutes(to router: Router<ConsoleRequestContext>) {
        router.get("/events/overview") { request, context in
            guard case .visitor(let first) = try await caller(request, context) else {
                return text(.unauthorized, "log in first")
            }
            let console = self
            let headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-store"]
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                try await console.stream(to: &writer, visitor: first, request: request, context: context)
            })
        }
    }

    func stream(to writer: inout any ResponseBodyWriter, visitor first: Visitor, request: Request,
                context: ConsoleRequestContext) async throws {
        var visitor = first
        var last = ""
        var tick = 0
        let end = now + Self.streamLifetime
        try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
        while !Task.isCancelled, !Task.isShuttingDownGracefully, now < end {
            if tick > 0, tick % Self.reauthorizeEvery == 0 {
                guard case .visitor(let current) = try await caller(request, context) else { break }
                visitor = current
            }
            let report = try await StatusReader(client, target: configuration.databaseName).read()
            var page = OverviewPage(report: report, csrf: visitor.csrf)
            // The report's own time changes every second: only a change in what it reports is pushed.
            let generatedAt = page.generatedAt
            page.generatedAt = ""
            let content = templates.render("live", page)
            if content != last {
                page.generatedAt = generatedAt
                try await writer.write(ByteBuffer(string: Self.event("live", templates.render("live", page))))
                last = content
            } else if tick % 15 == 0 {
                try await writer.write(ByteBuffer(string: ": still here\n\n"))
            }
            tick += 1
            try await Task.sleep(for: .seconds(1))
        }
        try await writer.finish(nil)
    }

    /// One SSE event: every line of `data` as its own `data:` line.
    static func event(_ name: String, _ data: String) -> String {
        "event: \(name)\n" + data.split(separator: "\n", omittingEmptySubsequences: false).map { "data: \($0)\n" }.joined() + "\n"
    }
}
