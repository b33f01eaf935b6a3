/// The reports' inline stylesheet: no external file, font or script, so a report is one file
/// that opens anywhere (offline, in a CI artifact); tables scroll sideways on a phone.
enum ReportStyle {
    static let css = """
        :root { color-scheme: light; }
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; padding: 16px; color: #1f2328; background: #f6f8fa; }
        main { max-width: 1100px; margin: 0 auto; }
        h1 { font-size: 1.5rem; margin: 0 0 4px; }
        h2 { font-size: 1.25rem; margin: 32px 0 8px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
        h3 { font-size: 1rem; margin: 16px 0 6px; color: #424a53; }
        .facts { color: #57606a; font-size: 0.9rem; margin: 0 0 12px; padding-left: 18px; }
        .card { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 12px; margin: 8px 0; }
        .stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 8px; }
        .stat { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 8px; }
        .stat .label { font-size: 0.75rem; color: #57606a; }
        .stat .value { font-size: 1.1rem; font-variant-numeric: tabular-nums; }
        .charts { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }
        .charts .equity { grid-column: 1 / -1; }
        @media (max-width: 720px) { .charts { grid-template-columns: 1fr; } }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; font-size: 0.85rem; font-variant-numeric: tabular-nums; width: 100%; background: #fff; }
        th, td { border: 1px solid #d0d7de; padding: 4px 6px; text-align: right; white-space: nowrap; }
        th:first-child, td:first-child { text-align: left; }
        th { background: #f6f8fa; }
        td.reason { white-space: normal; text-align: left; min-width: 16rem; }
        .neg { color: #cf222e; }
        .pos { color: #1a7f37; }
        .note { color: #57606a; font-size: 0.85rem; }
        """
}

/// The page around a report's body: head with the inline stylesheet, the title and the facts.
enum ReportPage {
    /// A whole page: `body` between the title with its facts and the closing tags.
    static func render(title: String, facts: [String], body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTMLText.escape(title))</title>
        <style>
        \(ReportStyle.css)
        </style>
        </head>
        <body>
        <main>
        <h1>\(HTMLText.escape(title))</h1>
        <ul class="facts">\(facts.map { "<li>\(HTMLText.escape($0))</li>" }.joined())</ul>
        \(body)</main>
        </body>
        </html>

        """
    }
}
