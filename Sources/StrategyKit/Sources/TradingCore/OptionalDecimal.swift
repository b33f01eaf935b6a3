/// A decimal or nothing, in the decimal's own 16 bytes: `Int128.min`, which no price or size can
/// be, stands for nothing.
struct OptionalDecimal: Hashable, Sendable {
    private var raw: Int128

    init(_ value: FixedPoint?) { raw = value?.raw ?? .min }

    func ifPresent<Wrapped>(_ wrap: (FixedPoint) -> Wrapped) -> Wrapped? {
        raw == .min ? nil : wrap(FixedPoint(raw: raw))
    }
}
