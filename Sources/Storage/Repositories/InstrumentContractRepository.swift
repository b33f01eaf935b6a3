import PostgresNIO
import TradingCore

/// Reads and writes `instrument_contracts`: what one contract of each swap or future is worth in
/// its base currency, so the database's rollups and views value contract volume in the quote
/// currency as the engine does. The runtime writes it from config/instruments.yaml.
public struct InstrumentContractRepository: Sendable {
    let session: any DatabaseSession

    public init(_ session: any DatabaseSession) { self.session = session }

    /// Records the contract value of every instrument that has one (spot instruments have none
    /// and count 1).
    public func record(_ instruments: [Instrument]) async throws(StorageError) {
        for instrument in instruments {
            guard let value = instrument.contractValue?.value, value.isPositive else { continue }
            try await session.execute("record contract value of \(instrument.id.symbol)", """
                INSERT INTO instrument_contracts (symbol, contract_value) VALUES (\(instrument.id.symbol), \(value.description)::numeric)
                ON CONFLICT (symbol) DO UPDATE SET contract_value = EXCLUDED.contract_value, updated_at = now()
                WHERE instrument_contracts.contract_value <> EXCLUDED.contract_value
                """)
        }
    }
}
