/// The one varint codec of the house: LEB128 (seven bits a byte, low group first, the high
/// bit set on every byte but the last) and zigzag for signed values. The store's records
/// (``ByteWriter``, ``ByteReader``) and the ledger's stored projection states write and read
/// through it, so both formats stay byte for byte what they were and cannot drift apart.
///
/// Inlinable: the ledger decodes a state's varints on every import, across the module line.
public enum Varint {
    /// The most bytes one `UInt64` takes: ten (the tenth holds its top bit).
    public static let maximumBytes = 10

    /// Why bytes are not a varint.
    public enum Failure: Error, Sendable, Equatable {
        /// The bytes end before the varint's last byte.
        case truncated
        /// More than 64 bits: an eleventh byte, or a tenth above 1.
        case overflow
    }

    /// Appends `value` in LEB128.
    /// - Parameters:
    ///   - value: The number; 1 to ``maximumBytes`` bytes.
    ///   - bytes: The buffer the bytes are appended to.
    @inlinable
    public static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// Appends `value` zigzagged (small magnitudes, either sign, take few bytes).
    /// - Parameters:
    ///   - value: The signed number.
    ///   - bytes: The buffer the bytes are appended to.
    @inlinable
    public static func appendSigned(_ value: Int64, to bytes: inout [UInt8]) {
        append(zigzag(value), to: &bytes)
    }

    /// `value` mapped to an unsigned one: 0, -1, 1, -2 … become 0, 1, 2, 3 …
    /// - Parameter value: A signed number.
    /// - Returns: `2 * value` for `value >= 0`, `-2 * value - 1` otherwise, without overflow.
    @inlinable
    public static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    /// The inverse of ``zigzag(_:)``.
    /// - Parameter raw: A zigzagged number.
    /// - Returns: The signed number it stands for.
    @inlinable
    public static func unzigzag(_ raw: UInt64) -> Int64 {
        Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// Reads the varint at `index` of `bytes` and moves `index` past it; `index` is left
    /// where it was read up to when it throws.
    /// - Parameters:
    ///   - bytes: The bytes holding the varint.
    ///   - index: Where the varint starts; on return, the index past its last byte.
    /// - Returns: The value.
    /// - Throws: ``Failure/truncated`` when `bytes` ends first, ``Failure/overflow`` beyond 64 bits.
    @inlinable
    public static func read<Bytes: RandomAccessCollection>(
        from bytes: Bytes, at index: inout Bytes.Index
    ) throws(Failure) -> UInt64 where Bytes.Element == UInt8 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard index < bytes.endIndex else { throw .truncated }
            let byte = bytes[index]
            bytes.formIndex(after: &index)
            // Shifts go 0, 7, … 63: at 63 only the top bit is left, so the byte is 0 or 1.
            guard shift < 64, shift < 63 || byte <= 1 else { throw .overflow }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }
}
