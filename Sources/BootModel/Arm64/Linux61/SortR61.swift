/// `sort_r()` of lib/sort.c as Linux 6.1 has it (6.1.176): an in-place, unstable heapsort —
/// the "bottom-up" variant that walks the sift-down path to a leaf with one compare per level and
/// then backtracks to where the element belongs. Elements that compare equal end in the order this
/// exact sequence of swaps leaves them, which is what makes 6.1 place equal-keyed dynamic
/// `/reserved-memory` regions in the order it does (`fdt_init_reserved_mem()` sorts them all with
/// base 0, size 0). Later kernels changed this function; this one must stay as 6.1 has it.
enum SortR61 {
  /// Sorts `elements` as `sort_r(base, num, size, cmp, NULL, NULL)` does, with `compare`
  /// returning <0, 0 or >0 like the kernel's `cmp_func`.
  static func sort<Element>(_ elements: inout [Element], _ compare: (Element, Element) -> Int) {
    let count = elements.count
    // Indices of elements, where the kernel scales them by the element size.
    var n = count
    var a = count / 2
    guard a != 0 else { return }  // num < 2
    func parent(_ i: Int) -> Int { (i - 1) / 2 }
    while true {
      if a != 0 {
        a -= 1  // building the heap: sift down --a
      } else {
        n -= 1
        guard n != 0 else { break }  // sort complete
        elements.swapAt(0, n)  // sorting: extract the root to --n
      }
      // Sift the element at a down: find the path to a leaf, one compare per level...
      var b = a
      var c = 2 * b + 1
      var d = c + 1
      while d < n {
        b = compare(elements[c], elements[d]) >= 0 ? c : d
        c = 2 * b + 1
        d = c + 1
      }
      if d == n { b = c }  // the last leaf has no sibling
      // ...then backtrack from b to where the element at a belongs, and shift it into place.
      while b != a && compare(elements[a], elements[b]) >= 0 { b = parent(b) }
      c = b
      while b != a {
        b = parent(b)
        elements.swapAt(b, c)
      }
    }
  }
}
