import ArgumentParser
import SubledgerLedger

/// A line's number given as an argument or option (`status LINE`, `replay LINE`,
/// `settle LINE`, `audit --line`, `export --line`): E.164, as the store keeps it.
///
/// Anything else is refused before the store is opened, with what is wrong: an empty
/// number is named as empty, and a national number (`09121234567`), one without `+`
/// (`989121234567`) or with the international prefix `00` gets "did you mean
/// +989121234567?", since no line of the store can have another form.
enum LineArgument {
    /// The country code of the numbers written nationally (Iran).
    static let countryCode = "98"

    /// Parses the argument, refusing a number that is not E.164 with its reason.
    static func parse(_ text: String) throws -> String {
        if LineNumber.isE164(text) { return text }
        if text.isEmpty {
            throw ValidationError("the line number is empty: give the line's number in E.164, such as +989121234567")
        }
        if let suggestion = suggestion(for: text) {
            throw ValidationError("\"\(text)\" is not an E.164 number: did you mean \(suggestion)?")
        }
        throw ValidationError(
            "\"\(text)\" is not an E.164 number: give + and the country code, then the number, such as +989121234567")
    }

    /// The E.164 number `text` most likely means, or `nil` when it cannot be one:
    /// spaces, dashes, dots and parentheses are dropped; `00` becomes `+`; a leading `0`
    /// (a national number) becomes `+98`; ten digits starting with `9` (a mobile number
    /// without its 0) get `+98`; other digits get `+`.
    static func suggestion(for text: String) -> String? {
        let kept = text.filter { !" -.()".contains($0) }
        let hasPlus = kept.hasPrefix("+")
        let digits = hasPlus ? String(kept.dropFirst()) : kept
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let candidate: String
        if digits.hasPrefix("00") {
            candidate = "+" + digits.dropFirst(2)
        } else if digits.hasPrefix("0") {
            candidate = "+" + countryCode + digits.dropFirst()
        } else if !hasPlus, digits.count == 10, digits.hasPrefix("9") {
            candidate = "+" + countryCode + digits
        } else {
            candidate = "+" + digits
        }
        return LineNumber.isE164(candidate) && candidate != text ? candidate : nil
    }
}
