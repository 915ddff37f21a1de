import Testing

@testable import dtmem

/// `DTMem.command(named:)` answers as a search of `DTMem.commands` would.
@Suite struct CommandLookupTests {
  @Test func everyCommandIsFoundByItsName() {
    for command in DTMem.commands {
      let found = DTMem.command(named: command.name)
      #expect(found.map(ObjectIdentifier.init) == ObjectIdentifier(command), "\(command.name)")
    }
  }

  @Test func otherWordsFindNothing() {
    for word in ["", "help", "to_memmap", "show ", "Show", "--version"] {
      #expect(DTMem.command(named: word) == nil, "\(word)")
    }
  }
}
