/// The version of subledger, in one place: `subledger --version` prints it, and `demo`
/// names it in its report.
enum SubledgerVersion {
    /// Semantic versioning: the interchange format and the commands of interchange.md are
    /// the public interface.
    static let current = "0.1.0"
}
