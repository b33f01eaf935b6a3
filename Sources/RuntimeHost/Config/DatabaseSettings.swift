import Foundation
import Storage

/// The `database:` section of config/runtime.yaml: where the database is, the flavor of a first
/// migration, how often a host maintains storage and how the writers queue. Unknown keys and bad
/// values are refused naming the field.
public struct DatabaseSettings: Sendable {
    /// A PostgreSQL URL; nil: the embedded cluster (DATABASE_URL overrides either).
    public var url: String?
    /// The flavor a database migrated for the first time gets.
    public var flavor: Migrator.FlavorChoice = .automatic
    /// How often a running host maintains storage; nil (0 in the file): no host does, run
    /// `runtime db maintain` from cron instead.
    public var maintenanceInterval: Duration? = .seconds(60)
    /// The market-data writer's queue bound and rows per transaction.
    public var marketDataWriter = MarketDataWriter.Configuration()
    /// The trading-record writer's queue bound (submitters wait beyond it; nothing is dropped).
    public var tradingRecordQueueCapacity = 50_000

    public init() {}

    /// The section of the file at `path`; every default when the file does not exist (a command
    /// run outside a project folder), an error naming the field when it is wrong.
    public static func load(path: String = ProjectPaths.runtimeConfiguration.path) throws(ConfigurationError) -> DatabaseSettings {
        guard FileManager.default.fileExists(atPath: path) else { return DatabaseSettings() }
        return try RuntimeConfiguration(contentsOf: path).section("database", as: Section.self).settings(path: path)
    }

    /// The section as written in YAML.
    struct Section: Decodable {
        var url: String?
        var flavor: String?
        var maintenanceIntervalSeconds: Int?
        var marketDataWriter: MarketWriter?
        var tradingRecordWriter: TradingWriter?

        struct MarketWriter: Decodable {
            var queueCapacity: Int?
            var batchSize: Int?
            enum CodingKeys: String, CodingKey, CaseIterable { case queueCapacity = "queue_capacity", batchSize = "batch_size" }
            init(from decoder: any Decoder) throws {
                let container = try decoder.knownKeys(CodingKeys.self)
                queueCapacity = try container.decodeIfPresent(Int.self, forKey: .queueCapacity)
                batchSize = try container.decodeIfPresent(Int.self, forKey: .batchSize)
            }
        }

        struct TradingWriter: Decodable {
            var queueCapacity: Int?
            enum CodingKeys: String, CodingKey, CaseIterable { case queueCapacity = "queue_capacity" }
            init(from decoder: any Decoder) throws {
                queueCapacity = try decoder.knownKeys(CodingKeys.self).decodeIfPresent(Int.self, forKey: .queueCapacity)
            }
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case url, flavor, maintenanceIntervalSeconds = "maintenance_interval_seconds"
            case marketDataWriter = "market_data_writer", tradingRecordWriter = "trading_record_writer"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.knownKeys(CodingKeys.self)
            url = try container.decodeIfPresent(String.self, forKey: .url)
            flavor = try container.decodeIfPresent(String.self, forKey: .flavor)
            maintenanceIntervalSeconds = try container.decodeIfPresent(Int.self, forKey: .maintenanceIntervalSeconds)
            marketDataWriter = try container.decodeIfPresent(MarketWriter.self, forKey: .marketDataWriter)
            tradingRecordWriter = try container.decodeIfPresent(TradingWriter.self, forKey: .tradingRecordWriter)
        }

        func settings(path: String) throws(ConfigurationError) -> DatabaseSettings {
            func invalid(_ field: String, _ reason: String) -> ConfigurationError {
                .invalidField(path: path, field: "database.\(field)", reason: reason)
            }
            var settings = DatabaseSettings()
            settings.url = url.flatMap { $0.isEmpty ? nil : $0 }
            switch flavor ?? "auto" {
            case "auto": settings.flavor = .automatic
            case let name:
                guard let named = SchemaFlavor(rawValue: name) else {
                    throw invalid("flavor", "must be auto, postgres or timescaledb, not '\(name)'")
                }
                settings.flavor = .required(named)
            }
            let interval = maintenanceIntervalSeconds ?? 60
            guard interval >= 0 else { throw invalid("maintenance_interval_seconds", "must be 0 (off) or a number of seconds") }
            settings.maintenanceInterval = interval > 0 ? .seconds(interval) : nil
            if let capacity = marketDataWriter?.queueCapacity {
                guard capacity > 0 else { throw invalid("market_data_writer.queue_capacity", "must be greater than zero") }
                settings.marketDataWriter.capacity = capacity
            }
            if let batch = marketDataWriter?.batchSize {
                guard batch > 0 else { throw invalid("market_data_writer.batch_size", "must be greater than zero") }
                settings.marketDataWriter.batchSize = batch
            }
            if let capacity = tradingRecordWriter?.queueCapacity {
                guard capacity > 0 else { throw invalid("trading_record_writer.queue_capacity", "must be greater than zero") }
                settings.tradingRecordQueueCapacity = capacity
            }
            return settings
        }
    }
}
