import SubledgerLedger

/// Fictional names, numbers and national ids for the demo's subscribers.
struct DemoNames {
    static let firstNames = [
        "Reza", "Ali", "Mohammad", "Hossein", "Mehdi", "Amir", "Saeed", "Hamid", "Majid", "Behnam", "Kaveh", "Arash",
        "Dariush", "Farhad", "Navid", "Omid", "Pouya", "Siavash", "Babak", "Kourosh", "Maryam", "Zahra", "Fatemeh",
        "Sara", "Narges", "Leila", "Mina", "Shirin", "Parisa", "Niloufar", "Elham", "Azadeh", "Roya", "Mahsa",
        "Shadi", "Yasaman", "Golnaz", "Bahar", "Soheila", "Ladan",
    ]
    static let lastNames = [
        "Karimi", "Ahmadi", "Hosseini", "Rezaei", "Mohammadi", "Moradi", "Jafari", "Ghasemi", "Rahimi", "Kazemi",
        "Sadeghi", "Tehrani", "Shirazi", "Esfahani", "Tabrizi", "Mashhadi", "Kermani", "Yazdi", "Amini", "Nouri",
        "Bagheri", "Hashemi", "Mousavi", "Najafi", "Akbari", "Soltani", "Zamani", "Farahani", "Golestani", "Parsa",
    ]
    static let companyWords = [
        "Pars", "Arya", "Kavir", "Alborz", "Zagros", "Sepehr", "Tous", "Persepolis", "Damavand", "Karun", "Hirmand",
        "Simorgh", "Setareh", "Roshan", "Fanavar", "Andisheh", "Nikan", "Rayan",
    ]
    static let companyKinds = [
        "Trading Co.", "Logistics", "Software Group", "Pharmaceuticals", "Construction Co.", "Textiles",
        "Food Industries",
        "Consulting", "Insurance Agency", "Travel Agency", "Printing House", "Clinic", "Law Office", "Virtual Office",
    ]
    static let governmentBodies = [
        "Tehran Municipality, District", "Ministry of Education, Region", "Social Security Branch",
        "Provincial Water Authority, Office",
        "Tax Administration, Unit", "Ministry of Health, Centre",
    ]

    /// A valid Iranian national code (10 digits, the last a check digit).
    static func nationalCode(_ random: inout DemoRandom) -> String {
        var digits = (0..<9).map { _ in random.int(0...9) }
        if digits[0] == 0 && digits[1] == 0 { digits[1] = random.int(1...9) }
        let sum = digits.enumerated().reduce(0) { $0 + $1.element * (10 - $1.offset) }
        let remainder = sum % 11
        digits.append(remainder < 2 ? remainder : 11 - remainder)
        return digits.map(String.init).joined()
    }

    /// A legal entity's national id (11 digits).
    static func entityID(_ random: inout DemoRandom) -> String {
        "10" + (0..<9).map { _ in String(random.int(0...9)) }.joined()
    }

    static func person(_ random: inout DemoRandom) -> String {
        "\(random.pick(firstNames)) \(random.pick(lastNames))"
    }

    static func company(_ random: inout DemoRandom) -> String {
        "\(random.pick(companyWords)) \(random.pick(companyWords)) \(random.pick(companyKinds))"
    }

    static func government(_ random: inout DemoRandom) -> String {
        "\(random.pick(governmentBodies)) \(random.int(1...22))"
    }

    static let mobilePrefixes = [
        "912", "913", "919", "935", "936", "937", "901", "902", "903", "990", "991", "921", "922",
    ]
    static let fixedPrefixes = ["21", "21", "21", "31", "51", "71", "41", "26"]

    /// An unused mobile number: `+98` and ten digits.
    static func mobile(_ random: inout DemoRandom, used: inout Set<String>) -> String {
        while true {
            let number = "+989" + random.pick(mobilePrefixes).dropFirst() + digits(7, &random)
            if used.insert(number).inserted { return number }
        }
    }

    /// An unused fixed number: `+98`, the area code and eight digits.
    static func fixed(_ random: inout DemoRandom, used: inout Set<String>) -> String {
        while true {
            let number = "+98" + random.pick(fixedPrefixes) + String(random.int(2...8)) + digits(7, &random)
            if used.insert(number).inserted { return number }
        }
    }

    /// An unused round ("vanity") mobile number (PLAN-3): `+989121111111`, `+989123000000`.
    static func vanity(_ random: inout DemoRandom, used: inout Set<String>) -> String {
        while true {
            let digit = String(random.int(0...9))
            let lead = String(random.int(1...9))
            let tail: String =
                switch random.int(0...3) {
                case 0: String(repeating: digit, count: 7)
                case 1: lead + String(repeating: "0", count: 6)
                case 2: lead + lead + lead + String(repeating: digit, count: 4)
                default: String(repeating: lead, count: 3) + "0" + String(repeating: lead, count: 3)
                }
            let number = "+989" + random.pick(["12", "19", "35"]) + tail
            if used.insert(number).inserted { return number }
        }
    }

    private static func digits(_ count: Int, _ random: inout DemoRandom) -> String {
        (0..<count).map { _ in String(random.int(0...9)) }.joined()
    }
}
