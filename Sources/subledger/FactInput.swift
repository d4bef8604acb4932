/// The input of `import` and `apply`: a file of JSON Lines, or standard input (`-`)
/// copied to a temporary file first, because the input is read twice.
struct FactInput {
    /// What messages call it: the path as given, or `stdin`.
    let name: String
    /// The file that is read.
    let path: String
    /// Holds standard input's copy for as long as the input is used.
    private let spool: StandardInputSpool?

    /// The input named by the command's FILE argument.
    init(argument: String) throws(CommandFailure) {
        if argument == "-" {
            let spool = try StandardInputSpool()
            self.spool = spool
            path = spool.path
            name = "stdin"
        } else {
            spool = nil
            path = argument
            name = argument
        }
    }
}
