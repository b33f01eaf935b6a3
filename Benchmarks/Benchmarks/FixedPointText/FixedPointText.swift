// FixedPoint/Price decimal text: parse and print, against Foundation's Decimal on the same
// strings. What the OKX codec does per field on the hot path, so allocations are reported too
// (the fixed-point parse must show none).
import Benchmark
import Foundation
import TradingCore

/// Prices and sizes shaped like OKX's (taken from the recorded frames in Tests/Fixtures/okx):
/// integers, short and long fractions, tiny and large values.
let samples: [String] = [
    "42219.9", "0.12060306", "0", "1000000", "30218.8", "5.123", "0.001", "29692.5", "0.10951348", "1",
    "779573", "2620.289", "0.00000001", "20713.4", "6.7561", "0.9981", "31527.1", "0.02522168", "123456.78901234",
    "0.000001",
]
let sampleBytes: [[UInt8]] = samples.map { Array($0.utf8) }
// The samples are constants that parse; a refusal would show as a 0 in the print benchmarks.
let fixedPoints: [FixedPoint] = samples.map { FixedPoint($0) ?? .zero }
let prices: [Price] = fixedPoints.map { Price($0) }
let decimals: [Decimal] = samples.map { Decimal(string: $0) ?? 0 }

nonisolated(unsafe) let configuration = Benchmark.Configuration(
    metrics: [.wallClock, .throughput, .mallocCountTotal, .cpuTotal],
    scalingFactor: .kilo,
    maxDuration: .seconds(3),
    maxIterations: 1_000_000
)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = configuration

    // --- parse: 20 strings per inner iteration ---------------------------------------------
    Benchmark("parse 20 strings: FixedPoint.parse(bytes)") { benchmark in
        for _ in benchmark.scaledIterations {
            for bytes in sampleBytes {
                bytes.withUnsafeBufferPointer { buffer in blackHole(FixedPoint.parse(buffer)) }
            }
        }
    }
    Benchmark("parse 20 strings: Price.parse(bytes)") { benchmark in
        for _ in benchmark.scaledIterations {
            for bytes in sampleBytes {
                bytes.withUnsafeBufferPointer { buffer in blackHole(Price.parse(buffer)) }
            }
        }
    }
    Benchmark("parse 20 strings: Price(parsing: String)") { benchmark in
        for _ in benchmark.scaledIterations {
            for text in samples { blackHole(try? Price(parsing: text)) }
        }
    }
    Benchmark("parse 20 strings: Foundation Decimal(string:)") { benchmark in
        for _ in benchmark.scaledIterations {
            for text in samples { blackHole(Decimal(string: text)) }
        }
    }

    // --- print: 20 values per inner iteration ----------------------------------------------
    Benchmark("print 20 values: FixedPoint.write(into:)") { benchmark in
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 48)
        defer { buffer.deallocate() }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for value in fixedPoints { blackHole(value.write(into: buffer)) }
        }
    }
    Benchmark("print 20 values: Price.description") { benchmark in
        for _ in benchmark.scaledIterations {
            for price in prices { blackHole(price.description) }
        }
    }
    Benchmark("print 20 values: Foundation Decimal.description") { benchmark in
        for _ in benchmark.scaledIterations {
            for decimal in decimals { blackHole(decimal.description) }
        }
    }
}
