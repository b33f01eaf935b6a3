import PostgresNIO
import TradingCore

/// What one maintenance pass did.
public struct MaintenanceReport: Sendable, Hashable {
    /// The schema flavor maintained.
    public var flavor: SchemaFlavor
    /// Plain flavor: partitions created, drained, dropped.
    public var partitionActions: [StorageMaintenance.PartitionAction] = []
    /// TimescaleDB: the retention and compression jobs run (their ids and procedures).
    public var jobsRun: [String] = []
    /// TimescaleDB: jobs another role owns, left to the scheduler (which runs them as their owner).
    public var jobsLeftToScheduler: [String] = []
    /// Buckets refreshed per rollup.
    public var rollupsRefreshed: [String: Int64] = [:]
    /// Trade ids forgotten by market_trade_ids because their ticks are past retention.
    public var tradeIdsExpired: Int64 = 0
    /// TimescaleDB: rollup ranges other sessions queued, refreshed now.
    public var queuedRefreshes: Int = 0
}

extension StorageMaintenance {
    /// One maintenance pass as of `now` (the plain flavor only: TimescaleDB's policies run on the
    /// server's clock), the same work on both flavors:
    /// - plain PostgreSQL: partitions premade ahead, rows waiting in DEFAULT moved into their own
    ///   partitions (or deleted when past retention), expired partitions dropped, rollups refreshed
    ///   from their pending log;
    /// - TimescaleDB: the hypertables' retention and compression jobs run now (the scheduler runs
    ///   them too; running them here makes the pass deterministic), the continuous aggregates keep
    ///   themselves current through their policies, and strategy_performance_daily is refreshed;
    /// - both: trade ids whose ticks are past market_ticks' retention leave market_trade_ids.
    /// Data that arrives late for TimescaleDB's aggregates needs ``refreshAggregates(from:to:)``.
    public func maintain(now: Timestamp? = nil) async throws(StorageError) -> MaintenanceReport {
        let flavor = try await self.flavor() ?? .postgres
        var report = MaintenanceReport(flavor: flavor)
        switch flavor {
        case .postgres:
            report.partitionActions = try await maintainPartitions(now: now)
        case .timescaledb:
            // Only a job's owner may run it; other admins leave the owner's jobs to TimescaleDB's
            // scheduler, which runs them as the owner on their schedule anyway.
            let jobs = try await session.rows("list TimescaleDB jobs", """
                SELECT job_id, proc_name, pg_has_role(current_user, owner, 'USAGE') AS runnable FROM timescaledb_information.jobs
                WHERE proc_name IN ('policy_retention', 'policy_compression') ORDER BY job_id
                """)
            let t = "timescaledb_information.jobs"
            for row in jobs {
                let id = try row.value("job_id", as: Int32.self, table: t)
                let procedure = try row.value("proc_name", as: String.self, table: t)
                guard try row.value("runnable", as: Bool.self, table: t) else {
                    report.jobsLeftToScheduler.append("\(id) \(procedure)")
                    continue
                }
                _ = try await session.rows("run TimescaleDB job \(id) (\(procedure))", "CALL run_job(\(id))")
                report.jobsRun.append("\(id) \(procedure)")
            }
            if try await ownsContinuousAggregates() { report.queuedRefreshes = try await refreshQueuedAggregates() }
        }
        report.rollupsRefreshed = try await refreshRollups()
        report.tradeIdsExpired = try await expireTradeIds(now: now)
        return report
    }

    /// Deletes the (symbol, trade_id) claims of ticks older than market_ticks' retention: those
    /// ticks are gone (or going), and a re-delivery that old is refused as stale before storage.
    func expireTradeIds(now: Timestamp?) async throws(StorageError) -> Int64 {
        guard let keep = try await retention()["market_ticks"] else { return 0 }
        let keepMicros = keep.wholeNanoseconds / 1_000
        let cutoff = now.map { "TIMESTAMPTZ 'epoch' + \(SQLValues.micros($0) - keepMicros) * INTERVAL '1 microsecond'" }
            ?? "now() - \(keepMicros) * INTERVAL '1 microsecond'"
        let rows = try await session.rows("expire market_trade_ids", """
            WITH expired AS (DELETE FROM market_trade_ids WHERE "timestamp" < \(unescaped: cutoff) RETURNING 1)
            SELECT count(*) AS expired FROM expired
            """)
        var expired: Int64 = 0
        for row in rows { expired = try row.value("expired", as: Int64.self, table: "market_trade_ids") }
        return expired
    }

    /// Brings the market rollups up to date over [from, to] after data arrived late there (a
    /// backfill, a replay of last month), widened to whole UTC days so that every bucket it
    /// touches is refreshed. On TimescaleDB the continuous aggregates' policies only look back a
    /// few days, and data older than what they materialized is otherwise never rolled up; the
    /// plain flavor logs late rows as they are written, so its refresh covers them.
    ///
    /// Refreshing a continuous aggregate needs its owner (a procedure that commits cannot borrow
    /// the owner's rights through a function): from another session (a trader's replay on a
    /// shared server) the range is queued in rollup_refresh_requests for the owner's next
    /// ``maintain(now:)``, and this returns false.
    @discardableResult
    public func refreshAggregates(from: Timestamp, to: Timestamp) async throws(StorageError) -> Bool {
        let day: Int64 = 86_400_000_000_000
        let from = Timestamp(nanosecondsSinceEpoch: from.utcDayNumber * day)
        let to = Timestamp(nanosecondsSinceEpoch: (to.utcDayNumber + 1) * day)
        var refreshed = true
        if try await flavor() == .timescaledb {
            let range = """
                TIMESTAMPTZ 'epoch' + \(SQLValues.micros(from)) * INTERVAL '1 microsecond',
                TIMESTAMPTZ 'epoch' + \(SQLValues.micros(to)) * INTERVAL '1 microsecond'
                """
            if try await ownsContinuousAggregates() {
                try await refreshContinuousAggregates(range: range)
            } else {
                _ = try await session.rows("queue the rollup refresh", """
                    INSERT INTO rollup_refresh_requests (from_ts, to_ts) VALUES (\(unescaped: range))
                    """)
                refreshed = false
            }
        }
        try await refreshRollups()
        return refreshed
    }

    /// Whether this session may refresh the continuous aggregates (it is, or acts for, their owner).
    private func ownsContinuousAggregates() async throws(StorageError) -> Bool {
        let rows = try await session.rows("check the rollups' owner", """
            SELECT coalesce(bool_and(pg_has_role(current_user, c.relowner, 'USAGE')), false) AS owner
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relname IN ('market_ohlcv_5m', 'market_ohlcv_1h', 'market_ohlcv_1d')
            """)
        guard let row = rows.first else { return false }
        return try row.value("owner", as: Bool.self, table: "pg_class")
    }

    /// Refreshes the three continuous aggregates over `range` (two timestamptz SQL expressions).
    private func refreshContinuousAggregates(range: String) async throws(StorageError) {
        for view in ["market_ohlcv_5m", "market_ohlcv_1h", "market_ohlcv_1d"] {
            _ = try await session.rows("refresh \(view)", """
                CALL refresh_continuous_aggregate(\(unescaped: "'\(view)'"), \(unescaped: range))
                """)
        }
    }

    /// Refreshes the ranges other sessions queued (see ``refreshAggregates(from:to:)``); returns
    /// how many.
    func refreshQueuedAggregates() async throws(StorageError) -> Int {
        let queued = try await session.rows("take the queued rollup refreshes", """
            DELETE FROM rollup_refresh_requests
            RETURNING (extract(epoch FROM from_ts) * 1000000)::int8 AS from_us, (extract(epoch FROM to_ts) * 1000000)::int8 AS to_us
            """)
        for row in queued {
            let from = try row.value("from_us", as: Int64.self, table: "rollup_refresh_requests")
            let to = try row.value("to_us", as: Int64.self, table: "rollup_refresh_requests")
            try await refreshContinuousAggregates(range: """
                TIMESTAMPTZ 'epoch' + \(from) * INTERVAL '1 microsecond', TIMESTAMPTZ 'epoch' + \(to) * INTERVAL '1 microsecond'
                """)
        }
        return queued.count
    }
}

extension StorageMaintenance {
    /// How long each time-series table keeps its rows (tables that keep them forever are absent),
    /// from the flavor's own settings: time_partition_policies (plain) or the retention
    /// policies' `drop_after` (TimescaleDB).
    public func retention() async throws(StorageError) -> [String: Duration] {
        let query: PostgresQuery = try await flavor() == .timescaledb
            ? """
              SELECT hypertable_name::text AS table_name,
                  (extract(epoch FROM (config ->> 'drop_after')::interval) * 1000000)::int8 AS micros
              FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention'
              """
            : """
              SELECT table_name, (extract(epoch FROM retention) * 1000000)::int8 AS micros
              FROM time_partition_policies WHERE retention IS NOT NULL
              """
        var result: [String: Duration] = [:]
        for row in try await session.rows("read retention", query) {
            let micros = try row.value("micros", as: Int64.self, table: "retention")
            result[try row.value("table_name", as: String.self, table: "retention")] = .microseconds(micros)
        }
        return result
    }
}
