/// Random bytes and mutations of valid inputs (e820 tables in every form, command lines), for
/// the parser fuzz tests of several modules: seeded, so every run sees the same inputs.
public enum MutationFuzzing {
  public static let seeds: [String] = [
    "[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n[    0.000000] BIOS-e820: [mem "
      + "0x000000000009fc00-0x000000000009ffff] reserved\nuser-defined physical RAM map:\nuser: [mem "
      + "0x0000000000100000-0x000000003ffdffff] persistent (type 12)\n",
    "BIOS-e820: 0000000000000000 - 000000000009fc00 (usable)\nCommand line: memmap=64M$0x10000000\n",
    "00000000-00000fff : Reserved\n00001000-0009fbff : System RAM\n  0b000000-0bffffff : Kernel "
      + "code\n100000000-17fffffff : System RAM\n",
    "0/start:0x0\n0/end:0x9fbff\n0/type:System RAM\n1/start:0x100000\n1/end:0x3ffdffff\n1/type:Reserved\n",
    "{\"e820\": [{\"start\": \"0x0\", \"size\": \"0x9fc00\", \"type\": \"usable\"}, {\"start\": \"0x100000\", "
      + "\"size\": \"0x1000\", \"type\": \"type 20\"}]}",
    "memmap=exactmap,640K@0,64M$0x10000000,1M%0x2000-1+12,512MB$1,0x10E#0x20 mem=4G@1G "
      + "crashkernel=512M-2G:64M,2G-:128M@16M reserve_mem=64M:4096:trace",
  ]
  public static let tokens: [[UInt8]] = [
    Array("0x".utf8), Array("ffffffffffffffffffff".utf8), Array("18446744073709551616".utf8), Array("-".utf8),
    Array(",".utf8),
    Array("[".utf8), Array("]".utf8), Array(":".utf8), Array(" : ".utf8), Array("%".utf8), Array("$".utf8),
    Array("@".utf8),
    Array("!".utf8), Array("#".utf8), Array("+".utf8), Array("\n".utf8), Array("\r\n".utf8), [0], [0xff], [0xc3],
    Array("é".utf8),
    Array("\"".utf8), Array("=".utf8), Array("16E".utf8), Array("K".utf8), Array("user: [mem ".utf8),
    Array("/start:".utf8),
    Array("{".utf8), Array("}".utf8), Array("\\u0000".utf8), Array("exactmap".utf8), Array(" ".utf8),
    Array("-0x100000000".utf8),
  ]

  public static func mutate(_ input: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
    var bytes = input
    for _ in 0..<Int(1 + random.below(6)) {
      let position = Int(random.below(UInt64(bytes.count + 1)))
      switch random.below(5) {
      case 0 where !bytes.isEmpty:
        bytes[min(position, bytes.count - 1)] = UInt8(truncatingIfNeeded: random.next())
      case 1:
        bytes.insert(contentsOf: random.pick(tokens), at: position)
      case 2 where !bytes.isEmpty:
        let end = min(bytes.count, position + Int(random.below(12)))
        bytes.removeSubrange(position..<max(position, end))
      case 3:
        let start = Int(random.below(UInt64(bytes.count + 1)))
        let end = min(bytes.count, start + Int(random.below(40)))
        bytes.insert(contentsOf: bytes[start..<end], at: position)
      default:
        bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
      }
    }
    return bytes
  }

  public static func inputs(count: Int, seed: UInt64) -> [[UInt8]] {
    var random = SplitMix64(seed: seed)
    var result: [[UInt8]] = []
    for index in 0..<count {
      if index % 4 == 0 {
        result.append((0..<Int(random.below(200))).map { _ in UInt8(truncatingIfNeeded: random.next()) })
      } else {
        result.append(mutate(Array(random.pick(seeds).utf8), &random))
      }
    }
    return result
  }
}
