/// A plain-text table for operators: left-aligned text, right-aligned numbers, one header row.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []

    init(_ headers: String...) { self.headers = headers }

    mutating func add(_ cells: String...) { rows.append(cells) }
    mutating func add(row cells: [String]) { rows.append(cells) }

    func render() -> String {
        guard !headers.isEmpty else { return "" }
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                guard index < widths.count else { return cell }
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                return Self.looksNumeric(cell) ? padding + cell : cell + padding
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        var output = [line(headers), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        output += rows.map(line)
        return output.joined(separator: "\n")
    }

    private static func looksNumeric(_ cell: String) -> Bool {
        guard let first = cell.first else { return false }
        return (first.isNumber || first == "-") && cell.allSatisfy { $0.isNumber || $0 == "." || $0 == "-" || $0 == "%" }
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
