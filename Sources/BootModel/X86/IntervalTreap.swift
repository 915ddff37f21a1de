/// Sets of intervals `[start, end]` with unique slot numbers, each ordered by `(start, slot)` and
/// augmented with the largest and smallest `end` of each subtree, so that the entries an
/// `e820__range_update()`/`_remove()` can touch are found in O((k + 1) log n) instead of by
/// scanning the whole table. Treaps (randomised balanced trees) in one node array, one tree per
/// key (`tree`), found by binary search over the sorted keys; no recursion deeper than a tree's
/// height.
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
  /// The trees' keys, ascending, and their roots (`-1` when empty). (Int keys: the runtime has
  /// `[Int]` prebuilt, where a `[UInt64]` is instantiated at run time.)
  private var trees: [Int] = []
  private var roots: [Int] = []
  private var seed: UInt64 = 0x9e37_79b9_7f4a_7c15

  /// Where `tree` is, or would be inserted, in `trees`.
  private func position(_ tree: Int) -> Int {
    var low = 0
    var high = trees.count
    while low < high {
      let mid = (low + high) / 2
      if trees[mid] < tree { low = mid + 1 } else { high = mid }
    }
    return low
  }

  private func root(_ tree: Int) -> Int {
    let i = position(tree)
    return i < trees.count && trees[i] == tree ? roots[i] : -1
  }

  mutating func insert(start: UInt64, slot: Int, end: UInt64, tree: Int) {
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
    let i = position(tree)
    if i == trees.count || trees[i] != tree {
      trees.insert(tree, at: i)
      roots.insert(-1, at: i)
    }
    let (low, high) = split(roots[i], start, slot)
    roots[i] = merge(merge(low, index), high)
  }

  /// Removes the interval with this start and slot (which must be present in `tree`).
  mutating func remove(start: UInt64, slot: Int, tree: Int) {
    let i = position(tree)
    guard i < trees.count && trees[i] == tree else { return }
    let (low, rest) = split(roots[i], start, slot)
    let (middle, high) = split(rest, start, slot + 1)
    if middle >= 0 { freeNodes.append(middle) }
    roots[i] = merge(low, high)
  }

  /// Slots of the intervals in `tree` with `start <= hi` and `end >= lo`.
  func overlapping(_ lo: UInt64, _ hi: UInt64, tree: Int, into slots: inout [Int]) {
    let root = root(tree)
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

  /// Slots of the intervals in `tree` with `start >= lo` and `end <= hi`.
  func contained(_ lo: UInt64, _ hi: UInt64, tree: Int, into slots: inout [Int]) {
    let root = root(tree)
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
