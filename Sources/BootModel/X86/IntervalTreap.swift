/// A set of intervals `[start, end]` with unique slot numbers, ordered by `(start, slot)` and
/// augmented with the largest and smallest `end` of each subtree, so that the entries an
/// `e820__range_update()`/`_remove()` can touch are found in O((k + 1) log n) instead of by
/// scanning the whole table. A treap (randomised balanced tree) in one array; no recursion deeper
/// than the tree's height.
struct IntervalTreap: Sendable {
  private struct Node: Sendable {
    var start: UInt64
    var slot: Int
    var end: UInt64
    var priority: UInt64
    var left = -1
    var right = -1
    var maxEnd: UInt64
    var minEnd: UInt64
  }

  private var nodes: [Node] = []
  private var freeNodes: [Int] = []
  private var root = -1
  private var seed: UInt64 = 0x9e37_79b9_7f4a_7c15
  private(set) var count = 0

  var isEmpty: Bool { count == 0 }

  mutating func insert(start: UInt64, slot: Int, end: UInt64) {
    seed &+= 0x9e37_79b9_7f4a_7c15
    var z = seed
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    let node = Node(start: start, slot: slot, end: end, priority: z ^ (z >> 31), maxEnd: end, minEnd: end)
    let index: Int
    if let reused = freeNodes.popLast() {
      nodes[reused] = node
      index = reused
    } else {
      nodes.append(node)
      index = nodes.count - 1
    }
    let (low, high) = split(root, start, slot)
    root = merge(merge(low, index), high)
    count += 1
  }

  /// Removes the interval with this start and slot (which must be present).
  mutating func remove(start: UInt64, slot: Int) {
    let (low, rest) = split(root, start, slot)
    let (middle, high) = split(rest, start, slot + 1)
    if middle >= 0 {
      freeNodes.append(middle)
      count -= 1
    }
    root = merge(low, high)
  }

  /// Slots of the intervals with `start <= hi` and `end >= lo`.
  func overlapping(_ lo: UInt64, _ hi: UInt64, into slots: inout [Int]) {
    var stack: [Int] = root >= 0 ? [root] : []
    while let t = stack.popLast() {
      let node = nodes[t]
      guard node.maxEnd >= lo else { continue }
      if node.left >= 0 { stack.append(node.left) }
      if node.start <= hi {
        if node.end >= lo { slots.append(node.slot) }
        if node.right >= 0 { stack.append(node.right) }
      }
    }
  }

  /// Slots of the intervals with `start >= lo` and `end <= hi`.
  func contained(_ lo: UInt64, _ hi: UInt64, into slots: inout [Int]) {
    var stack: [Int] = root >= 0 ? [root] : []
    while let t = stack.popLast() {
      let node = nodes[t]
      guard node.minEnd <= hi else { continue }
      if node.start >= lo {
        if node.end <= hi { slots.append(node.slot) }
        if node.left >= 0 { stack.append(node.left) }
      }
      if node.right >= 0 { stack.append(node.right) }
    }
  }

  // MARK: Treap plumbing

  private static func precedes(_ a: Node, _ start: UInt64, _ slot: Int) -> Bool {
    a.start != start ? a.start < start : a.slot < slot
  }

  private mutating func update(_ t: Int) {
    var maxEnd = nodes[t].end
    var minEnd = nodes[t].end
    let left = nodes[t].left
    let right = nodes[t].right
    if left >= 0 {
      maxEnd = max(maxEnd, nodes[left].maxEnd)
      minEnd = min(minEnd, nodes[left].minEnd)
    }
    if right >= 0 {
      maxEnd = max(maxEnd, nodes[right].maxEnd)
      minEnd = min(minEnd, nodes[right].minEnd)
    }
    nodes[t].maxEnd = maxEnd
    nodes[t].minEnd = minEnd
  }

  /// Splits into the keys before `(start, slot)` and the rest.
  private mutating func split(_ t: Int, _ start: UInt64, _ slot: Int) -> (Int, Int) {
    guard t >= 0 else { return (-1, -1) }
    if Self.precedes(nodes[t], start, slot) {
      let (low, high) = split(nodes[t].right, start, slot)
      nodes[t].right = low
      update(t)
      return (t, high)
    } else {
      let (low, high) = split(nodes[t].left, start, slot)
      nodes[t].left = high
      update(t)
      return (low, t)
    }
  }

  /// Joins two treaps whose keys are all ordered `a` before `b`.
  private mutating func merge(_ a: Int, _ b: Int) -> Int {
    guard a >= 0 else { return b }
    guard b >= 0 else { return a }
    if nodes[a].priority > nodes[b].priority {
      nodes[a].right = merge(nodes[a].right, b)
      update(a)
      return a
    } else {
      nodes[b].left = merge(a, nodes[b].left)
      update(b)
      return b
    }
  }
}
