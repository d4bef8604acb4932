import Foundation

/// Writes `line` and a newline to standard error (progress and failures).
func printToStandardError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
