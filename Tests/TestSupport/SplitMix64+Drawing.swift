/// Drawing helpers over the shared seeded generator.
extension SplitMix64 {
  public mutating func below(_ n: UInt64) -> UInt64 { n == 0 ? 0 : next() % n }
  public mutating func pick<T>(_ values: [T]) -> T { values[Int(below(UInt64(values.count)))] }
  public mutating func chance(_ percent: UInt64) -> Bool { below(100) < percent }
}
