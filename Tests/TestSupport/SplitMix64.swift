/// A small deterministic generator for seeded property tests and fuzz runs (SplitMix64).
public struct SplitMix64: Sendable {
  public var state: UInt64
  public init(seed: UInt64) { state = seed }
  public mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var z = state
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }
}

/// Drawing helpers over the generator.
extension SplitMix64 {
  public mutating func below(_ n: UInt64) -> UInt64 { n == 0 ? 0 : next() % n }
  public mutating func pick<T>(_ values: [T]) -> T { values[Int(below(UInt64(values.count)))] }
  public mutating func chance(_ percent: UInt64) -> Bool { below(100) < percent }
}
