import DataQuality
import Execution
import Foundation
import MarketData
import Portfolio
import Risk
import TradingCore

/// Everything the host reads from config/runtime.yaml, each section decoded by its module's
/// rules (unknown keys and bad values are refused naming the field).
public struct HostSettings: Sendable {
    public var quality: QualityConfiguration
    public var accountRisk: AccountRiskLimits
    public var paper: PaperSection
    public var feed: FeedConfiguration
    public var host: HostSection
    /// The `database:` section (maintenance interval, writer queues).
    public var database: DatabaseSettings

    /// Reads the file (config/runtime.yaml unless told otherwise).
    public static func load(path: String = ProjectPaths.runtimeConfiguration.path,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> HostSettings {
        let file = try RuntimeConfiguration(contentsOf: path)
        let feedSection = try file.section("feed", as: [String: String].self)
        let feed: FeedConfiguration
        do {
            feed = try FeedConfiguration(section: feedSection, environment: environment)
        } catch {
            throw ConfigurationError.invalidField(path: path, field: "feed", reason: "\(error)")
        }
        return HostSettings(quality: try file.section("quality"), accountRisk: try file.section("risk"),
                            paper: try file.section("paper"), feed: feed, host: try file.section("host"),
                            database: try file.section("database", as: DatabaseSettings.Section.self).settings(path: path))
    }

    /// The `paper:` section: the paper venue's fees and latency and the portfolio's margin settings.
    public struct PaperSection: Decodable, Sendable {
        public var latencyMilliseconds: Int64 = 0
        public var orderIdTag: String = ""
        public var fees = FeeSchedule()
        public var defaultLeverage = FixedPoint.one
        public var leverage: [InstrumentId: FixedPoint] = [:]
        public var maintenanceMarginRate = FixedPoint(units: 4, decimals: 3)
        public var maintenanceMarginRates: [InstrumentId: FixedPoint] = [:]
        public var equitySampleIntervalSeconds: Int64 = 60
        /// Ticks against a taker when an instrument has no book (trade and bar execution).
        public var slippageTicks = 1

        enum Key: String, CodingKey, CaseIterable {
            case latencyMs = "latency_ms", orderIdTag = "order_id_tag", fees, defaultLeverage = "default_leverage"
            case leverage, maintenanceMarginRate = "maintenance_margin_rate"
            case maintenanceMarginRates = "maintenance_margin_rates", equitySampleIntervalSeconds = "equity_sample_interval_s"
            case slippageTicks = "slippage_ticks"
        }

        public init() {}

        public init(from decoder: any Decoder) throws {
            _ = try decoder.knownKeys(Key.self)
            let container = try decoder.container(keyedBy: AnyKey.self)
            func decimal(_ key: Key) throws -> FixedPoint? {
                guard let text = try container.decodeIfPresent(String.self, forKey: AnyKey(key.rawValue)) else { return nil }
                do { return try FixedPoint(parsing: text) } catch {
                    throw DecodingError.dataCorruptedError(forKey: AnyKey(key.rawValue), in: container, debugDescription: "\(error)")
                }
            }
            func decimalMap(_ key: Key) throws -> [InstrumentId: FixedPoint] {
                let raw = try container.decodeIfPresent([String: String].self, forKey: AnyKey(key.rawValue)) ?? [:]
                var result: [InstrumentId: FixedPoint] = [:]
                for (symbol, text) in raw {
                    do { result[try InstrumentId(parsing: symbol)] = try FixedPoint(parsing: text) } catch {
                        throw DecodingError.dataCorruptedError(forKey: AnyKey(key.rawValue), in: container,
                                                               debugDescription: "\(symbol): \(error)")
                    }
                }
                return result
            }
            latencyMilliseconds = try container.decodeIfPresent(Int64.self, forKey: AnyKey(Key.latencyMs.rawValue)) ?? 0
            guard latencyMilliseconds >= 0 else {
                throw DecodingError.dataCorruptedError(forKey: AnyKey(Key.latencyMs.rawValue), in: container, debugDescription: "must not be negative")
            }
            orderIdTag = try container.decodeIfPresent(String.self, forKey: AnyKey(Key.orderIdTag.rawValue)) ?? ""
            if let fees = try container.decodeIfPresent([String: [String: String]].self, forKey: AnyKey(Key.fees.rawValue)) {
                func rates(_ kind: String, _ fallback: FeeRates) throws -> FeeRates {
                    guard let entry = fees[kind] else { return fallback }
                    do {
                        return FeeRates(maker: try FixedPoint(parsing: entry["maker"] ?? "\(fallback.maker)"),
                                        taker: try FixedPoint(parsing: entry["taker"] ?? "\(fallback.taker)"))
                    } catch {
                        throw DecodingError.dataCorruptedError(forKey: AnyKey(Key.fees.rawValue), in: container, debugDescription: "\(kind): \(error)")
                    }
                }
                self.fees = FeeSchedule(spot: try rates("spot", FeeSchedule.okxRegularSpot),
                                        swap: try rates("swap", FeeSchedule.okxRegularDerivatives),
                                        futures: try rates("futures", FeeSchedule.okxRegularDerivatives))
            }
            defaultLeverage = try decimal(.defaultLeverage) ?? .one
            leverage = try decimalMap(.leverage)
            maintenanceMarginRate = try decimal(.maintenanceMarginRate) ?? FixedPoint(units: 4, decimals: 3)
            maintenanceMarginRates = try decimalMap(.maintenanceMarginRates)
            equitySampleIntervalSeconds = try container.decodeIfPresent(Int64.self, forKey: AnyKey(Key.equitySampleIntervalSeconds.rawValue)) ?? 60
            slippageTicks = try container.decodeIfPresent(Int.self, forKey: AnyKey(Key.slippageTicks.rawValue)) ?? 1
            guard (0...1_000_000).contains(slippageTicks) else {
                throw DecodingError.dataCorruptedError(forKey: AnyKey(Key.slippageTicks.rawValue), in: container,
                                                       debugDescription: "must be between 0 and 1000000, got \(slippageTicks)")
            }
        }

        /// The paper venue's settings, with this run's order-id tag unless the file sets one.
        public func venue(runTag: String) -> PaperVenueConfiguration {
            PaperVenueConfiguration(fees: fees, latencyMilliseconds: latencyMilliseconds,
                                    orderIdSessionTag: orderIdTag.isEmpty ? runTag : orderIdTag, slippageTicks: slippageTicks)
        }

        public var portfolio: PortfolioConfiguration {
            PortfolioConfiguration(defaultLeverage: defaultLeverage, leverage: leverage,
                                   defaultMaintenanceMarginRate: maintenanceMarginRate,
                                   maintenanceMarginRate: maintenanceMarginRates)
        }
    }

    /// The `host:` section.
    public struct HostSection: Decodable, Sendable {
        /// How often the host writes its heartbeat and metrics.
        public var heartbeatSeconds: Int = 2
        /// How often the host polls for operator changes while its LISTEN connection is down, and
        /// retries that connection. While it is up, changes arrive by NOTIFY, and the host polls
        /// only every 5 s (or this interval if longer) for changes made without a NOTIFY.
        public var controlPollMilliseconds: Int = 500
        /// Positions revalued into the database and equity sampled this often (event time).
        public var markIntervalMilliseconds: Int64 = 1000
        /// A strategy callback longer than this is reported.
        public var callbackBudgetMilliseconds: Int = 1
        /// /metrics on 127.0.0.1:PORT when no console serves them (docs/metrics.md); 0 turns it off.
        public var metricsPort: Int = 9464
        /// Demo and live: how long a new order waits for the database to commit its row before it
        /// is withdrawn (rejected, never sent). The host's loop waits as long, so a database that
        /// stops answering cannot hold up market data and cancels for longer.
        public var orderRowTimeoutMilliseconds: Int = 2000

        enum CodingKeys: String, CodingKey, CaseIterable {
            case heartbeatSeconds = "heartbeat_seconds", controlPollMilliseconds = "control_poll_ms"
            case markIntervalMilliseconds = "mark_interval_ms", callbackBudgetMilliseconds = "callback_budget_ms"
            case metricsPort = "metrics_port", orderRowTimeoutMilliseconds = "order_row_timeout_ms"
        }

        public init() {}

        public init(from decoder: any Decoder) throws {
            let container = try decoder.knownKeys(CodingKeys.self)
            func positive<T: BinaryInteger & Decodable>(_ key: CodingKeys, _ fallback: T, allowZero: Bool = false) throws -> T {
                guard let value = try container.decodeIfPresent(T.self, forKey: key) else { return fallback }
                guard value > 0 || (allowZero && value == 0) else {
                    throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "must be greater than zero")
                }
                return value
            }
            heartbeatSeconds = try positive(.heartbeatSeconds, 2)
            controlPollMilliseconds = try positive(.controlPollMilliseconds, 500)
            markIntervalMilliseconds = try positive(.markIntervalMilliseconds, Int64(1000))
            callbackBudgetMilliseconds = try positive(.callbackBudgetMilliseconds, 1)
            metricsPort = try positive(.metricsPort, 9464, allowZero: true)
            orderRowTimeoutMilliseconds = try positive(.orderRowTimeoutMilliseconds, 2000)
            guard metricsPort <= 65_535 else {
                throw DecodingError.dataCorruptedError(forKey: .metricsPort, in: container, debugDescription: "not a TCP port")
            }
        }
    }
}
