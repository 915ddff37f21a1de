import Foundation
import FoundationXML

/// Whether a document is well-formed XML (libxml2 through Foundation's parser), and what it holds.
final class XMLCheck: NSObject, XMLParserDelegate {
  var error: Error?
  var elements: [String: Int] = [:]
  var titles: [String] = []
  private var inTitle = false
  private var text = ""

  static func parse(_ document: String) -> XMLCheck {
    let check = XMLCheck()
    let parser = XMLParser(data: Data(document.utf8))
    parser.delegate = check
    if !parser.parse() && check.error == nil { check.error = parser.parserError ?? CocoaError(.fileReadCorruptFile) }
    return check
  }

  var isWellFormed: Bool { error == nil }

  func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { error = parseError }

  func parser(
    _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
    attributes: [String: String] = [:]
  ) {
    elements[name, default: 0] += 1
    if name == "title" {
      inTitle = true
      text = ""
    }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) {
    if inTitle { text += string }
  }

  func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
    if name == "title" {
      inTitle = false
      titles.append(text)
    }
  }
}
